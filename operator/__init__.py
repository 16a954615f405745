"""jobsearch.operator (folder `operator/`, mapped under the import root)."""
