"""The fused Triton scan, run by Triton's CPU interpreter, against an exact numpy reference.

TRITON_INTERPRET must be set before triton is imported, so the kernel runs in a child
process: this module, executed as a script, runs the cases named on its command line and
prints their results as JSON; the tests compute the reference here and compare. The cases
and the reference are shared with the torch path's tests (test_gpu_scanner)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from test_gpu_scanner import CASES, reference

pytest.importorskip("triton", reason="triton is not installed (pip install 'jobsearch[gpu]')")


def run_cases(names: list[str]) -> dict[str, dict[str, list]]:
    """Child side: the Triton kernel (interpreted) and the scanner on every named case."""
    import torch

    from jobsearch.index import gpu, triton_scan
    from jobsearch.index.masks import Plan

    results = {}
    for name in names:
        case = CASES[name]
        X, Q, mask, rows = case.data()
        s, i = triton_scan.scan_topk(
            torch.from_numpy(X), torch.from_numpy(Q), case.k,
            mask=None if mask is None else torch.from_numpy(mask),
            rows=None if rows is None else torch.from_numpy(rows), **case.opts,
        )
        count = int(rows.size) if rows is not None else int(mask.sum()) if mask is not None else X.shape[0]
        s2, i2 = gpu.GpuScanner(X, device="cpu", backend="triton").topk(Q, case.k, Plan(mask, rows, count))
        results[name] = {"scores": s.tolist(), "ids": i.tolist(), "scanner_scores": s2.tolist(),
                         "scanner_ids": i2.tolist()}
    return results


def interpret(names: list[str]) -> dict[str, dict[str, list]]:
    env = dict(os.environ, TRITON_INTERPRET="1")
    proc = subprocess.run([sys.executable, __file__, *names], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"interpreted kernel failed:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check(name: str, got: dict[str, list]) -> None:
    case = CASES[name]
    X, Q, mask, rows = case.data()
    want_s, want_i = reference(X, Q, case.k, mask, rows)
    for s_key, i_key in (("scores", "ids"), ("scanner_scores", "scanner_ids")):
        s = np.array(got[s_key], dtype=np.float32)
        np.testing.assert_array_equal(np.array(got[i_key]), want_i, err_msg=f"{name}: {i_key}")
        np.testing.assert_allclose(s, want_s, rtol=1e-5, atol=1e-5, err_msg=f"{name}: {s_key}")


@pytest.fixture(scope="module")
def interpreted() -> dict[str, dict[str, list]]:
    return interpret(list(CASES))  # one child process: importing triton + torch costs ~3 s


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_interpreted_kernel_matches_exact_reference(interpreted: dict[str, dict[str, list]], name: str) -> None:
    check(name, interpreted[name])


if __name__ == "__main__":
    print(json.dumps(run_cases(sys.argv[1:])))
