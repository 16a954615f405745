"""The CUDA scan gives the CPU kernel's answers (skipped without a GPU)."""

from __future__ import annotations

import numpy as np
import pytest
from index_fixtures import clustered, unit

from jobsearch.index import gpu
from jobsearch.index.kernels import scan_topk
from jobsearch.index.masks import Plan

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not gpu.available(), reason="no CUDA device")]


def test_gpu_matches_cpu() -> None:
    rng = np.random.default_rng(0)
    X = clustered(50000, dim=64, seed=0).astype(np.float16)
    Q = unit(rng.standard_normal((8, 64)))
    mask = rng.random(50000) < 0.01
    scanner = gpu.GpuScanner(X, block=8192)
    for p in (Plan(None, None, 50000), Plan(mask, None, int(mask.sum())),
              Plan(None, np.flatnonzero(mask), int(mask.sum()))):
        s_gpu, _ = scanner.topk(Q, 10, p)
        s_cpu, _ = scan_topk(X, Q, 10, mask=p.mask, rows=p.rows)
        np.testing.assert_allclose(s_gpu, s_cpu, atol=2e-3)  # fp16 products on the GPU
