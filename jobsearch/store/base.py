"""What the posting store holds and returns: the source of truth for postings that come
and go (the index is derived from it). Plain frozen dataclasses, shared by the SQLite and
PostgreSQL stores (`jobsearch.store.sql`), the writer, the follower and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

WriteStatus = Literal["created", "updated", "unchanged", "deleted", "not_found", "conflict"]
ChangeOp = Literal["upsert", "delete", "expire"]


@dataclass(frozen=True)
class Upsert:
    """One posting to write. `posting` is the canonical JSON of a validated
    `jobsearch.schema.Posting`; `vector` the fp16 embedding of its text under `model_id`,
    or None to keep the stored vector (only when the stored text digest is `text_sha`)."""

    job_id: str
    posting: str
    text_sha: str
    model_id: str
    vector: bytes | None
    valid_through_ms: int | None = None
    version: int | None = None  # an external version: must exceed the stored one


@dataclass(frozen=True)
class WriteResult:
    job_id: str
    status: WriteStatus
    version: int  # the version now stored (0: never existed)
    seq: int | None = None  # change-log position of this write; None when nothing changed
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "conflict"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"job_id": self.job_id, "status": self.status, "version": self.version}
        if self.seq is not None:
            out["seq"] = self.seq
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Change:
    """One change-log entry: `job_id` changed to `version` at `at_ms` (commit time)."""

    seq: int
    job_id: str
    version: int
    op: ChangeOp
    at_ms: int


@dataclass(frozen=True)
class StoredPosting:
    """The current state of one job id (deleted rows are kept as tombstones so versions
    keep growing across delete and re-create)."""

    job_id: str
    version: int
    seq: int
    deleted: bool
    posting: str | None
    text_sha: str | None
    model_id: str | None
    vector: bytes | None
    valid_through_ms: int | None
    updated_ms: int

    def live(self, now_ms: int) -> bool:
        """Searchable now: not deleted and not past its valid_through."""
        return not self.deleted and (self.valid_through_ms is None or self.valid_through_ms > now_ms)

    def vector_array(self) -> np.ndarray:
        if self.vector is None:
            raise ValueError(f"posting {self.job_id!r} has no stored vector")
        return np.frombuffer(self.vector, dtype=np.float16)


def vector_bytes(vector: np.ndarray) -> bytes:
    """The stored form of an embedding: little-endian fp16 (what shard sets hold)."""
    return np.ascontiguousarray(vector, dtype="<f2").tobytes()
