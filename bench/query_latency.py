"""Parse latency of the rule query engine: first load (gazetteer + name index) and p50/p99
of a warm parse over the test phrasings. Prints JSON.

    python bench/query_latency.py [--repeat 20]
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
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "query"))
    import test_constraints
    import test_engine
    import test_places
    from conftest import COMPANIES, MEMBERS  # tests/query/conftest.py: the same fixtures

    from jobsearch.query.engine import RuleQueryEngine

    texts = [c[0] for c in test_constraints.CASES + test_places.CITY_CASES + test_places.METRO_CASES
             + test_engine.COMPANY_CASES] + list(test_places.ROLE_WORDS)
    t0 = time.perf_counter()
    engine = RuleQueryEngine(companies=COMPANIES, members=MEMBERS)
    engine.parse("warm-up nurse in Berlin")
    first_load_s = time.perf_counter() - t0
    samples = []
    for _ in range(args.repeat):
        for t in texts:
            s = time.perf_counter()
            engine.parse(t)
            samples.append((time.perf_counter() - s) * 1000)
    samples.sort()
    print(json.dumps({
        "phrasings": len(texts),
        "parses": len(samples),
        "first_load_s": round(first_load_s, 3),
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(0.99 * (len(samples) - 1))], 3),
        "max_ms": round(samples[-1], 3),
    }, indent=2))


if __name__ == "__main__":
    main()
