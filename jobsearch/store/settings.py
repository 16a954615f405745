"""What ingestion is told: where the store is, the admin token, and the cadences of the
follower, the sweeper and compaction. One object per process, read from the environment
by `from_env()` in the process's start-up (`serve`), never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

OFF = ("off", "none", "disabled")


@dataclass(frozen=True)
class IngestSettings:
    store: str | None = None
    """JOBSEARCH_STORE: a PostgreSQL DSN, a SQLite path, or "off" (no store, no ingestion
    API). None = the data home's SQLite store (<home>/store/postings.sqlite)."""
    admin_token: str | None = None
    """JOBSEARCH_ADMIN_TOKEN: the bearer token the mutation endpoints require. Without it
    (and without a token file) they answer 403: ingestion over HTTP is disabled."""
    admin_token_file: Path | None = None
    """JOBSEARCH_ADMIN_TOKEN_FILE: a file holding the token (a mounted Secret); re-read when
    it changes, so a rotated token takes effect without a restart."""
    visible_timeout_s: float = 2.0
    """How long a write waits for the index to apply it before answering 202 (durable, not
    yet visible) instead of 200."""
    poll_s: float = 0.05
    """Follower poll interval for changes made by other processes (local writes wake it)."""
    sweep_every_s: float = 1.0
    """Seconds between expiry sweeps of the store (valid_through passed -> deleted)."""
    compact_every_s: float = 900.0
    """Fold a non-empty delta into a new shard set at least this often (seconds)."""
    compact_min_rows: int = 20_000
    """... or as soon as the delta holds this many rows (or a quarter of the base set)."""

    @property
    def enabled(self) -> bool:
        return (self.store or "").strip().lower() not in OFF

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IngestSettings:
        e = os.environ if env is None else env
        token_file = e.get("JOBSEARCH_ADMIN_TOKEN_FILE") or None
        return cls(
            store=e.get("JOBSEARCH_STORE") or None,
            admin_token=e.get("JOBSEARCH_ADMIN_TOKEN") or None,
            admin_token_file=Path(token_file) if token_file else None,
        )

    def token(self) -> str | None:
        """The configured admin token (the file wins over the variable), or None."""
        if self.admin_token_file is not None:
            try:
                text = self.admin_token_file.read_text().strip()
            except OSError:
                return None  # a missing Secret disables mutations rather than opening them
            return text or None
        return self.admin_token
