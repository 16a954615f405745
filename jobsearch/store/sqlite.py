"""The embedded posting store: one SQLite file in WAL mode (readers never block the
writer), `synchronous=FULL` (an acknowledged write survives a crash of the process and
of the machine), writers serialised by `BEGIN IMMEDIATE`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jobsearch.store.sql import SqlStore

BUSY_TIMEOUT_S = 30.0


class SqliteStore(SqlStore):
    dialect = "sqlite"
    blob_type = "BLOB"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(str(self.path))

    def _connect(self) -> Any:
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        return conn

    @contextmanager
    def _write(self) -> Iterator[Any]:
        conn = self._conn()
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            conn.rollback()
            raise
        cur.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[Any]:
        conn = self._conn()
        cur = conn.cursor()
        cur.execute("BEGIN")
        try:
            yield cur
        finally:
            if conn.in_transaction:
                cur.execute("COMMIT")
