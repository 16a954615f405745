"""`SqlStore`: the posting store over a DB-API connection, one code path for SQLite and
PostgreSQL. A subclass supplies only how to connect and how to open a transaction
(`jobsearch.store.sqlite`, `jobsearch.store.postgres`); every query is here.

Writes take the `log_head` row lock first, so writers are serialised, versions and
change-log sequence numbers are decided under the lock, and commit order is seq order."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal

from jobsearch.failpoints import failpoint
from jobsearch.store.base import Change, StoredPosting, Upsert, WriteResult
from jobsearch.store.schema import (
    CHANGE_SQL,
    DELETE_SQL,
    ROW_COLUMNS,
    SCHEMA_VERSION,
    UPSERT_SQL,
    ddl,
)

IN_CHUNK = 500  # ids per `IN (...)` lookup (well under SQLite's variable limit)


def now_ms() -> int:
    return int(time.time() * 1000)


class SqlStore:
    """Base of the two stores. Connections are per thread (DB-API connections are not
    shared between threads); `close()` closes every one this store opened."""

    dialect = "sql"
    blob_type = "BLOB"
    placeholder = "?"
    lock_head_sql = "SELECT seq FROM log_head WHERE id = 1"

    def __init__(self, location: str) -> None:
        self.location = location
        self._local = threading.local()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        self._closed = False
        with self._write() as cur:
            self._init_schema(cur)
        self.store_id = self._meta("store_id") or ""

    # --- what a dialect supplies ------------------------------------------------------

    def _connect(self) -> Any:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Any]:
        """A cursor inside a write transaction (committed on exit, rolled back on error)."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Any]:
        """A cursor inside a read transaction that sees one snapshot."""
        raise NotImplementedError

    def _schema_lock(self, cur: Any) -> None:
        """Serialise schema creation between processes (PostgreSQL); SQLite's write lock does."""

    # --- plumbing -----------------------------------------------------------------------

    def _conn(self) -> Any:
        if self._closed:
            raise RuntimeError(f"the store {self.describe()} is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def _init_schema(self, cur: Any) -> None:
        self._schema_lock(cur)
        for stmt in ddl(self.blob_type):
            cur.execute(stmt)
        for key, value in (("store_id", uuid.uuid4().hex), ("schema_version", SCHEMA_VERSION)):
            cur.execute(self._sql("INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
                        (key, value))

    def _meta(self, key: str) -> str | None:
        with self._read() as cur:
            cur.execute(self._sql("SELECT value FROM store_meta WHERE key = ?"), (key,))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def describe(self) -> str:
        """The location without secrets (a DSN's password is dropped)."""
        return self.location

    def close(self) -> None:
        self._closed = True
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            # closing a connection of a thread that is gone may fail; nothing to do then
            with contextlib.suppress(Exception):
                conn.close()

    # --- writing ------------------------------------------------------------------------

    def _current(self, cur: Any, job_ids: Sequence[str]) -> dict[str, StoredPosting]:
        out: dict[str, StoredPosting] = {}
        ids = list(dict.fromkeys(job_ids))
        for start in range(0, len(ids), IN_CHUNK):
            part = ids[start : start + IN_CHUNK]
            marks = ", ".join("?" * len(part))
            cur.execute(self._sql(f"SELECT {ROW_COLUMNS} FROM postings WHERE job_id IN ({marks})"), part)
            for row in cur.fetchall():
                out[row[0]] = _stored(row)
        return out

    def upsert(self, items: Sequence[Upsert]) -> list[WriteResult]:
        """Write postings in one transaction. Per item: `unchanged` when the stored posting
        is identical (an idempotent retry), `conflict` when an external version is not above
        the stored one (or a vector-less update finds another text stored), else `created` /
        `updated` with the next version and a change-log entry."""
        if not items:
            return []
        at = now_ms()
        with self._write() as cur:
            cur.execute(self._sql(self.lock_head_sql))
            seq = int(cur.fetchone()[0])
            current = self._current(cur, [u.job_id for u in items])
            results: list[WriteResult] = []
            rows: list[tuple[Any, ...]] = []
            changes: list[tuple[Any, ...]] = []
            for u in items:
                old = current.get(u.job_id)
                result = _decide_upsert(u, old)
                if result is not None:
                    results.append(result)
                    continue
                seq += 1
                version = u.version if u.version is not None else (old.version if old else 0) + 1
                rows.append((u.job_id, version, seq, u.posting, u.text_sha, u.model_id, u.vector,
                             u.valid_through_ms, at))
                changes.append((seq, u.job_id, version, "upsert", at))
                status: Literal["created", "updated"] = "created" if old is None or old.deleted else "updated"
                results.append(WriteResult(u.job_id, status, version, seq))
                current[u.job_id] = StoredPosting(u.job_id, version, seq, False, u.posting, u.text_sha, u.model_id,
                                                  u.vector or (old.vector if old else None), u.valid_through_ms, at)
            self._commit_changes(cur, seq, UPSERT_SQL, rows, changes)
        failpoint("write:after_commit")
        return results

    def adopt(self, items: Sequence[Upsert]) -> tuple[int, int]:
        """Load the postings the store has never seen (no row, not even a tombstone) from
        `items`, in one transaction: `(head_before, head_after)`. Every change in between
        is one of these loads (the head lock is held), so a follower whose index holds
        `items` has nothing to apply there, only what came before."""
        at = now_ms()
        with self._write() as cur:
            cur.execute(self._sql(self.lock_head_sql))
            before = int(cur.fetchone()[0])
            known = self._current(cur, [u.job_id for u in items]) if before else {}
            new = [u for u in items if u.job_id not in known]
            rows = [(u.job_id, 1, before + i, u.posting, u.text_sha, u.model_id, u.vector, u.valid_through_ms, at)
                    for i, u in enumerate(new, 1)]
            changes = [(before + i, u.job_id, 1, "upsert", at) for i, u in enumerate(new, 1)]
            self._commit_changes(cur, before + len(new), UPSERT_SQL, rows, changes)
        return before, before + len(new)

    def delete(self, job_ids: Sequence[str], *, versions: Sequence[int | None] | None = None,
               op: str = "delete") -> list[WriteResult]:
        """Delete postings (tombstones). An absent or already deleted id is `not_found`
        (a retried delete is harmless); an external version must exceed the stored one."""
        if not job_ids:
            return []
        wanted: list[int | None] = list(versions) if versions is not None else [None] * len(job_ids)
        at = now_ms()
        with self._write() as cur:
            cur.execute(self._sql(self.lock_head_sql))
            seq = int(cur.fetchone()[0])
            results, seq = self._delete_locked(cur, list(job_ids), wanted, op, seq, at)
        failpoint("write:after_commit")
        return results

    def _delete_locked(self, cur: Any, job_ids: list[str], wanted: list[int | None], op: str,
                       seq: int, at: int) -> tuple[list[WriteResult], int]:
        current = self._current(cur, job_ids)
        results: list[WriteResult] = []
        rows: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        for job_id, ext in zip(job_ids, wanted, strict=True):
            old = current.get(job_id)
            if old is None or old.deleted:
                results.append(WriteResult(job_id, "not_found", old.version if old else 0))
                continue
            if ext is not None and ext <= old.version:
                results.append(WriteResult(job_id, "conflict", old.version,
                                           reason=f"version {ext} is not above the stored version {old.version}"))
                continue
            seq += 1
            version = ext if ext is not None else old.version + 1
            rows.append((version, seq, at, job_id))
            changes.append((seq, job_id, version, op, at))
            results.append(WriteResult(job_id, "deleted", version, seq))
            current[job_id] = StoredPosting(job_id, version, seq, True, None, None, old.model_id, None, None, at)
        self._commit_changes(cur, seq, DELETE_SQL, rows, changes)
        return results, seq

    def _commit_changes(self, cur: Any, seq: int, row_sql: str, rows: list[tuple[Any, ...]],
                        changes: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cur.executemany(self._sql(row_sql), rows)
        cur.executemany(self._sql(CHANGE_SQL), changes)
        cur.execute(self._sql("UPDATE log_head SET seq = ? WHERE id = 1"), (seq,))
        failpoint("write:before_commit")

    def expire(self, *, now: int | None = None, limit: int = 10_000) -> list[WriteResult]:
        """The sweeper's step: delete (op `expire`) up to `limit` live postings whose
        valid_through has passed."""
        at = now_ms() if now is None else now
        with self._write() as cur:
            cur.execute(self._sql(self.lock_head_sql))
            seq = int(cur.fetchone()[0])
            cur.execute(self._sql("SELECT job_id FROM postings WHERE deleted = 0 AND valid_through IS NOT NULL "
                                  "AND valid_through <= ? ORDER BY valid_through LIMIT ?"), (at, limit))
            due = [str(r[0]) for r in cur.fetchall()]
            results, _ = self._delete_locked(cur, due, [None] * len(due), "expire", seq, at)
        return results

    # --- reading ------------------------------------------------------------------------

    def head(self) -> int:
        """The newest change-log sequence number (0: nothing written yet)."""
        with self._read() as cur:
            cur.execute("SELECT seq FROM log_head WHERE id = 1")
            return int(cur.fetchone()[0])

    def get(self, job_id: str) -> StoredPosting | None:
        return self.rows([job_id]).get(job_id)

    def rows(self, job_ids: Sequence[str]) -> dict[str, StoredPosting]:
        """Current state (deleted ones included) of the ids that were ever written."""
        with self._read() as cur:
            return self._current(cur, job_ids)

    def changes(self, after: int, limit: int = 10_000) -> list[Change]:
        """Change-log entries with seq > `after`, oldest first."""
        with self._read() as cur:
            cur.execute(self._sql("SELECT seq, job_id, version, op, at_ms FROM changes WHERE seq > ? ORDER BY seq LIMIT ?"),
                        (after, limit))
            return [Change(int(r[0]), str(r[1]), int(r[2]), r[3], int(r[4])) for r in cur.fetchall()]

    def oldest_change_after(self, after: int) -> Change | None:
        got = self.changes(after, 1)
        return got[0] if got else None

    def count(self) -> dict[str, int]:
        """Rows by state: live, deleted (tombstones), expiring (live with a valid_through)."""
        with self._read() as cur:
            cur.execute("SELECT deleted, COUNT(*), COUNT(valid_through) FROM postings GROUP BY deleted")
            out = {"live": 0, "deleted": 0, "expiring": 0}
            for deleted, n, expiring in cur.fetchall():
                out["deleted" if deleted else "live"] += int(n)
                if not deleted:
                    out["expiring"] += int(expiring)
            return out

    def model_ids(self) -> list[str]:
        """The models that embedded the live postings (one, unless an encoder changed)."""
        with self._read() as cur:
            cur.execute("SELECT DISTINCT model_id FROM postings WHERE deleted = 0 AND model_id IS NOT NULL")
            return sorted(str(r[0]) for r in cur.fetchall())

    def expiring(self) -> list[tuple[str, int]]:
        """(job_id, valid_through) of live postings that have one (the follower's schedule)."""
        with self._read() as cur:
            cur.execute("SELECT job_id, valid_through FROM postings WHERE deleted = 0 AND valid_through IS NOT NULL")
            return [(str(a), int(b)) for a, b in cur.fetchall()]

    def snapshot(self, *, batch: int = 5000, include_deleted: bool = False) -> tuple[int, Iterator[list[StoredPosting]]]:
        """The head seq and every non-deleted row (tombstones too with `include_deleted`) as
        of that seq, read in one snapshot (building a shard set, reconciling an index). Rows
        past valid_through are included: filter with `StoredPosting.live`. Consume the
        iterator promptly (it holds a read transaction)."""
        ctx = self._read()
        cur = ctx.__enter__()
        cur.execute("SELECT seq FROM log_head WHERE id = 1")
        head = int(cur.fetchone()[0])
        where = "" if include_deleted else "WHERE deleted = 0 "
        cur.execute(f"SELECT {ROW_COLUMNS} FROM postings {where}ORDER BY job_id")

        def chunks() -> Iterator[list[StoredPosting]]:
            try:
                while True:
                    part = cur.fetchmany(batch)
                    if not part:
                        return
                    yield [_stored(r) for r in part]
            finally:
                ctx.__exit__(None, None, None)

        return head, chunks()

    # --- consumers and pruning ----------------------------------------------------------

    def set_consumer(self, name: str, seq: int) -> None:
        """Record a follower's applied position (for lag and pruning)."""
        with self._write() as cur:
            cur.execute(self._sql("INSERT INTO consumers (name, seq, updated_ms) VALUES (?, ?, ?) "
                                  "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_ms = excluded.updated_ms"),
                        (name, seq, now_ms()))

    def consumers(self) -> dict[str, tuple[int, int]]:
        """name -> (applied seq, when it was recorded in epoch ms)."""
        with self._read() as cur:
            cur.execute("SELECT name, seq, updated_ms FROM consumers")
            return {str(n): (int(s), int(u)) for n, s, u in cur.fetchall()}

    def drop_consumer(self, name: str) -> None:
        with self._write() as cur:
            cur.execute(self._sql("DELETE FROM consumers WHERE name = ?"), (name,))

    def prune(self, upto: int) -> int:
        """Drop change-log entries with seq <= `upto` (every reader is past them)."""
        with self._write() as cur:
            cur.execute(self._sql("DELETE FROM changes WHERE seq <= ?"), (upto,))
            return int(cur.rowcount or 0)


def _stored(row: Sequence[Any]) -> StoredPosting:
    vector = row[7]
    return StoredPosting(
        job_id=str(row[0]), version=int(row[1]), seq=int(row[2]), deleted=bool(row[3]), posting=row[4],
        text_sha=row[5], model_id=row[6], vector=None if vector is None else bytes(vector),
        valid_through_ms=None if row[8] is None else int(row[8]), updated_ms=int(row[9]),
    )


def _decide_upsert(u: Upsert, old: StoredPosting | None) -> WriteResult | None:
    """The answer when this upsert writes nothing (unchanged or conflict); None to write."""
    same = (old is not None and not old.deleted and old.posting == u.posting
            and old.valid_through_ms == u.valid_through_ms and old.model_id == u.model_id)
    if u.version is not None:
        if same and old is not None and u.version == old.version:
            return WriteResult(u.job_id, "unchanged", old.version)
        if old is not None and u.version <= old.version:
            return WriteResult(u.job_id, "conflict", old.version,
                               reason=f"version {u.version} is not above the stored version {old.version}")
    elif same and old is not None:
        return WriteResult(u.job_id, "unchanged", old.version)
    if u.vector is None and (old is None or old.deleted or old.vector is None or old.text_sha != u.text_sha
                             or old.model_id != u.model_id):
        return WriteResult(u.job_id, "conflict", old.version if old else 0,
                           reason="the stored text changed since it was read; send the vector")
    return None
