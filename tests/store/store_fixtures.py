"""Store test helpers (a uniquely named module): valid posting rows, their store writes
with explicit unit vectors, and a small index built from them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

DIM = 32
MODEL = "test-model"
NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
CITIES = ["5391959", "5809844", "5128581", "2950159", "2643743"]


def posting(i: int, *, title: str | None = None, prefix: str = "job") -> dict[str, object]:
    """A README-schema posting (nested), valid for `corpus validate`."""
    return {
        "job_id": f"{prefix}-{i}", "title": title or f"Role {i}", "description": f"Description of role {i}",
        "company": {"id": f"c{i % 7}", "name": f"Company {i % 7}", "type": "direct"},
        "location_ids": [CITIES[i % len(CITIES)]], "workplace": "remote", "remote_share": 1.0,
        "salary": {"min": 50000 + i, "max": 90000 + i, "currency": "USD", "period": "year"},
        "posted_at": (NOW - timedelta(hours=i)).isoformat(), "seniority": "senior",
        "employment_type": "full_time", "occupation_code": "15-1252.00", "skills": ["Python"],
    }


def unit_vectors(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def row(p: dict[str, object]) -> dict[str, object]:
    from jobsearch.corpus.table import posting_to_row
    from jobsearch.schema import Posting

    return posting_to_row(Posting.model_validate(p))


def build_index(root: Path, n: int, *, seed: int = 0, shards: int = 1) -> Path:
    from jobsearch.index import build_from_arrays

    return build_from_arrays(root, unit_vectors(n, seed), [row(posting(i)) for i in range(n)], model_id=MODEL,
                             shards=shards)


def upsert(p: dict[str, object], vector: np.ndarray, *, valid_through_ms: int | None = None,
           model_id: str = MODEL):  # noqa: ANN201 - jobsearch.store.Upsert
    from jobsearch.schema import Posting
    from jobsearch.store.base import Upsert, vector_bytes
    from jobsearch.store.writer import canonical_json

    post = Posting.model_validate(p)
    return Upsert(post.job_id, canonical_json(post), json.dumps(p["title"]), model_id, vector_bytes(vector),
                  valid_through_ms=valid_through_ms)
