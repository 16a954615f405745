"""The search pipeline: query engine -> encoder -> exact filtered retrieval -> ranker.

One code path for both deployments: `open_pipeline()` wires in-process stages for
`jobsearch serve`; the KServe transformer builds the same `SearchPipeline` with remote
stages. Stages are Protocols (jobsearch.stages); this module knows none of their insides.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from jobsearch.errors import BadQueryError, IndexMismatchError, RankerUnavailableError
from jobsearch.explain import explain_match
from jobsearch.metrics import CACHE_EVENTS, RANKER_FALLBACKS, STAGE_LATENCY
from jobsearch.query.relative_pay import for_retrieval
from jobsearch.query.text import MAX_QUERY_CHARS, normalize_query
from jobsearch.refine import describe_filter, drop_constraints, filters_without
from jobsearch.schema import Filters, Member, ParsedQuery, SearchResponse, SearchResult
from jobsearch.stages import (
    STRONG_GRADES,
    Encoder,
    MatchCalibration,
    MatchGrade,
    QueryEngine,
    Ranker,
    Retriever,
)

MAX_K = 100
# Retrieve more than asked when a ranker re-orders, so it has candidates to promote.
RANK_DEPTH = 100
CACHE_TTL_S = 60.0
WARM_UP_QUERY = "senior data engineer jobs in Berlin or Seattle, remote, above median pay, posted this week"


class SearchPipeline:
    def __init__(
        self,
        engine: QueryEngine,
        encoder: Encoder,
        retriever: Retriever,
        ranker: Ranker | None = None,
        *,
        members: Mapping[str, Member] | None = None,
        calibration: MatchCalibration | None = None,
        rank_depth: int = RANK_DEPTH,
        display_name: Any = None,
        cache_size: int = 2048,
    ) -> None:
        self.engine = engine
        self.encoder = encoder
        self.retriever = retriever
        self.ranker = ranker
        # Grades of final scores: the ranker's own calibration when it ranks, else this one
        # (fitted on retrieval scores), so answers keep honest labels without a ranker.
        self.calibration = calibration
        self.rank_depth = rank_depth
        self.members: Mapping[str, Member] = members or {}
        self._display_name = display_name
        self._cache: OrderedDict[tuple[Any, ...], tuple[float, SearchResponse]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # -- public API -------------------------------------------------------------------

    def parse(self, text: str, *, member_id: str | None = None) -> ParsedQuery:
        text = _check_text(text)
        with _timed("parse"):
            return self.engine.parse(text, member_id)

    def search(
        self,
        text: str,
        *,
        member_id: str | None = None,
        k: int = 20,
        remove: Sequence[str] = (),
        now: datetime | None = None,
    ) -> SearchResponse:
        text = _check_text(text)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise BadQueryError(f"k must be an integer in 1..{MAX_K}, got {k!r}")
        cache_name = "personalised" if member_id else "anonymous"
        # Keyed by everything that determines the answer: the exact text the parser reads
        # (case kept: "Reading" is a town, "reading" is not), member, k, removals, and the
        # versions of the index and models.
        key = (text, member_id, k, tuple(sorted(set(remove))), *self._versions())
        use_cache = now is None
        if use_cache and (hit := self._cache_get(key)) is not None:
            CACHE_EVENTS.labels(cache=cache_name, result="hit").inc()
            return hit
        if use_cache:
            CACHE_EVENTS.labels(cache=cache_name, result="miss").inc()
        response = self._search(
            text, member_id=member_id, k=k, remove=remove, now=now or datetime.now(UTC)
        )
        if use_cache:
            self._cache_put(key, response)
        return response

    def warm_up(self) -> None:
        """Load what the first query would otherwise pay for: place-name and occupation
        indexes, ONNX Runtime arenas, numba kernels."""
        self.search(WARM_UP_QUERY, k=5, now=datetime.now(UTC))

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"encoder": getattr(self.encoder, "model_id", None)}
        for attr in ("version", "rows", "model_id"):
            info[f"index_{attr}"] = getattr(self.retriever, attr, None)
        info["ranker"] = getattr(self.ranker, "model_id", None) if self.ranker else None
        info["members"] = len(self.members)
        return info

    # -- the request path -----------------------------------------------------------

    def _search(
        self, text: str, *, member_id: str | None, k: int, remove: Sequence[str], now: datetime
    ) -> SearchResponse:
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        with _timed("parse", timings):
            parsed = self.engine.parse(text, member_id)
        parsed = drop_constraints(parsed, remove)
        retrieval_filters = for_retrieval(parsed.filters)

        with _timed("encode", timings):
            vector = self.encoder.encode([parsed.semantic_text or text])
        depth = max(k, self.rank_depth) if self.ranker else k
        with _timed("retrieve", timings):
            candidates = self.retriever.search(
                np.asarray(vector, dtype=np.float32), retrieval_filters, depth, now=now, with_records=True
            )[0]
        records = candidates.records or []
        scores = np.asarray(candidates.scores, dtype=np.float32)
        calibration, ranked_by, note = self.calibration, "retrieval", None
        with _timed("rank", timings):
            if self.ranker is not None and records:
                member = self.members.get(member_id) if member_id else None
                try:
                    scores = np.asarray(self.ranker.rank(parsed, candidates, member=member), dtype=np.float32)
                    calibration, ranked_by = getattr(self.ranker, "calibration", None), "ranker"
                except RankerUnavailableError as exc:
                    # A slow or broken ranker costs order, never the answer.
                    RANKER_FALLBACKS.labels(reason=exc.reason).inc()
                    note = f"results are in retrieval order: {exc}"
            order = np.argsort(-scores, kind="stable")
        grades, match_scores = _grades(calibration, scores)
        strong = None if grades is None else sum(g in STRONG_GRADES for g in grades)
        top = order[:k]
        results = [
            self._result(
                records[i],
                float(scores[i]),
                parsed,
                now,
                match=None if grades is None else grades[i],
                match_score=None if match_scores is None else float(match_scores[i]),
            )
            for i in top
        ]
        empty_reason = None if results else self._empty_reason(retrieval_filters, parsed, now)
        timings["total"] = (time.perf_counter() - t0) * 1000
        # Misses only (docs/slo.md): the latency SLI is the cost of real work.
        STAGE_LATENCY.labels(stage="total").observe(timings["total"] / 1000)
        return SearchResponse(
            query=parsed,
            results=results,
            total_matching=candidates.n_matching,
            total_strong=strong,
            total_strong_exact=candidates.n_matching <= len(candidates),
            ranked_by=ranked_by,
            ranking_note=note,
            empty_reason=empty_reason,
            timings_ms={name: round(ms, 3) for name, ms in timings.items()},
        )

    def _result(
        self,
        rec: Mapping[str, Any],
        score: float,
        parsed: ParsedQuery,
        now: datetime,
        *,
        match: MatchGrade | None = None,
        match_score: float | None = None,
    ) -> SearchResult:
        from jobsearch.corpus.table import row_to_posting

        p = row_to_posting(dict(rec))
        location = (
            self._display_name(p.location_ids[0]) if self._display_name else p.location_ids[0]
        )
        return SearchResult(
            job_id=p.job_id,
            title=p.title,
            company=p.company,
            location_ids=p.location_ids,
            location=location,
            workplace=p.workplace,
            remote_share=p.remote_share,
            salary=p.salary,
            posted_at=p.posted_at,
            seniority=p.seniority,
            employment_type=p.employment_type,
            score=round(score, 6),
            match=match,
            match_score=None if match_score is None else round(match_score, 4),
            why=explain_match(p, parsed, score=score, now=now, place_name=location),
        )

    def _empty_reason(self, filters: Filters, parsed: ParsedQuery, now: datetime) -> str:
        """Name the constraint that emptied the results: the one whose removal brings most back."""
        index = self.retriever
        best: tuple[int, str] | None = None
        for name in sorted(_active(filters)):
            count = index.count(filters_without(filters, name), now=now)
            if count and (best is None or count > best[0]):
                best = (count, name)
        if best is None:
            return "No postings match these constraints, even with any one of them removed."
        count, name = best
        return (
            f"No postings match every constraint; the filter '{describe_filter(parsed, name)}' "
            f"rules out the rest (without it: {count} matching postings)."
        )

    # -- cache ----------------------------------------------------------------------

    def _cache_get(self, key: tuple[Any, ...]) -> SearchResponse | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or time.monotonic() - entry[0] > CACHE_TTL_S:
                return None
            self._cache.move_to_end(key)
            return entry[1]

    def _cache_put(self, key: tuple[Any, ...], response: SearchResponse) -> None:
        with self._lock:
            self._cache[key] = (time.monotonic(), response)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _versions(self) -> tuple[Any, ...]:
        return (
            getattr(self.retriever, "version", None),
            getattr(self.retriever, "generation", None),  # online adds/removes (ingestion) too
            getattr(self.encoder, "model_id", None),
            getattr(self.ranker, "model_id", None),
        )


def _check_text(text: str) -> str:
    """The normalised text (what the parser and the cache key see), or BadQueryError."""
    if not isinstance(text, str):
        raise BadQueryError("query text must be a string")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError(f"query text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    text = normalize_query(text)
    if not text:
        raise BadQueryError("query text is empty: type what job you are looking for")
    return text


def _grades(
    calibration: MatchCalibration | None, scores: np.ndarray
) -> tuple[list[MatchGrade] | None, np.ndarray | None]:
    if calibration is None or not len(scores):
        return None, None
    grades, match_scores = calibration.grade(scores)
    return list(grades), np.clip(np.asarray(match_scores, dtype=np.float64), 0.0, 1.0)


def _active(filters: Filters) -> set[str]:
    return {name for name, value in filters if value not in (None, [], ())}


@contextmanager
def _timed(stage: str, into: dict[str, float] | None = None) -> Iterator[None]:
    t = time.perf_counter()
    try:
        yield
    finally:
        dt = time.perf_counter() - t
        STAGE_LATENCY.labels(stage=stage).observe(dt)
        if into is not None:
            into[stage] = dt * 1000


def check_pairing(encoder_model_id: str, index_model_id: str, set_dir: Path) -> None:
    """Refuse query vectors of one model against documents of another (a stale index, or
    a query tower trained for another retriever): the answers would be noise."""
    if encoder_model_id != index_model_id:
        raise IndexMismatchError(
            f"the index at {set_dir} was built with encoder {index_model_id!r}, but queries would be "
            f"encoded for {encoder_model_id!r}; rebuild the index with `jobsearch index build`, or serve "
            "the encoder it was built with (or a query tower trained for it)"
        )


def open_pipeline(
    index_dir: Path | None = None, corpus_dir: Path | None = None, *, warm: bool = True
) -> SearchPipeline:
    """The embedded pipeline over the data home (or the given index and corpus)."""
    from jobsearch import home
    from jobsearch.catalog import catalog_of
    from jobsearch.encode.default import query_encoder
    from jobsearch.index import FlatIndex
    from jobsearch.query.engine import build_query_engine
    from jobsearch.taxonomy.places import gazetteer

    index = FlatIndex.open(index_dir or home.default_index_dir())
    catalog = catalog_of(index, corpus_dir or home.default_corpus_dir())
    engine = build_query_engine(catalog)
    encoder = query_encoder()
    check_pairing(encoder.model_id, index.model_id, index.set_dir)
    pipeline = SearchPipeline(
        engine,
        encoder,
        index,
        None,
        members=catalog.members,
        display_name=gazetteer().display_name,
    )
    if warm:
        pipeline.warm_up()
    return pipeline
