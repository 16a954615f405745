"""The fused Triton scan, run by Triton's CPU interpreter, against an exact numpy reference.

TRITON_INTERPRET must be set before triton is imported, so the kernel runs in a child
process: this module, executed as a script, runs the cases named on its command line and
prints their results as JSON; the tests compute the reference here and compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed (pip install 'jobsearch[gpu]')")


@dataclass(frozen=True)
class Case:
    n: int
    dim: int
    nq: int
    k: int
    seed: int = 0
    pass_share: float | None = None  # mask plan: share of rows passing
    gather: bool = False  # row-list plan (the selective filter), rows shuffled
    dup_every: int = 0  # copy row i into i + dup_every... to make exact score ties
    opts: dict[str, int] = field(default_factory=dict)  # tile / rows_per_program

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        rng = np.random.default_rng(self.seed)
        X = rng.standard_normal((self.n, self.dim)).astype(np.float16)
        if self.dup_every:
            X[self.dup_every :: self.dup_every] = X[0]  # equal rows -> equal scores
        Q = rng.standard_normal((self.nq, self.dim)).astype(np.float32)
        mask = rows = None
        if self.pass_share is not None:
            mask = rng.random(self.n) < self.pass_share
            if self.gather:
                rows = rng.permutation(np.flatnonzero(mask)).astype(np.int64)
                mask = None
        return X, Q, mask, rows


CASES = {
    "plain": Case(700, 24, 3, 5, opts={"tile": 32, "rows_per_program": 128}),
    "mask": Case(700, 24, 2, 7, seed=1, pass_share=0.3, opts={"tile": 32, "rows_per_program": 128}),
    "rows": Case(700, 24, 2, 7, seed=2, pass_share=0.1, gather=True, opts={"tile": 16, "rows_per_program": 32}),
    "ties": Case(300, 16, 2, 6, seed=3, dup_every=37, opts={"tile": 16, "rows_per_program": 64}),
    "few_pass": Case(400, 16, 2, 10, seed=4, pass_share=0.01, opts={"tile": 16, "rows_per_program": 64}),
    "few_rows": Case(400, 16, 1, 10, seed=5, pass_share=0.01, gather=True),
    "no_rows": Case(100, 16, 2, 3, seed=6, pass_share=0.0, gather=True),
    "k100": Case(300, 16, 1, 100, seed=7),
    "batch_dot": Case(160, 40, 9, 4, seed=8, dup_every=50, opts={"tile": 8, "rows_per_program": 64}),
}


def reference(X: np.ndarray, Q: np.ndarray, k: int, mask: np.ndarray | None, rows: np.ndarray | None):
    """Exact fp32 top-k, ties to the lower row id, -inf / -1 padding (like kernels.merge_chunks)."""
    ids = np.arange(X.shape[0]) if rows is None else rows
    if mask is not None:
        ids = np.flatnonzero(mask)
    S = Q @ X[ids].astype(np.float32).T
    scores = np.full((Q.shape[0], k), -np.inf, np.float32)
    out = np.full((Q.shape[0], k), -1, np.int64)
    for q in range(Q.shape[0]):
        order = np.lexsort((ids, -S[q]))[:k]
        scores[q, : order.size] = S[q, order]
        out[q, : order.size] = ids[order]
    return scores, out


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
