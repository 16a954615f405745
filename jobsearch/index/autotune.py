"""`dtype="auto"` decides int8 vs fp16 rows by timing both scans on this CPU, not by flag
lists: an int8 kernel exists on every x86 CPU with AVX2, but whether it beats an fp16 scan
depends on the chip's integer throughput against its memory bandwidth (AVX2-only EPYC vs
VNNI Xeon). Measured once per process, on synthetic rows, in about a tenth of a second."""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np

PROBE_ROWS = 65_536
# int8 must win clearly: its re-score has fixed costs that a synthetic probe under-counts.
MARGIN = 0.85


@functools.cache
def int8_is_faster(dim: int) -> bool:
    """Whether an unfiltered batch-1 int8 scan beats the fp16 scan here (best of 5 each)."""
    from jobsearch.index import kernels
    from jobsearch.index.int8scan import Int8Rows, search_int8
    from jobsearch.index.vnni import has_fast_int8

    if not has_fast_int8(dim):
        return False
    rng = np.random.default_rng(0)
    X = rng.standard_normal((PROBE_ROWS, dim), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X16 = X.astype(np.float16)
    rows = Int8Rows.from_fp16(X16)
    q = X[:1] + 0.1 * rng.standard_normal((1, dim), dtype=np.float32)
    q /= np.linalg.norm(q)

    def best(fn: Any) -> float:
        fn()  # compile / warm
        out = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            fn()
            out = min(out, time.perf_counter() - t)
        return out

    t16 = best(lambda: kernels.scan_topk(X16, q, 10, mask=None, rows=None))
    t8 = best(lambda: search_int8(rows, q, 10))
    return t8 < MARGIN * t16
