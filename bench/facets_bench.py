"""Facet counts at scale: `jobsearch.results.facets.facet_counts` over a generated corpus
(default 100k postings) under typical filters, cache warm as in serving. Vectors play no
part in facets, so the segment gets random unit vectors (no encoding needed).

    python bench/facets_bench.py                  # 100k postings, 200 repetitions per filter
    python bench/facets_bench.py --jobs 20000 --out bench/results/facets_bench-20k.json

Writes JSON: p50/p95 ms per filter and overall, wall clock and CPU time of the calling
thread (on a machine shared with other work, wall time includes waiting for a core; CPU
time is what one call costs), with the CPU and load it ran under.
Target (issue 14): p50 <= 5 ms at 100k postings."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

FILTERS = {
    "none": {},
    "country": {"country_codes": ["US"]},
    "city": {"location_ids": ["5128581"]},  # New York City
    "remote + pay": {"workplace": ["remote"], "min_salary": {"amount": 100000, "currency": "USD", "period": "year"}},
    "posted 7 days + direct": {"posted_within_days": 7, "exclude_company_types": ["staffing"]},
    "senior full-time": {"seniority": ["senior"], "employment_type": ["full_time"]},
}


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--out", type=Path, default=Path("bench/results/facets_bench.json"))
    ap.add_argument("--corpus", type=Path, default=None, help="reuse (or write) the generated corpus here")
    args = ap.parse_args()

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.index.segment import Segment
    from jobsearch.results.facets import facet_counts
    from jobsearch.schema import Filters
    from jobsearch.taxonomy.places import gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.corpus or Path(tmp)
        t = time.perf_counter()
        if not (folder / "corpus.json").exists():
            generate_corpus(folder, n_jobs=args.jobs, seed=5, progress=False)
            print(f"generated {args.jobs} postings in {time.perf_counter() - t:.0f} s")
        meta = json.loads((folder / "corpus.json").read_text())
        table = read_postings(folder)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((table.num_rows, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    seg = Segment.from_arrays(vectors, table)

    class OneSegment:  # the part of an index View facets read
        segments = (seg,)

        @staticmethod
        def dead_of(i: int) -> None:
            return None

    now = datetime.fromisoformat(meta["now"])
    name = gazetteer().display_name
    results: dict[str, dict[str, float]] = {}
    everything: list[float] = []
    all_cpu: list[float] = []
    for label, spec in FILTERS.items():
        filters = Filters.model_validate(spec)
        facet_counts(OneSegment, filters, now=now, place_name=name)  # warm: mask cache, company names
        times, cpu = [], []
        for _ in range(args.reps):
            t, c = time.perf_counter(), time.thread_time()
            facets = facet_counts(OneSegment, filters, now=now, place_name=name)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
        matching = sum(v.count for v in facets["workplace"])
        times.sort()
        cpu.sort()
        results[label] = {"matching": matching, "p50_ms": round(statistics.median(times), 3),
                          "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
                          "cpu_p50_ms": round(statistics.median(cpu), 3)}
        everything += times
        all_cpu += cpu
        print(f"{label:>24}: {matching:>7} postings  wall p50 {results[label]['p50_ms']:.2f} ms  "
              f"p95 {results[label]['p95_ms']:.2f} ms  cpu p50 {results[label]['cpu_p50_ms']:.2f} ms")
    everything.sort()
    out = {
        "bench": "facets", "jobs": args.jobs, "reps": args.reps, "filters": results,
        "p50_ms": round(statistics.median(everything), 3),
        "p95_ms": round(everything[int(0.95 * (len(everything) - 1))], 3),
        "cpu_p50_ms": round(statistics.median(all_cpu), 3),
        "cpu_model": _cpu(), "cpus": os.cpu_count(), "load_avg": os.getloadavg(),
        "numpy": np.__version__, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": "machine shared with other sessions; load_avg says how busy it was",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"overall wall p50 {out['p50_ms']:.2f} ms, p95 {out['p95_ms']:.2f} ms, cpu p50 {out['cpu_p50_ms']:.2f} ms "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
