"""jobsearch.runtimes (folder `runtimes/`, mapped under the import root)."""
