"""The cluster's posting store: PostgreSQL through psycopg 3, the same schema and queries
as SQLite (`jobsearch.store.sql`). Writers serialise on the `log_head` row lock
(`SELECT ... FOR UPDATE`), so change-log order is commit order; snapshot reads use
REPEATABLE READ."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jobsearch.errors import JobSearchError
from jobsearch.store.sql import SqlStore

SCHEMA_LOCK_KEY = 7_471_001  # pg_advisory_xact_lock key: two processes never create the schema at once
CONNECT_TIMEOUT_S = 10


class PostgresStore(SqlStore):
    dialect = "postgresql"
    blob_type = "BYTEA"
    placeholder = "%s"
    lock_head_sql = "SELECT seq FROM log_head WHERE id = 1 FOR UPDATE"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg  # noqa: F401 - checked here so a missing driver is a clear error
        except ImportError as exc:
            raise JobSearchError(
                "a PostgreSQL store needs psycopg: pip install 'jobsearch[postgres]' (or psycopg[binary])"
            ) from exc
        super().__init__(dsn)

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.location, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise JobSearchError(f"cannot connect to the PostgreSQL store {self.describe()}: {exc}") from exc

    def describe(self) -> str:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        try:
            parts = conninfo_to_dict(self.location)
        except Exception:  # noqa: BLE001 - a malformed DSN is reported by connect(); never echo it
            return "postgresql://(unparsable DSN)"
        parts.pop("password", None)
        return make_conninfo("", **{k: v for k, v in parts.items() if v is not None})

    @contextmanager
    def _write(self) -> Iterator[Any]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield cur

    @contextmanager
    def _read(self) -> Iterator[Any]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield cur

    def _schema_lock(self, cur: Any) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
