"""Loading what every relevance command needs once: the corpus as a JobTable with MiniLM
job vectors, the members, the product's pay statistics, and the policy grader over them;
plus the search systems the harness compares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.eval import EvalContext, System
from jobsearch.models.jobtable import JobTable
from jobsearch.models.policy import PolicyGrader
from jobsearch.models.synth_queries import SynthQuery


def load_grader(corpus_dir: Path, *, with_vectors: bool = True) -> tuple[PolicyGrader, Any]:
    """(grader, postings table). Job vectors are cached under the data home's cache dir."""
    from jobsearch.models.embed import job_texts, job_vectors, load_encoder

    from jobsearch import home
    from jobsearch.corpus.members import load_members
    from jobsearch.corpus.table import read_postings

    table = read_postings(Path(corpus_dir))
    jobs = JobTable(table)
    members = load_members(Path(corpus_dir)) if (Path(corpus_dir) / "members.jsonl").exists() else {}
    try:
        from jobsearch.paystats import PayStats

        paystats = PayStats.from_table(table)
    except ImportError:  # pipeline's pay statistics not installed: the grader's fallback
        paystats = None
    embed = None
    if with_vectors:
        embed = load_encoder()
        job_vectors(jobs, job_texts(table), embed, cache_dir=home.cache_dir() / "relevance")
    return PolicyGrader(jobs, members=members, embed=embed, paystats=paystats), table


def eval_context(grader: PolicyGrader, table: Any) -> EvalContext:
    return EvalContext(grader=grader, rows=table.to_pylist(), now=grader.now)


def build_system(name: str, ctx: EvalContext, *, index_dir: Path | None, corpus_dir: Path,
                 ranker: bool = False, fusion_weight: float | None = None, rank_depth: int = 100) -> System:
    """minilm: the embedded pipeline (un-tuned MiniLM retriever; with `ranker` the data
    home's ranker re-orders the top `rank_depth`, no time budget, `fusion_weight` overriding
    its card's). bm25: BM25 over the posting text with the query engine's strict filters.
    bm25-raw: BM25 alone."""
    from jobsearch.pipeline import open_pipeline
    from jobsearch.rank.onnx_ranker import default_ranker

    pipeline = open_pipeline(index_dir, corpus_dir, rank_depth=rank_depth)
    if ranker:
        pipeline.ranker = default_ranker(budget_ms=1e9, fusion_weight=fusion_weight)
        if pipeline.ranker is None:
            raise ValueError("--ranker: no ranker is installed under <data home>/models/ranker/")
    jobs = ctx.grader.jobs

    def parse(q: SynthQuery) -> dict[str, Any]:
        return pipeline.parse(q.intent.text, member_id=q.intent.member_id).filters.model_dump()

    if name == "minilm":

        def minilm(q: SynthQuery) -> tuple[list[str], dict[str, Any] | None]:
            resp = pipeline.search(q.intent.text, member_id=q.intent.member_id, k=100, now=ctx.now)
            return [r.job_id for r in resp.results], parse(q)

        return minilm

    if name in ("bm25", "bm25-raw"):
        from jobsearch.models.bm25 import BM25Search
        from jobsearch.models.intent import QueryIntent
        from jobsearch.models.strict import violation_mask

        from jobsearch.encode.text import posting_text
        from jobsearch.schema import Filters

        bm25 = BM25Search([posting_text(r) for r in ctx.rows], [str(j) for j in jobs.job_id])
        everyone = np.arange(jobs.n)

        def keyword(q: SynthQuery) -> tuple[list[str], dict[str, Any] | None]:
            parsed = parse(q)
            allowed = None
            if name == "bm25":
                f = Filters.model_validate(parsed)
                probe = QueryIntent(text=q.intent.text, semantic_text=q.intent.text, filters=f)
                floor = ctx.grader.resolved_floor(probe)
                allowed = violation_mask(jobs, everyone, f, now=ctx.now, pay_floor_usd=floor) == 0
            return bm25.search(q.intent.text, k=100, allowed=allowed), parsed

        return keyword
    raise ValueError(f"expected a system in {', '.join(('minilm', 'bm25', 'bm25-raw'))}, got {name!r}")
