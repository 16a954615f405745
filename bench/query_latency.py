"""Parse latency of the query engine: first load (gazetteer + name index, and the tagger
for the hybrid engine) and p50/p99 of a warm parse over the test phrasings. Prints JSON with
the CPU model, threads and load average (the machine may be shared).

    python bench/query_latency.py [--repeat 20] [--engine rules|hybrid] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20, help="passes over the phrasings")
    ap.add_argument("--engine", choices=["rules", "hybrid"], default="rules",
                    help="rules alone, or rules + the learned tagger (jobsearch.query.hybrid)")
    ap.add_argument("--threads", type=int, default=1, help="ONNX Runtime threads of the tagger")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "query"))
    import test_constraints
    import test_engine
    import test_languages
    import test_places
    from conftest import COMPANIES, MEMBERS  # tests/query/conftest.py: the same fixtures
    from dev_set import DEV, load

    from jobsearch.query.engine import RuleQueryEngine

    texts = [c[0] for c in test_constraints.CASES + test_places.CITY_CASES + test_places.METRO_CASES
             + test_engine.COMPANY_CASES] + list(test_places.ROLE_WORDS)
    # the eight languages, and the dev set's hand-written queries when ../shared is here
    texts += [t for pair in test_languages.PAIRS for t in pair]
    texts += [r["query"] for r in load() if not r["member"]] if DEV.exists() else []
    t0 = time.perf_counter()
    engine = RuleQueryEngine(companies=COMPANIES, members=MEMBERS)
    if args.engine == "hybrid":
        from jobsearch.query.hybrid import HybridQueryEngine
        from jobsearch.query.learned import load_tagger

        tagger = load_tagger(threads=args.threads)
        if tagger is None:
            raise SystemExit("no query tagger ships with this checkout (jobsearch/query/tagger/)")
        engine = HybridQueryEngine(engine, tagger)
    engine.parse("warm-up nurse in Berlin")
    first_load_s = time.perf_counter() - t0
    samples: list[float] = []
    cpu_samples: list[float] = []  # CPU time of the parsing thread: what a shared, loaded machine does not inflate
    for _ in range(args.repeat):
        for t in texts:
            s, c = time.perf_counter(), time.thread_time()
            engine.parse(t)
            samples.append((time.perf_counter() - s) * 1000)
            cpu_samples.append((time.thread_time() - c) * 1000)
    samples.sort()
    import os
    import platform

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(json.dumps({
        "engine": args.engine,
        "threads": args.threads,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "phrasings": len(texts),
        "parses": len(samples),
        "first_load_s": round(first_load_s, 3),
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(0.99 * (len(samples) - 1))], 3),
        "max_ms": round(samples[-1], 3),
        "cpu_p50_ms": round(statistics.median(cpu_samples), 3),
        "cpu_p99_ms": round(sorted(cpu_samples)[int(0.99 * (len(cpu_samples) - 1))], 3),
    }, indent=2))


if __name__ == "__main__":
    main()
