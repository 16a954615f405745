"""The search pipeline: query engine -> encoder -> exact filtered retrieval -> ranker.

One code path for both deployments: `open_pipeline()` wires in-process stages for
`jobsearch serve`; the KServe transformer builds the same `SearchPipeline` with remote
stages. Stages are Protocols (jobsearch.stages); this module knows none of their insides.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from jobsearch.corpus.clock import ABSOLUTE, CorpusClock
from jobsearch.errors import (
    BadQueryError,
    IndexMismatchError,
    RankerUnavailableError,
    SearchAbandonedError,
)
from jobsearch.explain import converted_salary, explain_match
from jobsearch.metrics import CACHE_EVENTS, RANKER_FALLBACKS, STAGE_LATENCY
from jobsearch.query.relative_pay import for_retrieval
from jobsearch.query.text import MAX_QUERY_CHARS, normalize_query
from jobsearch.refine import describe_filter, drop_constraints, filters_without, suggest
from jobsearch.results.cursor import MAX_OFFSET, Cursor, decode_cursor, encode_cursor, search_digest
from jobsearch.results.facets import facet_counts
from jobsearch.results.order import MAX_PER_COMPANY
from jobsearch.results.page import Arranged, PageRequest, arrange, depths, settled
from jobsearch.results.relax import relaxations
from jobsearch.schema import (
    Filters,
    JobDetail,
    Member,
    ParsedQuery,
    Searchable,
    SearchResponse,
    SearchResult,
)
from jobsearch.stages import (
    STRONG_GRADES,
    Candidates,
    Encoder,
    MatchCalibration,
    MatchGrade,
    QueryEngine,
    Ranker,
    Retriever,
)

MAX_K = 100
# Candidates the ranker re-orders (retrieved even when fewer are asked, so it has some to
# promote). 20 on CPU: the shipped ranker scores 20 in ~37 ms p50 on 2 cores and keeps most of
# its gain there (policy NDCG@10 0.876 at 20, 0.880 at 100, 0.840 unranked; docs/ranker.md).
RANK_DEPTH = 20
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
        clock: CorpusClock = ABSOLUTE,
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
        self.clock = clock
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
        sort: str = "relevance",
        cursor: str | None = None,
        facets: bool = False,
        max_per_company: int = MAX_PER_COMPANY,
        abandoned: Callable[[str], bool] | None = None,
        refinements: bool = False,
    ) -> SearchResponse:
        """`abandoned(stage)` is asked before each stage; True stops the search there with
        SearchAbandonedError (the HTTP layer says so when the client left or the request's
        deadline passed), so no one computes an answer nobody will read."""
        text = _check_text(text)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise BadQueryError(f"k must be an integer in 1..{MAX_K}, got {k!r}")
        page = PageRequest(sort=sort, cursor=cursor, facets=facets, refinements=refinements,  # type: ignore[arg-type]
                           max_per_company=max_per_company)  # sort is checked in PageRequest
        cache_name = "personalised" if member_id else "anonymous"
        # Keyed by everything that determines the answer: the exact text the parser reads
        # (case kept: "Reading" is a town, "reading" is not), member, k, removals, the page
        # asked for, and the versions of the index and models.
        key = (text, member_id, k, tuple(sorted(set(remove))), page, *self._versions())
        use_cache = now is None
        if use_cache and (hit := self._cache_get(key)) is not None:
            CACHE_EVENTS.labels(cache=cache_name, result="hit").inc()
            return hit
        if use_cache:
            CACHE_EVENTS.labels(cache=cache_name, result="miss").inc()
        response = self._search(
            text, member_id=member_id, k=k, remove=remove, now=now or datetime.now(UTC), page=page,
            abandoned=abandoned,
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
        self,
        text: str,
        *,
        member_id: str | None,
        k: int,
        remove: Sequence[str],
        now: datetime,
        page: PageRequest | None = None,
        abandoned: Callable[[str], bool] | None = None,
    ) -> SearchResponse:
        t0 = time.perf_counter()
        page = page or PageRequest()
        timings: dict[str, float] = {}
        _checkpoint(abandoned, "parse")
        with _timed("parse", timings):
            parsed = self.engine.parse(text, member_id)
        parsed = drop_constraints(parsed, remove)
        retrieval_filters = for_retrieval(parsed.filters)
        index_now = self.clock.index_time(now)  # a demo corpus's dates follow the clock
        version = getattr(self.retriever, "version", None)
        digest = search_digest(text, member_id, sorted(set(remove)), page.max_per_company)
        offset = 0 if page.cursor is None else decode_cursor(
            page.cursor, sort=page.sort, search=digest, version=version).offset

        _checkpoint(abandoned, "encode")
        with _timed("encode", timings):
            vector = np.asarray(self.encoder.encode([parsed.semantic_text or text]), dtype=np.float32)
        member = self.members.get(member_id) if member_id else None
        first, exact = depths(page, offset, k, at_least=self.rank_depth if self.ranker else 0)
        ranked_heads: dict[tuple[str, ...], np.ndarray | RankerUnavailableError] = {}  # a deeper second pass re-ranks nothing twice
        candidates, graded, arranged = self._arranged(parsed, vector, retrieval_filters, first, page=page,
                                                      member=member, index_now=index_now, timings=timings,
                                                      abandoned=abandoned, memo=ranked_heads)
        if first < exact < candidates.n_matching and not settled(arranged, graded.order, offset + k):
            # Duplicates or one company's postings near the top: look further ahead.
            candidates, graded, arranged = self._arranged(parsed, vector, retrieval_filters, exact, page=page,
                                                          member=member, index_now=index_now, timings=timings,
                                                          abandoned=abandoned, memo=ranked_heads)
        _checkpoint(abandoned, "results")
        records = candidates.records or []
        strong = None if graded.grades is None else sum(g in STRONG_GRADES for g in graded.grades)
        shown = arranged.order[offset : offset + k]
        more = len(arranged.order) > offset + k or (
            page.sort == "relevance" and len(candidates) < candidates.n_matching
        )
        results = [
            self._result(
                records[i],
                float(graded.scores[i]),
                parsed,
                now,
                match=None if graded.grades is None else graded.grades[i],
                match_score=None if graded.match_scores is None else float(graded.match_scores[i]),
                similar=arranged.similar.get(i, 0),
            )
            for i in shown
        ]
        empty_reason = None if results else self._empty_reason(retrieval_filters, parsed, index_now)
        relaxed = []
        if offset == 0 and (not results or strong == 0):
            def strong_count(t: str) -> tuple[int, int | None]:
                _checkpoint(abandoned, "relax")  # each relaxation retrieves and grades again
                return self._strong_count(t, vector, member_id, remove, index_now)

            relaxed = relaxations(text, parsed, strong_count)
        facet_values = None
        if page.facets and hasattr(self.retriever, "view"):
            _checkpoint(abandoned, "facets")
            with _timed("facets", timings):
                facet_values = facet_counts(self.retriever.view, retrieval_filters, now=index_now,
                                            place_name=self._display_name or str)
        refined = []
        if page.refinements and offset == 0:  # asked for, first page only, like facets
            _checkpoint(abandoned, "refine")
            with _timed("refine", timings):
                refined = suggest(self.retriever, self.engine, text, parsed, retrieval_filters, vector,
                                  member_id=member_id, remove=remove, total=candidates.n_matching, now=index_now)
        timings["total"] = (time.perf_counter() - t0) * 1000
        # Misses only (docs/slo.md): the latency SLI is the cost of real work.
        STAGE_LATENCY.labels(stage="total").observe(timings["total"] / 1000)
        next_offset = offset + k
        return SearchResponse(
            query=parsed,
            results=results,
            total_matching=candidates.n_matching,
            total_strong=strong,
            total_strong_exact=candidates.n_matching <= len(candidates),
            ranked_by=graded.ranked_by,
            ranking_note=graded.note,
            empty_reason=empty_reason,
            sort=page.sort,
            next_cursor=encode_cursor(Cursor(next_offset, page.sort, digest, version))
            if more and results and next_offset <= MAX_OFFSET
            else None,
            facets=facet_values,
            relaxations=relaxed,
            refinements=refined,
            searchable=self._searchable(),
            timings_ms={name: round(ms, 3) for name, ms in timings.items()},
        )

    def _arranged(
        self,
        parsed: ParsedQuery,
        vector: np.ndarray,
        filters: Filters,
        depth: int,
        *,
        page: PageRequest,
        member: Member | None,
        index_now: datetime,
        timings: dict[str, float],
        abandoned: Callable[[str], bool] | None = None,
        memo: dict[tuple[str, ...], np.ndarray | RankerUnavailableError] | None = None,
    ) -> tuple[Candidates, _Graded, Arranged]:
        """Retrieve `depth` candidates, rank and grade them, arrange the page order."""
        _checkpoint(abandoned, "retrieve")
        with _timed("retrieve", timings):
            candidates = self.retriever.search(vector, filters, depth, now=index_now, with_records=True)[0]
        _checkpoint(abandoned, "rank")
        with _timed("rank", timings):
            graded = self._rank(parsed, candidates, member, memo=memo)
        tiers = None if graded.grades is None else [int(g not in STRONG_GRADES) for g in graded.grades]
        arranged = arrange(graded.order, candidates.records or [], req=page, tiers=tiers,
                           company_named=bool(parsed.filters.company_ids))
        return candidates, graded, arranged

    def _rank(self, parsed: ParsedQuery, candidates: Candidates, member: Member | None, *,
              memo: dict[tuple[str, ...], np.ndarray | RankerUnavailableError] | None = None, grades_only: bool = False) -> _Graded:
        """Final scores, order and grades of the candidates: the ranker re-orders the first
        `rank_depth` (the rest follow in retrieval order, so deeper pages never reshuffle
        earlier ones); grades come from the calibration of whatever produced the scores.
        `memo` keeps the ranker's scores of a head already ranked in this request;
        `grades_only` skips a ranker whose grades come from retrieval scores anyway."""
        scores = np.asarray(candidates.scores, dtype=np.float32)
        calibration, ranked_by, note = self.calibration, "retrieval", None
        head = min(len(candidates), self.rank_depth)
        ranker = self.ranker
        if grades_only and getattr(ranker, "calibration", None) is None:
            ranker = None
        if ranker is not None and candidates.records and head:
            try:
                ranked = self._ranked_head(ranker, parsed, candidates.take(range(head)), member, memo)
                order = np.concatenate([np.argsort(-ranked, kind="stable"), np.arange(head, len(candidates))])
                own = getattr(ranker, "calibration", None)
                if own is None:  # a fused score: the ranker orders, the retrieval calibration labels
                    grades, match_scores = _grades(self.calibration, scores)
                    return _Graded(np.concatenate([ranked, scores[head:]]), order, grades, match_scores, "ranker", None)
                grades, match_scores = _grades(own, ranked)
                tail_grades, tail_scores = _grades(self.calibration, scores[head:])
                if grades is not None and len(scores) > head:
                    if tail_grades is None:  # no calibration for retrieval scores: the tail stays ungraded as poor
                        tail_grades, tail_scores = ["poor"] * (len(scores) - head), np.zeros(len(scores) - head)
                    grades, match_scores = grades + tail_grades, np.concatenate([match_scores, tail_scores])
                return _Graded(np.concatenate([ranked, scores[head:]]), order, grades, match_scores, "ranker", None)
            except RankerUnavailableError as exc:
                # A slow or broken ranker costs order, never the answer.
                note = f"results are in retrieval order: {exc}"
        grades, match_scores = _grades(calibration, scores)
        return _Graded(scores, np.argsort(-scores, kind="stable"), grades, match_scores, ranked_by, note)

    @staticmethod
    def _ranked_head(ranker: Ranker, parsed: ParsedQuery, head: Candidates, member: Member | None,
                     memo: dict[tuple[str, ...], np.ndarray | RankerUnavailableError] | None) -> np.ndarray:
        """The ranker's scores of `head`, once per request: a second pass over the same head
        (or its fallback) reuses the first's answer rather than paying the budget twice."""
        key = tuple(head.job_ids)
        done = memo.get(key) if memo is not None else None
        if isinstance(done, RankerUnavailableError):
            raise done
        if done is not None:
            return done
        try:
            ranked = np.asarray(ranker.rank(parsed, head, member=member), dtype=np.float32)
        except RankerUnavailableError as exc:
            RANKER_FALLBACKS.labels(reason=exc.reason).inc()  # counted once, however often reused
            if memo is not None:
                memo[key] = exc
            raise
        if memo is not None:
            memo[key] = ranked
        return ranked

    def _strong_count(
        self, text: str, vector: np.ndarray, member_id: str | None, remove: Sequence[str], index_now: datetime
    ) -> tuple[int, int | None]:
        """(matching, strong) of a rewritten query's filters with the same semantic vector:
        a relaxation changes constraints only, so nothing is encoded again."""
        parsed = drop_constraints(self.engine.parse(text, member_id), remove)
        candidates = self.retriever.search(
            vector, for_retrieval(parsed.filters), self.rank_depth, now=index_now, with_records=True
        )[0]
        graded = self._rank(parsed, candidates, self.members.get(member_id) if member_id else None, grades_only=True)
        strong = None if graded.grades is None else sum(g in STRONG_GRADES for g in graded.grades)
        return candidates.n_matching, strong

    def job(self, job_id: str, *, now: datetime | None = None) -> JobDetail:
        """The whole posting behind a result (KeyError for an id the index does not hold)."""
        now = now or datetime.now(UTC)
        from jobsearch.corpus.table import row_to_posting

        rec = dict(self.retriever.records([job_id])[0])
        rec["posted_at"] = self.clock.shown(rec["posted_at"], now)
        p = row_to_posting(rec)
        name = self._display_name or str
        return JobDetail(**p.model_dump(), places=[name(loc) for loc in p.location_ids])

    def _result(
        self,
        rec: Mapping[str, Any],
        score: float,
        parsed: ParsedQuery,
        now: datetime,
        *,
        match: MatchGrade | None = None,
        match_score: float | None = None,
        similar: int = 0,
    ) -> SearchResult:
        from jobsearch.corpus.table import row_to_posting

        p = row_to_posting({**rec, "posted_at": self.clock.shown(rec["posted_at"], now)})
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
            why=explain_match(p, parsed, score=score, now=now, place_name=location, match=match),
            apply_url=p.apply_url,
            salary_converted=converted_salary(p.salary, parsed.filters.min_salary),
            similar_count=similar,
        )

    def _searchable(self) -> Searchable | None:
        # a retriever without a shard set (remote, a test double) is whole
        total, indexed = getattr(self.retriever, "source_rows", None), getattr(self.retriever, "rows", None)
        if total is None or indexed is None:
            return None
        return Searchable(indexed=indexed, total=total) if indexed < total else None

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


@dataclass(frozen=True)
class _Graded:
    scores: np.ndarray  # final score per candidate (ranker's for the ranked head)
    order: np.ndarray  # candidate positions, best first
    grades: list[MatchGrade] | None
    match_scores: np.ndarray | None
    ranked_by: str
    note: str | None


def _checkpoint(abandoned: Callable[[str], bool] | None, stage: str) -> None:
    if abandoned is not None and abandoned(stage):
        raise SearchAbandonedError(f"the search stopped before {stage}: its client left or its deadline passed",
                                   stage=stage)


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
    index_dir: Path | None = None,
    corpus_dir: Path | None = None,
    *,
    warm: bool = True,
    ranker: bool = False,
    rank_depth: int = RANK_DEPTH,
    models_dir: Path | None = None,
) -> SearchPipeline:
    """The embedded pipeline over the data home (or the given index and corpus). With
    `ranker` the newest cross-encoder under `<models>/ranker/` re-ranks the
    top `rank_depth` candidates; without one installed, answers keep retrieval order."""
    from jobsearch import home
    from jobsearch.catalog import catalog_of
    from jobsearch.corpus.clock import corpus_clock
    from jobsearch.encode.default import query_encoder
    from jobsearch.index import FlatIndex
    from jobsearch.query.engine import build_query_engine
    from jobsearch.rank.onnx_ranker import default_ranker, retrieval_calibration
    from jobsearch.taxonomy.places import gazetteer

    if not 1 <= rank_depth <= 1000:
        raise BadQueryError(f"rank_depth must be in 1..1000, got {rank_depth}")
    index = FlatIndex.open(index_dir or home.default_index_dir())
    catalog = catalog_of(index, corpus_dir or home.default_corpus_dir())
    engine = build_query_engine(catalog)
    encoder = query_encoder(models_dir)
    check_pairing(encoder.model_id, index.model_id, index.set_dir)
    pipeline = SearchPipeline(
        engine,
        encoder,
        index,
        default_ranker(models_dir) if ranker else None,
        rank_depth=rank_depth,
        calibration=retrieval_calibration(models_dir),
        members=catalog.members,
        display_name=gazetteer().display_name,
        clock=corpus_clock(corpus_dir or home.default_corpus_dir(),
                           index_fingerprint=index.view.base.manifest.corpus_fingerprint, model_id=index.model_id),
    )
    if warm:
        pipeline.warm_up()
    return pipeline
