"""The four stage protocols of the request path. Each has an in-process implementation
(embedded) and a remote one (KServe / Triton over the Open Inference Protocol);
`SearchPipeline` composes them and never knows which it holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

import numpy as np

from jobsearch.schema import Filters, ParsedQuery


@runtime_checkable
class QueryEngine(Protocol):
    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        """Turn text (+ member context) into semantic text and strict filters."""
        ...


@runtime_checkable
class Encoder(Protocol):
    dim: int
    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 unit vectors, shape (len(texts), dim)."""
        ...


@runtime_checkable
class Retriever(Protocol):
    def search(
        self, vectors: np.ndarray, filters: Filters, k: int, *, now: datetime | None = None
    ) -> list[Hits]:
        """Exact filtered top-k per query vector; time filters are evaluated at `now`."""
        ...


@runtime_checkable
class Ranker(Protocol):
    def rank(
        self, query: ParsedQuery, job_ids: Sequence[str], retrieval_scores: np.ndarray
    ) -> np.ndarray:
        """Return one score per candidate (higher is better)."""
        ...


class Hits:
    """Top-k of one query, best first: job ids (the postings' own ids, so hits from
    different shards or processes merge without translation), float32 scores, and how
    many postings passed the strict filters."""

    __slots__ = ("job_ids", "scores", "n_matching")

    def __init__(self, job_ids: Sequence[str], scores: np.ndarray, n_matching: int) -> None:
        self.job_ids = list(job_ids)
        self.scores = scores
        self.n_matching = n_matching

    def __len__(self) -> int:
        return len(self.job_ids)
