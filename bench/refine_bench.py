"""Refinements from mined attributes: what mining costs at index build and what the chips
cost per search.

A generated corpus (default 50k postings) gets document vectors that mean something
without encoding every posting: each is its occupation title's real embedding (the
shipped retriever) plus noise, so real query vectors find real occupations. Then:

  1. mining (`jobsearch.index.attributes.mine`): wall time per 10k postings, groups, file size;
  2. the index build (`build_from_arrays`, write + verify) with and without the attributes
     hook, alternated, so "before/after" share the same machine state;
  3. per search, on the embedded pipeline over that index (cache bypassed): the whole
     refinement stage (nearest group + exact counts + re-parse of each chip) p50/p99, its
     share of the search, and the nearest-group lookup alone.

    python bench/refine_bench.py                       # 50k postings
    python bench/refine_bench.py --jobs 10000 --out bench/results/refine_bench-10k.json

Writes JSON with the CPU model and load average (bench/machine.py). Never pass/fail: a
shared machine reads slower; the load says how busy it was."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info  # noqa: E402 - bench/ is not a package

QUERIES = [
    "software engineer in Seattle", "registered nurse in London", "data engineer jobs in Berlin",
    "accountant", "remote python developer, not from staffing agencies", "truck driver in Texas",
    "marketing manager in New York", "nurse practitioner in Toronto", "jobs in Paris",
    "warehouse worker in Chicago", "financial analyst in Singapore, hybrid", "teacher in Sydney",
    "software engineer in Silicon Valley or Seattle, mostly remote", "electrician", "chef in Madrid",
    "product manager, posted this week", "customer service representative, part time",
    "mechanical engineer in Texas but not Houston", "data scientist paying at least 150k",
    "cybersecurity analyst in India", "pharmacist in Munich", "graphic designer", "sales representative in Dallas",
    "devops engineer remote", "physical therapist in Boston", "HR manager in Amsterdam",
    "cashier", "civil engineer in Dubai", "dental hygienist in Seattle", "web developer in Austin",
]


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3)


def _vectors(table, encoder, seed: int = 5) -> np.ndarray:  # noqa: ANN001
    from jobsearch.taxonomy.occupations import get_occupation

    codes = table.column("occupation_code").to_pylist()
    names = sorted({c for c in codes if c})
    titles = [(get_occupation(c).title if get_occupation(c) else c) for c in names]
    centre = dict(zip(names, np.asarray(encoder.encode(titles), dtype=np.float32), strict=True))
    rng = np.random.default_rng(seed)
    dim = encoder.dim
    base = np.stack([centre[c] if c else np.zeros(dim, np.float32) for c in codes])
    v = base + 0.04 * rng.standard_normal((len(codes), dim)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=50_000)
    ap.add_argument("--builds", type=int, default=3, help="index builds with and without the hook (each; 0: none)")
    ap.add_argument("--rounds", type=int, default=10, help="passes over the queries for per-search times")
    ap.add_argument("--corpus", type=Path, default=None, help="reuse (or write) the generated corpus here")
    ap.add_argument("--out", type=Path, default=Path("bench/results/refine_bench.json"))
    args = ap.parse_args()

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.default import default_encoder
    from jobsearch.index import attributes as attributes_module
    from jobsearch.index.attributes import ATTRIBUTES, mine
    from jobsearch.index.build import build_from_arrays
    from jobsearch.pipeline import open_pipeline
    from jobsearch.query.relative_pay import for_retrieval
    from jobsearch.refine import attributes_of, suggest

    encoder = default_encoder()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or Path(tmp) / "corpus"
        if not (corpus / "corpus.json").exists():
            t = time.perf_counter()
            generate_corpus(corpus, n_jobs=args.jobs, seed=5, progress=False)
            print(f"generated {args.jobs} postings in {time.perf_counter() - t:.0f} s")
        table = read_postings(corpus)
        vectors = _vectors(table, encoder)

        # 1. mining alone
        mine(vectors[:1000], table.slice(0, 1000))  # warm: gazetteer, taxonomy
        times = []
        for _ in range(3):
            t = time.perf_counter()
            attrs = mine(vectors, table)
            times.append(time.perf_counter() - t)
        per10k = [s / table.num_rows * 10_000 * 1000 for s in times]
        print(f"mining: {min(times):.2f} s for {table.num_rows} postings ({min(per10k):.0f} ms per 10k), "
              f"{len(attrs)} groups")

        # 2. index build with and without the hook, alternated
        root = Path(tmp) / "index"
        members = corpus / "members.jsonl"
        set_dir = build_from_arrays(root, vectors, table, model_id=encoder.model_id, members_file=members,
                                    activate=False)  # warm, not counted
        with_hook, without = [], []
        for i in range(args.builds):
            for hooked in (True, False) if i % 2 == 0 else (False, True):  # neither always goes first
                t = time.perf_counter()
                if hooked:
                    set_dir = build_from_arrays(root, vectors, table, model_id=encoder.model_id,
                                                members_file=members, activate=False)
                else:
                    with mock.patch.object(attributes_module, "write_attributes", lambda *a: {}):
                        build_from_arrays(root, vectors, table, model_id=encoder.model_id,
                                          members_file=members, activate=False)
                (with_hook if hooked else without).append(time.perf_counter() - t)
        size = (set_dir / ATTRIBUTES).stat().st_size
        med = {k: round(statistics.median(v), 3) if v else None for k, v in (("with", with_hook), ("without", without))}
        print(f"build: with attributes p50 {med['with']} s, without {med['without']} s; "
              f"attributes.npz {size / 1e6:.1f} MB")

        # 3. per search, embedded pipeline over the index with attributes (the active set)
        from jobsearch.index import layout

        layout.point_to(root, set_dir)
        pipeline = open_pipeline(root, corpus, warm=True)
        mined = attributes_of(pipeline.retriever)
        assert mined is not None
        refine, total, nearest, chips, refine_cpu, nearest_cpu = [], [], [], [], [], []
        now = datetime.now(UTC)
        for _ in range(args.rounds):
            for q in QUERIES:
                r = pipeline.search(q, k=20, now=now)  # `now` given: the response cache is bypassed
                refine.append(r.timings_ms.get("refine", 0.0))
                total.append(r.timings_ms["total"])
                chips.append(len(r.refinements))
                # The stage again on its own, in CPU time of this thread (what it costs when
                # the machine is shared: wall time includes waiting for a core).
                parsed = pipeline.engine.parse(q, None)
                vec = np.asarray(pipeline.encoder.encode([parsed.semantic_text or q]), dtype=np.float32)
                f = for_retrieval(parsed.filters)
                c = time.thread_time()
                suggest(pipeline.retriever, pipeline.engine, q, parsed, f, vec, member_id=None, remove=(),
                        total=r.total_matching, now=now)
                refine_cpu.append((time.thread_time() - c) * 1000)
                t, c = time.perf_counter(), time.thread_time()
                mined.nearest(vec, f, by_meaning=bool(parsed.semantic_text))
                nearest.append((time.perf_counter() - t) * 1000)
                nearest_cpu.append((time.thread_time() - c) * 1000)
        share = [a / b for a, b in zip(refine, total, strict=True) if b > 0]
        print(f"per search: refine p50 {_pct(refine, 50)} ms p99 {_pct(refine, 99)} ms (cpu p50 "
              f"{_pct(refine_cpu, 50)} p99 {_pct(refine_cpu, 99)}) "
              f"({statistics.median(share):.0%} of the search p50 {_pct(total, 50)} ms); "
              f"nearest group p50 {_pct(nearest, 50)} ms p99 {_pct(nearest, 99)} ms; chips per search "
              f"{statistics.mean(chips):.1f}")

    out = {
        "bench": "refine", "jobs": table.num_rows, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "mining": {"seconds": [round(s, 3) for s in times], "ms_per_10k_postings_best": round(min(per10k), 1),
                   "groups": len(attrs), "file_bytes": size},
        "build_seconds": {"with_attributes": [round(s, 3) for s in with_hook],
                          "without_attributes": [round(s, 3) for s in without],
                          "p50_with": med["with"], "p50_without": med["without"]},
        "per_search_ms": {"queries": len(QUERIES), "rounds": args.rounds,
                          "refine_p50": _pct(refine, 50), "refine_p99": _pct(refine, 99),
                          "search_total_p50": _pct(total, 50), "search_total_p99": _pct(total, 99),
                          "refine_share_of_search_p50": round(statistics.median(share), 3),
                          "refine_cpu_p50": _pct(refine_cpu, 50), "refine_cpu_p99": _pct(refine_cpu, 99),
                          "nearest_group_p50": _pct(nearest, 50), "nearest_group_p99": _pct(nearest, 99),
                          "nearest_group_cpu_p50": _pct(nearest_cpu, 50), "nearest_group_cpu_p99": _pct(nearest_cpu, 99),
                          "chips_per_search_mean": round(statistics.mean(chips), 2)},
        "note": "document vectors are occupation-title embeddings plus noise (no posting encoded); "
                "build times are write + verify of unactivated sets (no encoding); machine shared with other "
                "sessions (see loadavg)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
