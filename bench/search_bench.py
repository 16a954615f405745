"""End-to-end search latency and throughput of the embedded pipeline (parse + encode +
exact filtered retrieval + result assembly), cache bypassed, on a demo data home.

    python bench/search_bench.py                       # the data home (make demo)
    python bench/search_bench.py --jobs 100000         # builds a 100k home first if needed
    python bench/search_bench.py --home /tmp/h --queries 400 --out bench/results/search.json

Writes JSON (p50/p95/p99 per stage and total, QPS single-threaded and with N client
threads). Target on a 2-core machine, 100k postings: p50 <= 50 ms, p99 <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROLES = [
    "data engineer", "software engineer", "registered nurse", "accountant", "sales manager",
    "machine learning engineer", "product manager", "graphic designer", "teacher", "electrician",
    "financial analyst", "customer service representative", "marketing manager", "truck driver",
]
CONSTRAINTS = [
    "", "in Berlin", "in Seattle", "in London", "remote", "mostly remote", "in Silicon Valley or Seattle",
    "paying at least 70k euros", "over 120k", "posted this week", "not from staffing agencies",
    "in New York, hybrid, posted recently", "in Germany, full-time", "senior", "above median pay",
    "in Paris posted today", "entry level in Toronto",
]


def _queries(n: int) -> list[str]:
    out = []
    for i in range(n):
        role = ROLES[i % len(ROLES)]
        c1 = CONSTRAINTS[(i * 7) % len(CONSTRAINTS)]
        c2 = CONSTRAINTS[(i * 3 + 1) % len(CONSTRAINTS)] if i % 3 == 0 else ""
        out.append(" ".join(p for p in (role, "jobs", c1, c2) if p))
    return out


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None, help="data home (default: JOBSEARCH_HOME / user dir)")
    ap.add_argument("--jobs", type=int, default=None, help="generate + build a home of this size if missing")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--threads", type=int, default=4, help="client threads for the throughput run")
    ap.add_argument("--out", type=Path, default=Path("bench/results/search_bench.json"))
    args = ap.parse_args()
    if args.home:
        os.environ["JOBSEARCH_HOME"] = str(args.home)

    from jobsearch import home
    from jobsearch.pipeline import open_pipeline

    if args.jobs and not (home.default_index_dir() / "ACTIVE").exists():
        from jobsearch.corpus.generate import generate_corpus
        from jobsearch.encode.default import default_encoder
        from jobsearch.index.build import build_index

        generate_corpus(home.default_corpus_dir(), n_jobs=args.jobs, seed=7)
        build_index(home.default_corpus_dir(), home.default_index_dir(), default_encoder())

    pipeline = open_pipeline()
    queries = _queries(args.queries)
    for q in queries[:20]:  # warm-up: numba JIT, ORT arenas, name indexes
        pipeline.search(q, k=20, now=datetime.now(UTC))

    stages: dict[str, list[float]] = {}
    totals: list[float] = []
    empty = 0
    for q in queries:
        t = time.perf_counter()
        r = pipeline.search(q, k=20, now=datetime.now(UTC))  # `now` bypasses the cache
        totals.append((time.perf_counter() - t) * 1000)
        empty += not r.results
        for name, ms in r.timings_ms.items():
            stages.setdefault(name, []).append(ms)

    t = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda q: pipeline.search(q, k=20, now=datetime.now(UTC)), queries))
    concurrent_qps = len(queries) / (time.perf_counter() - t)

    summary = {
        "p50_ms": _pct(totals, 0.50),
        "p95_ms": _pct(totals, 0.95),
        "p99_ms": _pct(totals, 0.99),
        "mean_ms": statistics.fmean(totals),
        "qps_1_thread": 1000 / statistics.fmean(totals),
        f"qps_{args.threads}_threads": concurrent_qps,
    }
    result = {
        "bench": "search_end_to_end",
        "when": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load1": os.getloadavg()[0]},
        "index_rows": pipeline.retriever.rows,
        "queries": len(queries),
        "empty_results": empty,
        "total": summary,
        "stages_ms": {
            name: {"p50": _pct(v, 0.5), "p95": _pct(v, 0.95), "p99": _pct(v, 0.99)} for name, v in stages.items()
        },
        "targets": {"p50_ms": 50, "p99_ms": 150},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
