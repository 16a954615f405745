"""Corpus benchmark: generation time for N postings, pay-statistics build and lookup time,
match_occupation time. Prints JSON; never part of the tests' pass/fail.

    python bench/corpus_bench.py --jobs 100000 --out bench-corpus.json
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = ap.parse_args()

    import numpy as np

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.paystats import PayStats
    from jobsearch.taxonomy.occupations import match_occupation
    from jobsearch.taxonomy.pay import prepare
    from jobsearch.taxonomy.places import gazetteer

    t0 = time.perf_counter()
    gazetteer()
    prepare()
    warm_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = generate_corpus(Path(tmp), n_jobs=args.jobs, seed=args.seed, progress=False)
        gen_s = time.perf_counter() - t0
        table = read_postings(Path(tmp))
    t0 = time.perf_counter()
    stats = PayStats.from_table(table)
    build_s = time.perf_counter() - t0
    lookups = []
    for _ in range(200):
        t0 = time.perf_counter()
        stats.annual_usd("median", occupation_code="15-1243.00", location_ids=["2950159"], country_codes=[])
        lookups.append(time.perf_counter() - t0)
    match_occupation("warm up")
    texts = ["data engineer jobs in Berlin paying at least 70k euros", "nurse", "remote senior python developer"]
    t0 = time.perf_counter()
    for _ in range(1000):
        for t in texts:
            match_occupation(t)
    match_us = (time.perf_counter() - t0) / (1000 * len(texts)) * 1e6
    result = {
        "jobs": args.jobs, "machine": platform.processor() or platform.machine(),
        "taxonomy_warmup_s": round(warm_s, 2), "generate_s": round(gen_s, 2),
        "generate_rows_per_s": round(args.jobs / gen_s), "paystats_build_s": round(build_s, 3),
        "paystats_lookup_p50_ms": round(float(np.median(lookups)) * 1e3, 3),
        "match_occupation_mean_us": round(match_us, 1), "summary": summary,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
