"""jobsearch: semantic job search with strict filters and exact flat vector retrieval."""

__version__ = "0.1.0"
