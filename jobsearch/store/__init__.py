"""The posting store: the durable source of truth for postings that come and go (SQLite
embedded, PostgreSQL in a cluster, one schema and one code path), its change log, the
follower that applies the log to a running index, and the expiry sweeper.
See docs/ingestion.md."""

from __future__ import annotations

from pathlib import Path

from jobsearch.store.base import Change, StoredPosting, Upsert, WriteResult
from jobsearch.store.sql import SqlStore

STORE_FILE = "postings.sqlite"


def default_location() -> str:
    """The data home's SQLite store (`<home>/store/postings.sqlite`)."""
    from jobsearch.home import data_home

    return str(data_home() / "store" / STORE_FILE)


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://")) or "host=" in location or "dbname=" in location


def open_store(location: str | Path | None = None) -> SqlStore:
    """Open (creating the schema if needed) the store at `location`: a PostgreSQL DSN
    (`postgresql://...` or `host=... dbname=...`), a SQLite path or `sqlite:///path`;
    None = the data home's SQLite store."""
    loc = str(location) if location is not None else default_location()
    if is_postgres(loc):
        from jobsearch.store.postgres import PostgresStore

        return PostgresStore(loc)
    from jobsearch.store.sqlite import SqliteStore

    return SqliteStore(Path(loc.removeprefix("sqlite://")).expanduser())


__all__ = ["Change", "SqlStore", "StoredPosting", "Upsert", "WriteResult", "default_location", "open_store"]
