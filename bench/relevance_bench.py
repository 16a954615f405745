"""Relevance benchmark: policy-grader throughput (grades/s over whole corpora and over
100-job candidate lists) and, when a teacher checkpoint exists, cross-encoder pairs/s.
Prints JSON; never part of the tests' pass/fail.

    nice python bench/relevance_bench.py --corpus DIR --queries DIR [--teacher DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--queries", type=Path, required=True)
    ap.add_argument("--teacher", type=Path, default=None)
    ap.add_argument("--n-queries", type=int, default=300)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    import numpy as np
    import torch
    from jobsearch.models.jobtable import JobTable
    from jobsearch.models.policy import PolicyGrader
    from jobsearch.models.synth_queries import read_queries

    from jobsearch.corpus.members import load_members

    load_before = os.getloadavg()
    jobs = JobTable.from_corpus(args.corpus)
    grader = PolicyGrader(jobs, members=load_members(args.corpus))
    qs = read_queries(args.queries)[: args.n_queries]
    rng = np.random.default_rng(0)
    report: dict[str, object] = {"host": platform.node(), "cpus": os.cpu_count(), "jobs": jobs.n, "queries": len(qs)}

    t = time.perf_counter()
    for q in qs:
        grader.grade_all(q.intent)
    dt = time.perf_counter() - t
    report["grade_all_grades_per_s"] = round(len(qs) * jobs.n / dt)
    lists = [rng.integers(0, jobs.n, 100) for _ in qs]
    t = time.perf_counter()
    for q, idx in zip(qs, lists, strict=True):
        grader.grade_rows(q.intent, idx)
    dt = time.perf_counter() - t
    report["candidates100_grades_per_s"] = round(len(qs) * 100 / dt)
    report["candidates100_ms_per_query"] = round(1000 * dt / len(qs), 3)

    if args.teacher is not None:
        from jobsearch.models.teacher import CrossEncoderTeacher

        torch.set_num_threads(2)
        teacher = CrossEncoderTeacher.load(args.teacher)
        pairs_q = [q.intent.text for q in qs[:64] for _ in range(4)]
        pairs_j = [jobs.text(int(i)) for i in rng.integers(0, jobs.n, len(pairs_q))]
        teacher.score(pairs_q[:16], pairs_j[:16])  # warm-up
        t = time.perf_counter()
        teacher.score(pairs_q, pairs_j, batch_size=64)
        report["teacher_pairs_per_s"] = round(len(pairs_q) / (time.perf_counter() - t), 1)
        report["teacher_threads"] = 2
    report["loadavg_before_after"] = [load_before, os.getloadavg()]
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
