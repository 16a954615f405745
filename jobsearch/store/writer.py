"""From mutation rows (JSON objects from the API, a file or the CLI) to store writes: each
row is checked with the same rules as `jobsearch corpus validate`, its text embedded once
(a text the store already holds for that job keeps its vector; other texts go through the
on-disk embedding cache) and written in one transaction per call.

A row is a posting (README schema) plus optional `valid_through` (ISO time: the posting
expires then) and `version` (an external version that must exceed the stored one), or
`{"op": "delete", "job_id": ..., ["version": ...]}`."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pydantic import ValidationError

from jobsearch.schema import Posting
from jobsearch.stages import Encoder
from jobsearch.store.base import Upsert, WriteResult, vector_bytes
from jobsearch.store.sql import SqlStore

MUTATION_KEYS = ("op", "valid_through", "version")
OPS = ("upsert", "delete")


@dataclass(frozen=True)
class RowResult:
    """What happened to one input row (1-based `line`)."""

    line: int
    job_id: str | None
    status: str  # a WriteStatus, or "rejected"
    version: int | None = None
    seq: int | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status not in ("rejected", "conflict")

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"line": self.line, "job_id": self.job_id, "status": self.status}
        if self.version is not None:
            out["version"] = self.version
        if self.seq is not None:
            out["seq"] = self.seq
        if self.reasons:
            out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True)
class Mutation:
    line: int
    op: str
    job_id: str
    posting: Posting | None = None
    valid_through_ms: int | None = None
    version: int | None = None


def parse_time_ms(value: object, field: str) -> int:
    """An ISO 8601 time (naive = UTC) or epoch seconds as epoch milliseconds."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{field}: expected an ISO 8601 time, got {type(value).__name__}")
    if isinstance(value, int | float):
        return int(value * 1000)
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{field}: {value!r} is not an ISO 8601 time") from exc
    ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
    return int(ts.timestamp() * 1000)


def parse_mutation(line: int, obj: Any) -> Mutation | RowResult:
    """One input row as a Mutation, or a `rejected` RowResult with every reason found."""
    from jobsearch.corpus.ingest import (  # the rules of `corpus validate`
        _extra_checks,
        _pydantic_reasons,
    )

    if not isinstance(obj, dict):
        return RowResult(line, None, "rejected", reasons=(f"expected a JSON object, got {type(obj).__name__}",))
    body = dict(obj)
    job_id = body.get("job_id") if isinstance(body.get("job_id"), str) else None
    reasons: list[str] = []
    op = body.pop("op", "upsert")
    if op not in OPS:
        reasons.append(f"op: expected one of {', '.join(OPS)}, got {op!r}")
    version = body.pop("version", None)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        reasons.append(f"version: expected a positive integer, got {version!r}")
    valid_through = body.pop("valid_through", None)
    vt_ms = None
    if valid_through is not None:
        try:
            vt_ms = parse_time_ms(valid_through, "valid_through")
        except ValueError as exc:
            reasons.append(str(exc))
    if op == "delete":
        if job_id is None or not job_id:
            reasons.append("job_id: a delete needs the job_id (a non-empty string)")
        extra = sorted(set(body) - {"job_id"})
        if extra:
            reasons.append(f"a delete takes only job_id and version, got {extra}")
        if reasons:
            return RowResult(line, job_id, "rejected", reasons=tuple(reasons))
        return Mutation(line, "delete", str(job_id), version=version)
    try:
        posting = Posting.model_validate(body)
    except ValidationError as exc:
        return RowResult(line, job_id, "rejected", reasons=tuple(reasons + _pydantic_reasons(exc)))
    reasons += _extra_checks(posting)
    if reasons:
        return RowResult(line, job_id, "rejected", reasons=tuple(reasons))
    ts = posting.posted_at  # naive times are taken as UTC, as `corpus validate` does
    ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    posting = posting.model_copy(update={"posted_at": ts})
    return Mutation(line, "upsert", posting.job_id, posting=posting, valid_through_ms=vt_ms, version=version)


def parse_rows(rows: Sequence[tuple[int, Any]]) -> tuple[list[Mutation], list[RowResult]]:
    """Check every row; a job_id twice in one batch is refused as `corpus validate` does."""
    good: list[Mutation] = []
    bad: list[RowResult] = []
    first: dict[str, int] = {}
    for line, obj in rows:
        m = parse_mutation(line, obj)
        if isinstance(m, RowResult):
            bad.append(m)
            if m.job_id:
                first.setdefault(m.job_id, line)
            continue
        if m.job_id in first:
            bad.append(RowResult(line, m.job_id, "rejected", reasons=(f"job_id: duplicate of line {first[m.job_id]}",)))
            continue
        first[m.job_id] = line
        good.append(m)
    return good, bad


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(posting: Posting) -> str:
    return posting.model_dump_json()


class PostingWriter:
    """Writes mutations to a store, embedding new texts with the document encoder (loaded
    on first need, through the data home's embedding cache)."""

    def __init__(self, store: SqlStore, encoder: Encoder | None = None, *,
                 encoder_factory: Callable[[], Encoder] | None = None) -> None:
        self.store = store
        self._encoder = encoder
        self._factory = encoder_factory or default_document_encoder
        self._lock = threading.Lock()  # the embedding cache is not thread-safe; encoding is CPU-bound anyway

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = self._factory()
        return self._encoder

    def apply(self, mutations: Sequence[Mutation]) -> list[RowResult]:
        """Write upserts then deletes (a batch names each job id once, so the order between
        them is free); one result per mutation, in input order."""
        ups = [m for m in mutations if m.op == "upsert"]
        dels = [m for m in mutations if m.op == "delete"]
        out: dict[int, RowResult] = {}
        if ups:
            for m, r in zip(ups, self._upsert(ups), strict=True):
                out[m.line] = _row_result(m, r)
        if dels:
            results = self.store.delete([m.job_id for m in dels], versions=[m.version for m in dels])
            for m, r in zip(dels, results, strict=True):
                out[m.line] = _row_result(m, r)
        return [out[m.line] for m in mutations]

    def _upsert(self, ups: Sequence[Mutation]) -> list[WriteResult]:
        from jobsearch.corpus.table import posting_to_row
        from jobsearch.encode.text import posting_text

        model_id = self.encoder.model_id
        texts = [posting_text(posting_to_row(m.posting)) for m in ups]  # type: ignore[arg-type]
        digests = [text_digest(t) for t in texts]
        stored = self.store.rows([m.job_id for m in ups])
        keep = [
            (s := stored.get(m.job_id)) is not None and not s.deleted and s.text_sha == d and s.model_id == model_id
            for m, d in zip(ups, digests, strict=True)
        ]
        vectors = self._vectors([t for t, k in zip(texts, keep, strict=True) if not k])
        items, vi = [], 0
        for m, d, k in zip(ups, digests, keep, strict=True):
            vec = None
            if not k:
                vec, vi = vector_bytes(vectors[vi]), vi + 1
            items.append(Upsert(m.job_id, canonical_json(m.posting), d, model_id, vec,  # type: ignore[arg-type]
                                valid_through_ms=m.valid_through_ms, version=m.version))
        results = self.store.upsert(items)
        # A text changed between our read and the write (a concurrent writer): embed it now.
        retry = [i for i, r in enumerate(results) if r.status == "conflict" and "send the vector" in r.reason]
        if retry:
            again = self._vectors([texts[i] for i in retry])
            redo = [Upsert(**{**items[i].__dict__, "vector": vector_bytes(v)}) for i, v in zip(retry, again, strict=True)]
            for i, r in zip(retry, self.store.upsert(redo), strict=True):
                results[i] = r
        return results

    def _vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encoder = self.encoder
        with self._lock:
            return np.asarray(encoder.encode(texts), dtype=np.float32)


def _row_result(m: Mutation, r: WriteResult) -> RowResult:
    return RowResult(m.line, m.job_id, r.status, r.version, r.seq, (r.reason,) if r.reason else ())


def rows_of_ndjson(data: bytes | str) -> list[tuple[int, Any]]:
    """(1-based line, parsed object or a `_Bad` marker) per non-blank NDJSON line."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    out: list[tuple[int, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            out.append((n, Malformed(f"malformed JSON: {exc.msg} (column {exc.colno})")))
    return out


@dataclass(frozen=True)
class Malformed:
    reason: str


def check_rows(rows: Sequence[tuple[int, Any]]) -> tuple[list[Mutation], list[RowResult]]:
    """`parse_rows` with malformed JSON lines reported as rejected rows."""
    bad = [RowResult(n, None, "rejected", reasons=(o.reason,)) for n, o in rows if isinstance(o, Malformed)]
    good, more_bad = parse_rows([(n, o) for n, o in rows if not isinstance(o, Malformed)])
    return good, sorted(bad + more_bad, key=lambda r: r.line)


def default_document_encoder() -> Encoder:
    """The retriever (document side) through the data home's embedding cache."""
    from jobsearch.encode.cache import CachedEncoder
    from jobsearch.encode.default import default_encoder
    from jobsearch.home import cache_dir

    return CachedEncoder(default_encoder(), cache_dir())
