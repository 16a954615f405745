"""Saved searches of demo members and their alerts: a small SQLite file in the data home.
An alert is a posting that matches a saved search (strong when grades exist) and was
posted after the member last looked at that search."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_search (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS saved_search_member ON saved_search(member_id);
"""
MAX_PER_MEMBER = 50


class SavedSearch(BaseModel):
    id: str
    member_id: str
    query: str
    created_at: datetime
    last_seen_at: datetime = Field(description="alerts list postings posted after this")


class SavedSearchStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5.0)

    def save(self, member_id: str, query: str, *, now: datetime | None = None) -> SavedSearch:
        """Save `query` for `member_id` (the same text twice is one saved search)."""
        now = now or datetime.now(UTC)
        with self._lock, closing(self._connect()) as db, db:
            row = db.execute(
                "SELECT id, created_at, last_seen_at FROM saved_search WHERE member_id = ? AND query = ?",
                (member_id, query),
            ).fetchone()
            if row:
                return SavedSearch(id=row[0], member_id=member_id, query=query, created_at=row[1], last_seen_at=row[2])
            (count,) = db.execute("SELECT COUNT(*) FROM saved_search WHERE member_id = ?", (member_id,)).fetchone()
            if count >= MAX_PER_MEMBER:
                raise ValueError(f"member {member_id!r} already has {MAX_PER_MEMBER} saved searches; delete one first")
            s = SavedSearch(id=uuid.uuid4().hex[:12], member_id=member_id, query=query, created_at=now, last_seen_at=now)
            db.execute(
                "INSERT INTO saved_search VALUES (?, ?, ?, ?, ?)",
                (s.id, member_id, query, now.isoformat(), now.isoformat()),
            )
            return s

    def list(self, member_id: str) -> list[SavedSearch]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT id, query, created_at, last_seen_at FROM saved_search WHERE member_id = ? ORDER BY created_at",
                (member_id,),
            ).fetchall()
        return [SavedSearch(id=r[0], member_id=member_id, query=r[1], created_at=r[2], last_seen_at=r[3]) for r in rows]

    def mark_seen(self, member_id: str, search_id: str, *, at: datetime | None = None) -> bool:
        """Move a saved search's "last seen" to `at` (now); False if there is no such search."""
        at = at or datetime.now(UTC)
        with self._lock, closing(self._connect()) as db, db:
            cur = db.execute(
                "UPDATE saved_search SET last_seen_at = ? WHERE member_id = ? AND id = ?",
                (at.isoformat(), member_id, search_id),
            )
            return cur.rowcount > 0

    def delete(self, member_id: str, search_id: str) -> bool:
        with self._lock, closing(self._connect()) as db, db:
            cur = db.execute("DELETE FROM saved_search WHERE member_id = ? AND id = ?", (member_id, search_id))
            return cur.rowcount > 0
