"""The ranker's training bundle: everything the accelerator run (scripts/gpu_train_ranker.py)
needs, as plain arrays and texts, so that run imports nothing but torch, transformers and
numpy. Built on the CPU from a corpus, synthetic queries (graded by the policy grader) and
the judged dev set:

  jobs.json.gz     job_id, teacher text (JobTable.soft_text), compact text, retrieval text
  queries.json.gz  per synthetic query: id, split, ranker query side, semantic text
  teacher.npz      (query, job, soft policy grade) pairs for the teacher: BM25 hard
                   candidates, same-occupation, same-family and random jobs, the anchor
  eval.npz         val/test queries: soft grades and filter pass mask over every job
  dev.json.gz      the judged dev set: query side, semantic text, judged job rows + grades

The query side is what the served ranker reads (`jobsearch.rank.inputs.query_side` of the
query engine's parse); grades are soft (strict filters lifted: the index enforces them)."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

BUNDLE_FILES = ("jobs.json.gz", "queries.json.gz", "teacher.npz", "eval.npz", "dev.json.gz")


def write_json_gz(path: Path, data: Any) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(data, f, separators=(",", ":"))


def read_json_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def engine_for_corpus(table: Any, members: dict[str, Any]) -> Any:
    """The query engine as `open_pipeline` builds it, from a corpus table instead of an index."""
    from jobsearch.catalog import Catalog
    from jobsearch.paystats import PayStats
    from jobsearch.query.engine import build_query_engine
    from jobsearch.schema import Company

    companies = {cid: Company(id=cid, name=name, type=ctype) for cid, name, ctype in zip(
        table.column("company_id").to_pylist(), table.column("company_name").to_pylist(),
        table.column("company_type").to_pylist(), strict=True)}
    return build_query_engine(Catalog(list(companies.values()), members, PayStats.from_table(table), "corpus"))


def sides(engine: Any, text: str, member_id: str | None, members: dict[str, Any]) -> tuple[str, str]:
    """(ranker query side, retrieval semantic text) of one query, as the pipeline parses it."""
    from jobsearch.errors import JobSearchError
    from jobsearch.rank.inputs import query_side

    member = members.get(member_id or "")
    try:
        parsed = engine.parse(text, member_id if member else None)
    except JobSearchError:
        from jobsearch.schema import ParsedQuery

        parsed = ParsedQuery(text=text, semantic_text=text)
    return query_side(parsed, member), parsed.semantic_text or text


def teacher_candidates(q: Any, grader: Any, bm25: Any, rng: random.Random) -> np.ndarray:
    """Hard and easy jobs for one query: BM25's top 40 on the text (on-topic words, often the
    wrong role), same occupation, same family, random, and the anchor."""
    jobs = grader.jobs
    s = bm25.scores(q.intent.text)
    picks = np.argsort(-s)[:40].tolist()
    code = q.intent.occupation_code or ""
    for prefix, n in ((code[:7], 10), (code[:2], 6)):
        same: Any = np.flatnonzero(np.char.startswith(jobs.occ.detailed.astype(str), prefix)) if prefix else []
        if len(same):
            picks += rng.sample(list(same), min(n, len(same)))
    picks += [rng.randrange(jobs.n) for _ in range(10)]
    if q.anchor_job_id in jobs.row_of:
        picks.append(jobs.row_of[q.anchor_job_id])
    return np.array(sorted(set(int(p) for p in picks)), dtype=np.int64)


def build_bundle(corpus_dir: Path, queries: Sequence[Any], out: Path, *, judged: Path | None,
                 n_eval: int = 400, seed: int = 0, progress: bool = True) -> dict[str, Any]:
    """Write the bundle to `out`; returns counts. `queries`: SynthQuery rows (all splits)."""
    from jobsearch.models.bm25 import BM25Search
    from jobsearch.models.context import load_grader
    from tqdm import tqdm

    from jobsearch.encode.text import posting_text
    from jobsearch.rank.compact import compact_texts

    out.mkdir(parents=True, exist_ok=True)
    grader, table = load_grader(corpus_dir, with_vectors=False)
    jobs = grader.jobs
    rows = table.to_pylist()
    members = grader.members
    engine = engine_for_corpus(table, members)
    write_json_gz(out / "jobs.json.gz", {
        "job_id": [str(j) for j in jobs.job_id],
        "teacher": [jobs.soft_text(i) for i in range(jobs.n)],
        "compact": compact_texts(rows),
        "embed": [posting_text(r) for r in rows],
    })
    bm25 = BM25Search([jobs.text(i) for i in range(jobs.n)], [str(j) for j in jobs.job_id])
    rng = random.Random(seed)
    qrows: list[dict[str, Any]] = []
    tq: list[int] = []
    tj: list[int] = []
    tg: list[int] = []
    evals: dict[str, list[Any]] = {"qidx": [], "soft": [], "allowed": []}
    per_split = {"val": 0, "test": 0}
    for q in tqdm(queries, desc="bundle queries", unit="query", disable=not progress):
        side, semantic = sides(engine, q.intent.text, q.intent.member_id, members)
        qi = len(qrows)
        qrows.append({"id": q.query_id, "split": q.split, "side": side, "semantic": semantic,
                      "family": q.family, "type": q.query_type})
        soft_intent = q.intent.model_copy(update={"filters": type(q.intent.filters)()})
        if q.split == "train":
            idx = teacher_candidates(q, grader, bm25, rng)
            g = grader.grade_rows(soft_intent, idx).grades
            tq += [qi] * len(idx)
            tj += idx.tolist()
            tg += g.tolist()
        elif per_split.get(q.split, n_eval) < n_eval:
            per_split[q.split] += 1
            full = grader.grade_all(q.intent)
            soft = grader.grade_all(soft_intent)
            evals["qidx"].append(qi)
            evals["soft"].append(soft.grades.astype(np.int8))
            evals["allowed"].append(np.packbits(full.violations == 0))
    write_json_gz(out / "queries.json.gz", qrows)
    np.savez_compressed(out / "teacher.npz", q=np.array(tq, np.int32), j=np.array(tj, np.int32),
                        g=np.array(tg, np.int8))
    np.savez_compressed(out / "eval.npz", qidx=np.array(evals["qidx"], np.int32),
                        soft=np.stack(evals["soft"]) if evals["soft"] else np.zeros((0, jobs.n), np.int8),
                        allowed=np.stack(evals["allowed"]) if evals["allowed"] else np.zeros((0, 0), np.uint8))
    n_dev = 0
    if judged is not None and judged.exists():
        from jobsearch.models.dev_set import read_judged

        dev = []
        for dq in read_judged(judged):
            member_id = (dq.member or {}).get("member_id")
            side, semantic = sides(engine, dq.query, member_id, members)
            dev.append({"qid": dq.qid, "kind": dq.kind, "side": side, "semantic": semantic,
                        "grades": dq.grades.tolist(),
                        "teacher": [_soft_text_of(jobs, r) for r in dq.postings],
                        "compact": compact_texts(dq.postings),
                        "embed": [posting_text(r) for r in dq.postings]})
        write_json_gz(out / "dev.json.gz", dev)
        n_dev = len(dev)
    counts = {"jobs": jobs.n, "queries": len(qrows), "teacher_pairs": len(tg), "eval_queries": len(evals["qidx"]),
              "dev_queries": n_dev, "teacher_grades": np.bincount(np.array(tg, np.int64), minlength=5).tolist()}
    (out / "bundle.json").write_text(json.dumps(counts, indent=1))
    return counts


def _soft_text_of(jobs: Any, row: dict[str, Any]) -> str:
    """The teacher's view of a judged posting: its corpus row when the id is known, else the
    same fields composed from the row itself."""
    i = jobs.row_of.get(str(row.get("job_id")))
    if i is not None:
        return jobs.soft_text(i)
    skills = ", ".join(row.get("skills") or [])
    return f"{row.get('title', '')} ({row.get('seniority') or ''}) at {row.get('company_name', '')}. Skills: {skills}. {row.get('description', '')}"
