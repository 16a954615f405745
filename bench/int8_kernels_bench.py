"""The int8 scan's dot kernels side by side on one machine (issue 17): VNNI-512, VNNI-256,
AVX2 (sign trick) and the plain loop, batch 1 and 16, unfiltered, exact top-10 over N x 384
rows. Reports p50 latency, the scan's GB/s of int8 codes and its share of the read bandwidth
measured in the same run, and recall@10 against the exact fp16 answer (must be 1.0).

    python bench/int8_kernels_bench.py                       # 1M rows
    python bench/int8_kernels_bench.py --rows 200000 --calls 10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info  # noqa: E402

D, K = 384, 10


def read_bandwidth(nbytes: int = 1 << 30) -> float:
    """GB/s of a parallel read of int8 memory with numba (best of 5)."""
    import numba as nb

    @nb.njit(parallel=True)
    def total(a):  # type: ignore[no-untyped-def]
        s = 0
        for i in nb.prange(a.shape[0]):
            s += a[i]
        return s

    a = np.ones(nbytes // 8, np.int64)
    total(a[:1000])
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        total(a)
        best = min(best, time.perf_counter() - t)
    return a.nbytes / best / 1e9


def main() -> None:
    from jobsearch.index.int8scan import Int8Rows, search_int8
    from jobsearch.index.vnni import available_modes

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    rng = np.random.default_rng(5)
    X = rng.standard_normal((args.rows, D), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X16 = X.astype(np.float16)
    del X
    rows = Int8Rows.from_fp16(X16)
    bw = read_bandwidth()
    out = {"created": datetime.now(UTC).isoformat(), "machine": machine_info(), "rows": args.rows, "dim": D,
           "k": K, "read_bandwidth_gbs": round(bw, 2), "kernels": []}
    print(f"{out['machine']['cpu_model']} simd={out['machine']['simd']} read {bw:.1f} GB/s")
    for kernel in available_modes(D):
        for batch in (int(b) for b in args.batches.split(",")):
            Q = rng.standard_normal((batch, D), dtype=np.float32)
            Q /= np.linalg.norm(Q, axis=1, keepdims=True)
            search_int8(rows, Q, K, kernel=kernel)  # compile
            times = []
            for _ in range(args.calls if batch == 1 else max(3, args.calls // 5)):
                t = time.perf_counter()
                _, ids = search_int8(rows, Q, K, kernel=kernel)
                times.append(time.perf_counter() - t)
            exact = np.argsort(-(X16[:, :].astype(np.float32) @ Q.T), axis=0, kind="stable")[:K].T
            rec = float(np.mean([len(set(a) & set(b)) / K for a, b in zip(ids.tolist(), exact.tolist(), strict=True)]))
            p50 = float(np.median(times))
            gbs = rows.codes.nbytes / p50 / 1e9
            cell = {"kernel": kernel, "batch": batch, "p50_ms": round(p50 * 1e3, 2),
                    "p99_ms": round(float(np.percentile(times, 99)) * 1e3, 2), "scan_gbs": round(gbs, 2),
                    "bandwidth_share": round(gbs / bw, 3), "recall_at_10": rec}
            out["kernels"].append(cell)
            print(json.dumps(cell), flush=True)
    out["loadavg_end"] = machine_info()["loadavg"]
    path = Path(args.out or f"bench/results/int8_kernels-{datetime.now(UTC):%Y%m%dT%H%M}.json")
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
