"""The one schema of the posting store, for SQLite and PostgreSQL alike (only the binary
column type is spelled per dialect). Times are integer epoch milliseconds, so both
databases compare and index them the same way.

- `postings`: the current state of every job id ever written (deleted rows stay as
  tombstones: a version only grows, across delete and re-create).
- `changes`: the change log. `seq` is assigned under the `log_head` row lock inside the
  writing transaction, so sequence order is commit order: a follower that has read up to
  `seq` can never later see a smaller one appear.
- `consumers`: each follower's applied position (lag reporting, log pruning).
- `store_meta`: the store's random id (a shard set's watermark names the store it counts in)."""

from __future__ import annotations

SCHEMA_VERSION = "1"


def ddl(blob: str) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS log_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS postings (
            job_id TEXT PRIMARY KEY,
            version BIGINT NOT NULL,
            seq BIGINT NOT NULL,
            deleted INTEGER NOT NULL,
            posting TEXT,
            text_sha TEXT,
            model_id TEXT,
            vector {blob},
            valid_through BIGINT,
            updated_ms BIGINT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS postings_expiry ON postings (valid_through) "
        "WHERE deleted = 0 AND valid_through IS NOT NULL",
        """CREATE TABLE IF NOT EXISTS changes (
            seq BIGINT PRIMARY KEY,
            job_id TEXT NOT NULL,
            version BIGINT NOT NULL,
            op TEXT NOT NULL,
            at_ms BIGINT NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS consumers (name TEXT PRIMARY KEY, seq BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
        "INSERT INTO log_head (id, seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    ]


ROW_COLUMNS = "job_id, version, seq, deleted, posting, text_sha, model_id, vector, valid_through, updated_ms"

UPSERT_SQL = f"""INSERT INTO postings ({ROW_COLUMNS}) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)
ON CONFLICT (job_id) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = 0,
  posting = excluded.posting, text_sha = excluded.text_sha, model_id = excluded.model_id,
  vector = COALESCE(excluded.vector, postings.vector), valid_through = excluded.valid_through,
  updated_ms = excluded.updated_ms"""

DELETE_SQL = """UPDATE postings SET version = ?, seq = ?, deleted = 1, posting = NULL, vector = NULL,
  text_sha = NULL, valid_through = NULL, updated_ms = ? WHERE job_id = ?"""

CHANGE_SQL = "INSERT INTO changes (seq, job_id, version, op, at_ms) VALUES (?, ?, ?, ?, ?)"
