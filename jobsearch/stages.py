"""The stage protocols of the request path and the values that cross them. Each stage has
an in-process implementation (embedded) and a remote one (KServe / Triton over the Open
Inference Protocol); `SearchPipeline` composes them and never knows which it holds.

The contracts carry what the next stage needs, so no stage calls back up the path:
- the query engine returns strict filters already resolved (relative pay as an amount);
- the retriever returns `Candidates`: ids, scores, how many passed the filters, the shard
  set version, and (when asked) the candidates' records read from that same snapshot;
- the ranker receives the parsed query and those candidates (records carry `title`,
  `description`, `skills`... and, from sets built with it, `compact_text`);
- a `MatchCalibration` turns final scores into the grades a person sees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from jobsearch.schema import Filters, Member, ParsedQuery

MatchGrade = Literal["excellent", "good", "fair", "poor"]
# Best first; "good or better" is what a page calls a strong match.
MATCH_GRADES: tuple[MatchGrade, ...] = ("excellent", "good", "fair", "poor")
STRONG_GRADES: frozenset[str] = frozenset({"excellent", "good"})


@runtime_checkable
class QueryEngine(Protocol):
    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        """Turn text (+ member context) into semantic text and strict filters. Relative pay
        ("above median") comes back resolved to an amount, its label kept in `relative`."""
        ...


@runtime_checkable
class Encoder(Protocol):
    dim: int
    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 unit vectors, shape (len(texts), dim)."""
        ...


class Candidates:
    """Top-k of one query, best first: job ids (the postings' own ids, so candidates from
    different shards or processes merge without translation), float32 scores, how many
    postings passed the strict filters, the shard-set version they were read from, and,
    when the search asked for them, the candidates' records from that same snapshot (one
    dict per id, the index's display columns)."""

    __slots__ = ("job_ids", "scores", "n_matching", "version", "records")

    def __init__(
        self,
        job_ids: Sequence[str],
        scores: np.ndarray,
        n_matching: int,
        *,
        version: str | None = None,
        records: list[dict[str, Any]] | None = None,
    ) -> None:
        self.job_ids = list(job_ids)
        self.scores = scores
        self.n_matching = n_matching
        self.version = version
        if records is not None and len(records) != len(self.job_ids):
            raise ValueError(f"{len(records)} records for {len(self.job_ids)} candidates")
        self.records = records

    def __len__(self) -> int:
        return len(self.job_ids)

    def take(self, order: Sequence[int] | np.ndarray) -> Candidates:
        """These candidates in another order (or a subset), records kept aligned."""
        idx = [int(i) for i in order]
        return Candidates(
            [self.job_ids[i] for i in idx],
            np.asarray(self.scores, dtype=np.float32)[idx] if idx else np.zeros(0, np.float32),
            self.n_matching,
            version=self.version,
            records=None if self.records is None else [self.records[i] for i in idx],
        )


# The name the index and runtimes used before records travelled with the hits.
Hits = Candidates


@runtime_checkable
class Retriever(Protocol):
    """Exact filtered retrieval plus what the pipeline reads besides top-k."""

    @property
    def version(self) -> str: ...

    @property
    def model_id(self) -> str: ...

    def search(
        self,
        vectors: np.ndarray,
        filters: Filters,
        k: int,
        *,
        now: datetime | None = None,
        with_records: bool = False,
    ) -> list[Candidates]:
        """Exact filtered top-k per query vector; time filters are evaluated at `now`.
        With `with_records`, each Candidates carries its records from the same snapshot."""
        ...

    def count(self, filters: Filters, *, now: datetime | None = None) -> int:
        """How many live postings pass `filters`."""
        ...

    def records(self, job_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Records of live postings in the order asked (KeyError for an unknown id)."""
        ...


@runtime_checkable
class Ranker(Protocol):
    model_id: str

    def rank(
        self, query: ParsedQuery, candidates: Candidates, *, member: Member | None = None
    ) -> np.ndarray:
        """One score per candidate (higher is better), on the scale its `calibration`
        reads. `candidates.records` is always set when a pipeline calls this."""
        ...


@runtime_checkable
class MatchCalibration(Protocol):
    """Final scores -> the grade a person sees, fitted on graded pairs."""

    def grade(self, scores: np.ndarray) -> tuple[list[MatchGrade], np.ndarray]:
        """Per score: its grade and a match score in [0, 1] (calibrated probability of
        "good or better")."""
        ...
