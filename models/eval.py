"""The evaluation harness: run a search system over a split of the synthetic queries and
judge it with the policy grader (the reference teacher): NDCG@10, MRR, Recall@100, the
filter-violation rate (reference oracle) and query-parse slot F1, per query type.
Writes JSON plus a markdown table; `compare` gives per-type deltas of two runs."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.policy import PolicyGrader
from jobsearch.models.relevance_metrics import ndcg_at, recall_at, reciprocal_rank, slot_f1
from jobsearch.models.synth_queries import SynthQuery

RELEVANT = 3  # Good or better counts as relevant for MRR and recall
METRICS = ("ndcg@10", "mrr", "recall@100", "violation_rate", "parse_f1", "parse_exact")
SYSTEMS = ("minilm", "bm25", "bm25-raw")

# A system: (query, member) -> (ranked job ids, parsed filters as a dict or None).
System = Callable[[SynthQuery], tuple[list[str], dict[str, Any] | None]]


@dataclass
class EvalContext:
    grader: PolicyGrader
    rows: list[dict[str, Any]]  # postings in POSTINGS_SCHEMA dict form (for the oracle)
    now: datetime


def _violates(ctx: EvalContext, q: SynthQuery, job_ids: Sequence[str]) -> list[bool]:
    """Reference oracle on each returned job, with a relative pay floor resolved the way
    the grader resolves it."""
    from jobsearch.filtering import violations

    filters = q.intent.filters
    if filters.min_salary is not None and filters.min_salary.amount is None:
        floor = ctx.grader.resolved_floor(q.intent)
        from jobsearch.schema import SalaryFloor

        if floor is None:
            return [False] * len(job_ids)
        filters = filters.model_copy(update={"min_salary": SalaryFloor(amount=floor, currency="USD", period="year")})
    jobs = ctx.grader.jobs
    return [bool(violations(ctx.rows[jobs.row_of[j]], filters, now=ctx.now)) for j in job_ids]


def evaluate_query(ctx: EvalContext, q: SynthQuery, ranked: list[str], parsed: dict[str, Any] | None) -> dict[str, Any]:
    grader = ctx.grader
    all_graded = grader.grade_all(q.intent)
    grade_of = all_graded.grades
    jobs = grader.jobs
    ranked = [j for j in ranked if j in jobs.row_of]
    got = grade_of[jobs.indices(ranked)] if ranked else np.zeros(0, dtype=np.int8)
    relevant = {str(jobs.job_id[i]) for i in np.flatnonzero(grade_of >= RELEVANT)}
    out: dict[str, Any] = {
        "query_id": q.query_id,
        "query_type": q.query_type,
        "family": q.family,
        "family_held_out": q.family_held_out,
        "n_relevant": len(relevant),
        "n_returned": len(ranked),
        "ndcg@10": ndcg_at(got, grade_of, 10),
        "mrr": reciprocal_rank(got[:100], relevant=RELEVANT),
        "recall@100": recall_at(ranked, relevant, 100),
        "violation_rate": float(np.mean(_violates(ctx, q, ranked[:10]))) if ranked else 0.0,
    }
    if parsed is not None:
        _, _, f1 = slot_f1(parsed, q.intent.filters.model_dump())
        out["parse_f1"] = f1
        out["parse_exact"] = float(f1 == 1.0)
    return out


def aggregate(per_query: list[dict[str, Any]]) -> dict[str, Any]:
    """Means overall, per query type, and parse scores split by seen vs held-out templates.
    Ranking metrics skip queries the judge finds no relevant job for."""

    def means(rows: list[dict[str, Any]]) -> dict[str, float]:
        out: dict[str, float] = {"n": len(rows)}
        for m in METRICS:
            pool = rows if m.startswith(("parse", "violation")) else [r for r in rows if r["n_relevant"]]
            vals = [r[m] for r in pool if m in r]
            if vals:
                out[m] = float(np.mean(vals))
        return out

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in per_query:
        by_type[r["query_type"]].append(r)
    return {
        "overall": means(per_query),
        "by_type": {t: means(rows) for t, rows in sorted(by_type.items())},
        "parse": {
            "seen_templates": means([r for r in per_query if not r["family_held_out"]]),
            "held_out_templates": means([r for r in per_query if r["family_held_out"]]),
        },
    }


def run_eval(system_name: str, system: System, queries: Sequence[SynthQuery], ctx: EvalContext,
             *, progress: bool = True) -> dict[str, Any]:
    from tqdm import tqdm

    from jobsearch.errors import JobSearchError

    ctx.grader.query_vectors([q.intent.semantic_text for q in queries])
    per_query = []
    errors = 0
    t = time.perf_counter()
    for q in tqdm(queries, desc=f"eval {system_name}", unit="query", disable=not progress):
        try:
            ranked, parsed = system(q)
        except JobSearchError:  # the system refused the query: it returned nothing
            ranked, parsed, errors = [], None, errors + 1
        per_query.append(evaluate_query(ctx, q, ranked, parsed))
    result = {
        "system": system_name,
        "judge": ctx.grader.name,
        "n_queries": len(queries),
        "errors": errors,
        "seconds": round(time.perf_counter() - t, 2),
        **aggregate(per_query),
        "per_query": per_query,
    }
    return result


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def markdown(result: dict[str, Any]) -> str:
    head = "| query type | n | NDCG@10 | MRR | Recall@100 | violation rate | parse F1 | parse exact |\n|---|---|---|---|---|---|---|---|\n"
    lines = []
    for name, row in [*result["by_type"].items(), ("**all**", result["overall"])]:
        lines.append(f"| {name} | {row['n']} | " + " | ".join(_fmt(row.get(m)) for m in METRICS) + " |")
    p = result["parse"]
    tail = (f"\nParse slot F1: seen templates {_fmt(p['seen_templates'].get('parse_f1'))} "
            f"(n={p['seen_templates']['n']}), held-out templates {_fmt(p['held_out_templates'].get('parse_f1'))} "
            f"(n={p['held_out_templates']['n']}).\n")
    return f"### {result['system']} (judge: {result['judge']}, {result['n_queries']} queries)\n\n" + head + "\n".join(lines) + "\n" + tail


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Per-type deltas B - A for every metric both runs have."""
    out: dict[str, Any] = {"a": a["system"], "b": b["system"], "by_type": {}}
    types = sorted(set(a["by_type"]) | set(b["by_type"]))
    for t in [*types, "overall"]:
        ra = a["overall"] if t == "overall" else a["by_type"].get(t, {})
        rb = b["overall"] if t == "overall" else b["by_type"].get(t, {})
        out["by_type"][t] = {m: {"a": ra.get(m), "b": rb.get(m),
                                 "delta": (rb[m] - ra[m]) if m in ra and m in rb else None} for m in METRICS}
    return out


def compare_markdown(c: dict[str, Any]) -> str:
    head = f"### {c['b']} vs {c['a']} (delta = {c['b']} - {c['a']})\n\n| query type | " + " | ".join(METRICS) + " |\n|" + "---|" * (len(METRICS) + 1) + "\n"
    rows = []
    for t, ms in c["by_type"].items():
        cells = []
        for m in METRICS:
            d = ms[m]["delta"]
            cells.append("-" if d is None else f"{ms[m]['b']:.3f} ({d:+.3f})")
        rows.append(f"| {t} | " + " | ".join(cells) + " |")
    return head + "\n".join(rows) + "\n"


def save(result: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    md = out.with_suffix(".md")
    md.write_text(markdown(result))
    return out, md
