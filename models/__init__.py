"""jobsearch.models (folder `models/`, mapped under the import root)."""
