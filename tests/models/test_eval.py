"""The evaluation harness on the shared demo home: a perfect system scores 1, the real
pipeline and BM25 run end to end, the pipeline never returns a job that breaks a filter it
parsed right, and `compare` reports B - A per query type."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from jobsearch.models.eval import (
    METRICS,
    aggregate,
    compare,
    compare_markdown,
    evaluate_query,
    markdown,
    run_eval,
)


@pytest.fixture(scope="module")
def demo_eval(demo_home):
    torch.set_num_threads(1)
    from jobsearch.models.context import eval_context, load_grader
    from jobsearch.models.synth_queries import generate_queries

    grader, table = load_grader(demo_home / "corpus", with_vectors=False)
    ctx = eval_context(grader, table)
    qs = generate_queries(grader.jobs, list(grader.members.values()), n=120, seed=3)
    test = [q for q in qs if q.split == "test"][:24]
    return ctx, test


def test_a_perfect_system_scores_one(demo_eval) -> None:
    ctx, qs = demo_eval

    def oracle(q):
        g = ctx.grader.grade_all(q.intent)
        order = np.argsort(-g.grades, kind="stable")
        return [str(ctx.grader.jobs.job_id[i]) for i in order[:100] if g.grades[i] > 0], q.intent.filters.model_dump()

    result = run_eval("oracle", oracle, qs, ctx, progress=False)
    o = result["overall"]
    assert o["ndcg@10"] == pytest.approx(1.0) and o["mrr"] == pytest.approx(1.0)
    assert o["violation_rate"] == 0.0 and o["parse_f1"] == 1.0
    assert all(r["recall@100"] == pytest.approx(1.0) for r in result["per_query"] if 0 < r["n_relevant"] <= 100)


def test_nothing_returned_scores_zero(demo_eval) -> None:
    ctx, qs = demo_eval
    rows = [evaluate_query(ctx, q, [], None) for q in qs]
    agg = aggregate(rows)["overall"]
    assert agg["ndcg@10"] == 0.0 and agg["recall@100"] == 0.0 and "parse_f1" not in agg


@pytest.mark.slow
def test_pipeline_and_bm25_end_to_end(demo_home, demo_eval, tmp_path) -> None:
    from jobsearch.models.context import build_system
    from jobsearch.models.eval import save

    ctx, qs = demo_eval
    runs = {}
    for name in ("bm25-raw", "minilm"):
        system = build_system(name, ctx, index_dir=demo_home / "index", corpus_dir=demo_home / "corpus")
        runs[name] = run_eval(name, system, qs, ctx, progress=False)
    for r in runs.values():
        for m in ("ndcg@10", "mrr", "recall@100", "violation_rate", "parse_f1"):
            assert 0.0 <= r["overall"][m] <= 1.0
    # The pipeline applies what it parsed exactly: where the parse is exact, no violations.
    exact = [r for r in runs["minilm"]["per_query"] if r.get("parse_exact") == 1.0]
    assert exact and all(r["violation_rate"] == 0.0 for r in exact)
    # Keyword search without filters does break them.
    assert runs["bm25-raw"]["overall"]["violation_rate"] > 0.0

    c = compare(runs["bm25-raw"], runs["minilm"])
    d = c["by_type"]["overall"]["ndcg@10"]
    assert d["delta"] == pytest.approx(d["b"] - d["a"])
    assert "overall" in compare_markdown(c)
    js, md = save(runs["minilm"], tmp_path / "minilm.json")
    assert json.loads(js.read_text())["system"] == "minilm"
    text = md.read_text()
    assert all(t in text for t in runs["minilm"]["by_type"]) and "NDCG@10" in text
    assert set(METRICS) >= {"ndcg@10", "parse_f1"}
    assert markdown(runs["bm25-raw"]).startswith("### bm25-raw")
