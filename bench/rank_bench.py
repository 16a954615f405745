"""Ranker throughput and latency on CPU (ONNX Runtime), and end-to-end search with it.

Three rankers over the same queries and candidates, at 50, 100 and 200 candidates a request:
- teacher: 6 layers, full attention, the full posting text (`posting_text`, <= 160 tokens),
  fp32 (as trained);
- student: pruned, full attention, the compact text (one graph over whole pairs), int8;
- student + prefix cache: the served path (prefix graph once, candidate graph over all), int8.
Then end to end: `SearchPipeline` over a 100k-posting index with the prefix-cache student
re-ranking the top 100 (cache bypassed).

    python bench/rank_bench.py --out bench/results/rank_bench.json
    python bench/rank_bench.py --student <ranker version dir> --teacher <checkpoint>
    python bench/rank_bench.py --skip-e2e --requests 20      # quick

Without `--teacher`/`--student`, untrained checkpoints of the packaged MiniLM stand in
(6 and 2 layers): speed does not depend on the weights. The 100k home is generated when
missing (corpus + index; document vectors are random unit vectors unless the home has a
real index: latency does not depend on them). Targets (2 cores, ranker over the top 100):
p50 <= 40 ms, p99 <= 80 ms end to end."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_info  # noqa: E402

DEPTHS = (20, 50, 100, 200)
QUERIES = [
    "registered nurse in London posted in the last 3 days", "senior data engineer remote above median pay",
    "part-time nursing in Lyon", "entry level accountant in Toronto", "machine learning engineer jobs in Berlin",
    "truck driver near me", "product manager fintech hybrid", "electrician apprenticeship Texas",
]


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _summary(ms: list[float], n: int) -> dict[str, float]:
    return {"p50_ms": round(_pct(ms, 0.5), 2), "p99_ms": round(_pct(ms, 0.99), 2),
            "mean_ms": round(statistics.fmean(ms), 2), "pairs_per_s": round(n / (statistics.fmean(ms) / 1000), 1)}


class PairRanker:
    """One full-attention graph over whole pairs (teacher / student without the cache)."""

    def __init__(self, graph: Path, tokenizer: Path, *, max_tokens: int, threads: int, batch: int = 64) -> None:
        from tokenizers import Tokenizer

        from jobsearch.encode.onnx_encoder import make_session

        self.session = make_session(graph, threads=threads)
        self.tok = Tokenizer.from_file(str(tokenizer))
        self.tok.enable_truncation(max_length=max_tokens, strategy="longest_first")
        self.tok.no_padding()
        self.batch = batch

    def score(self, query: str, texts: list[str]) -> np.ndarray:
        from jobsearch.encode.tokenize import pad_batch

        encs = self.tok.encode_batch([(query, t) for t in texts])
        out = np.zeros(len(texts), np.float32)
        order = np.argsort([-len(e.ids) for e in encs], kind="stable")
        for s in range(0, len(order), self.batch):
            idx = order[s : s + self.batch]
            ids, mask = pad_batch([encs[i].ids for i in idx])
            types, _ = pad_batch([encs[i].type_ids for i in idx])
            (scores,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            out[idx] = scores
        return out


def _time(fn: Any, requests: list[tuple[str, list[str]]]) -> list[float]:
    ms = []
    for q, texts in requests:
        t = time.perf_counter()
        fn(q, texts)
        ms.append((time.perf_counter() - t) * 1000)
    return ms


def rankers(args: argparse.Namespace, work: Path) -> dict[str, tuple[Any, str]]:
    """name -> (score(query, texts), which text it reads)."""
    from jobsearch.rank.export import (
        base_checkpoint,
        export_ranker,
        load_checkpoint,
        pair_graph,
        quantize_int8,
    )
    from jobsearch.rank.onnx_ranker import OnnxRanker

    teacher_ckpt = args.teacher or base_checkpoint(work / "teacher", layers=6)
    teacher_graph = pair_graph(load_checkpoint(teacher_ckpt), work / "teacher.onnx")
    if args.student:
        student_dir = args.student
        student_ckpt = None
    else:
        student_ckpt = base_checkpoint(work / "student", layers=args.student_layers)
        student_dir = work / "ranker" / "1"
        export_ranker(student_ckpt, student_dir, int8=True)
    if args.student_checkpoint or student_ckpt:
        student_graph = pair_graph(load_checkpoint(args.student_checkpoint or student_ckpt), work / "student.onnx")
        quantize_int8(student_graph)  # as the cached path is: the comparison isolates the cache
    else:
        student_graph = None
    teacher = PairRanker(teacher_graph, Path(teacher_ckpt) / "tokenizer.json", max_tokens=160, threads=args.threads)
    cached = OnnxRanker.load(student_dir, budget_ms=1e9, threads=args.threads)
    out: dict[str, tuple[Any, str]] = {"teacher_6l_full_text": (teacher.score, "full")}
    if student_graph is not None:
        plain = PairRanker(student_graph, student_dir / "tokenizer.json", max_tokens=114, threads=args.threads)
        out["student_compact_no_cache"] = (plain.score, "compact")
    out["student_compact_prefix_cache"] = (cached.score, "compact")
    return out


def candidate_texts(n: int, seed: int) -> tuple[list[str], list[str]]:
    """Full and compact texts of `n` generated postings."""
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.text import posting_text
    from jobsearch.rank.compact import compact_texts

    folder = Path(tempfile.mkdtemp(prefix="rank-bench-corpus-"))
    generate_corpus(folder, n_jobs=n, seed=seed, progress=False)
    rows = read_postings(folder).to_pylist()
    return [posting_text(r) for r in rows], compact_texts(rows)


def micro(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    full, compact = candidate_texts(max(DEPTHS) * 2, seed=5)
    rng = random.Random(0)
    results: dict[str, Any] = {}
    for name, (score, view) in rankers(args, work).items():
        texts = full if view == "full" else compact
        score(QUERIES[0], texts[:8])  # warm-up: ORT arenas
        results[name] = {}
        n_requests = args.teacher_requests if view == "full" else args.requests
        for depth in DEPTHS:
            reqs = []
            for i in range(n_requests):
                start = rng.randrange(len(texts) - depth)
                reqs.append((QUERIES[i % len(QUERIES)], texts[start : start + depth]))
            results[name][str(depth)] = _summary(_time(score, reqs), depth)
        print(name, json.dumps(results[name]), flush=True)
    return results


def end_to_end(args: argparse.Namespace, work: Path, student_dir: Path) -> dict[str, Any]:
    from jobsearch.pipeline import open_pipeline
    from jobsearch.rank.onnx_ranker import OnnxRanker

    home = args.home or work / "home-100k"
    index, corpus = home / "index", home / "corpus"
    vectors = "the home's own index"
    if not (index / "ACTIVE").exists():
        vectors = "random unit vectors (latency only)"
        _random_home(home, args.jobs)
    pipeline = open_pipeline(index, corpus, warm=False, ranker=False)
    ranker = OnnxRanker.load(student_dir, budget_ms=args.budget_ms, threads=args.threads)
    # Repeats are fine: `now=` bypasses the response cache, so each is a full search.
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.e2e_queries)]
    from jobsearch.pipeline import RANK_DEPTH

    depth = args.rank_depth or RANK_DEPTH
    out: dict[str, Any] = {"postings": pipeline.retriever.rows if hasattr(pipeline.retriever, "rows") else None,
                           "document_vectors": vectors, "rank_depth": depth, "budget_ms": args.budget_ms}
    for label, rk in (("retrieval_only", None), ("with_ranker", ranker)):
        pipeline.ranker = rk
        pipeline.rank_depth = depth
        for q in queries[:10]:
            pipeline.search(q, k=20, now=datetime.now(UTC))
        totals, rank_ms, fallbacks = [], [], 0
        for q in queries:
            r = pipeline.search(q, k=20, now=datetime.now(UTC))  # `now` bypasses the cache
            totals.append(r.timings_ms["total"])
            rank_ms.append(r.timings_ms.get("rank", 0.0))
            fallbacks += r.ranking_note is not None
        out[label] = {"total": _summary(totals, 1), "rank_stage_p50_ms": round(_pct(rank_ms, 0.5), 2),
                      "rank_stage_p99_ms": round(_pct(rank_ms, 0.99), 2), "fallbacks": fallbacks,
                      "queries": len(queries)}
        print(label, json.dumps(out[label]), flush=True)
    return out


def _random_home(home: Path, jobs: int) -> None:
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.default import retriever_model_id
    from jobsearch.index.build import build_from_arrays

    generate_corpus(home / "corpus", n_jobs=jobs, seed=7, progress=False)
    table = read_postings(home / "corpus")
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((table.num_rows, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    build_from_arrays(home / "index", vecs, table, model_id=retriever_model_id())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teacher", type=Path, help="teacher checkpoint (default: untrained 6-layer MiniLM)")
    ap.add_argument("--student", type=Path, help="student ranker version folder (default: untrained, exported here)")
    ap.add_argument("--student-checkpoint", type=Path, help="the student's checkpoint, for the no-cache graph")
    ap.add_argument("--student-layers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2, help="ONNX Runtime intra-op threads")
    ap.add_argument("--requests", type=int, default=40, help="requests per ranker and depth")
    ap.add_argument("--teacher-requests", type=int, default=10, help="requests per depth for the (slow) teacher")
    ap.add_argument("--home", type=Path, help="data home with a 100k index (default: generated)")
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--e2e-queries", type=int, default=200)
    ap.add_argument("--budget-ms", type=float, default=150.0)
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--rank-depth", type=int, default=None,
                    help="candidates the ranker re-orders end to end (default: the pipeline's RANK_DEPTH)")
    ap.add_argument("--out", type=Path, default=Path("bench/results/rank_bench.json"))
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rank-bench-"))
    report: dict[str, Any] = {"machine": machine_info(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
                              "threads": args.threads, "note": "2-core box shared with other sessions: see loadavg"}
    report["rankers"] = micro(args, work)
    if not args.skip_e2e:
        student_dir = args.student or work / "ranker" / "1"
        report["end_to_end"] = end_to_end(args, work, student_dir)
    report["machine_after"] = {"loadavg": machine_info()["loadavg"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
