"""Corpora: generation of realistic postings and members, validation and ingestion of
user postings, and the on-disk corpus format (`jobsearch.corpus.table`)."""
