"""The GPU scanner's torch path (run on CPU tensors here), its score|row keys and its errors;
on a CUDA machine, the Triton kernel and the torch path against the exact reference.

`CASES` and `reference` are shared with the interpreted Triton kernel's tests."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from jobsearch.index import gpu
from jobsearch.index.masks import Plan


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


def plan_of(n: int, mask: np.ndarray | None, rows: np.ndarray | None) -> Plan:
    count = int(rows.size) if rows is not None else int(mask.sum()) if mask is not None else n
    return Plan(mask, rows, count)


def assert_exact(name: str, got: tuple[np.ndarray, np.ndarray], want: tuple[np.ndarray, np.ndarray]) -> None:
    np.testing.assert_array_equal(got[1], want[1], err_msg=f"{name}: row ids")
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-5, err_msg=f"{name}: scores")


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("block", [64, 1 << 18])
def test_torch_path_matches_exact_reference(name: str, block: int) -> None:
    case = CASES[name]
    X, Q, mask, rows = case.data()
    scanner = gpu.GpuScanner(X, device="cpu", backend="torch", block=block)
    got = scanner.topk(Q, case.k, plan_of(case.n, mask, rows))
    assert_exact(name, got, reference(X, Q, case.k, mask, rows))


def test_keys_order_by_score_then_lower_row() -> None:
    rng = np.random.default_rng(0)
    scores = rng.choice(np.array([-2.5, -1e-30, -0.0, 0.0, 1e-30, 0.75, 3.0, np.inf], np.float32), 500)
    rows = rng.permutation(500).astype(np.int64)
    keys = gpu.pack_keys(torch.from_numpy(scores), torch.from_numpy(rows)).numpy()
    by_key = np.argsort(-keys, kind="stable")
    by_rule = np.lexsort((rows, -(scores + np.float32(0.0))))  # -0.0 == 0.0: a tie
    np.testing.assert_array_equal(by_key, by_rule)
    s, r = gpu.unpack_keys(torch.from_numpy(keys))
    np.testing.assert_array_equal(s.numpy(), scores + np.float32(0.0))
    np.testing.assert_array_equal(r.numpy(), rows)


def test_unpacked_minus_inf_has_no_row() -> None:
    keys = gpu.pack_keys(torch.tensor([-np.inf, 1.0]), torch.tensor([7, 8]))
    s, r = gpu.unpack_keys(keys)
    assert s.tolist() == [-np.inf, 1.0] and r.tolist() == [-1, 8]
    assert gpu.pack_keys(torch.tensor([-np.inf]), torch.tensor([0])).item() == gpu.NONE_KEY


def test_query_split_is_nearly_fp32() -> None:
    q = torch.from_numpy(np.random.default_rng(1).standard_normal((4, 384)).astype(np.float32))
    q /= q.norm(dim=1, keepdim=True)
    hi, lo = gpu.split_query(q)
    assert hi.dtype == lo.dtype == torch.float16
    err = (hi.float() + lo.float() / gpu.LO_SCALE - q).abs().max().item()
    assert err < 1e-7, err  # fp16 alone is off by up to ~1e-4 here


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        gpu.GpuScanner(np.zeros((4, 8), np.float16), device="cpu", backend="cuda-graphs")


def test_triton_on_cpu_needs_the_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    msg = "TRITON_INTERPRET=1" if gpu.triton_installed() else "needs the triton package"
    with pytest.raises(RuntimeError, match=msg):
        gpu.GpuScanner(np.zeros((4, 8), np.float16), device="cpu", backend="triton")


def test_auto_backend_on_cpu_is_torch() -> None:
    assert gpu.GpuScanner(np.zeros((4, 8), np.float16), device="cpu").backend == "torch"


@pytest.mark.skipif(gpu.available(), reason="checks the error raised without CUDA")
def test_cuda_without_a_device_names_the_cpu_kernels() -> None:
    with pytest.raises(RuntimeError, match="no CUDA device"):
        gpu.GpuScanner(np.zeros((4, 8), np.float16))


# --- on a CUDA machine ---------------------------------------------------------------

@pytest.mark.gpu
@pytest.mark.skipif(not gpu.available(), reason="no CUDA device")
@pytest.mark.parametrize("backend", ["triton", "torch"])
@pytest.mark.parametrize("name", list(CASES))
def test_cuda_backends_match_exact_reference(backend: str, name: str) -> None:
    if backend == "triton" and not gpu.triton_installed():
        pytest.skip("triton is not installed")
    if os.environ.get("TRITON_INTERPRET") == "1":
        pytest.skip("TRITON_INTERPRET=1 would interpret the kernel instead of compiling it")
    case = CASES[name]
    X, Q, mask, rows = case.data()
    got = gpu.GpuScanner(X, backend=backend).topk(Q, case.k, plan_of(case.n, mask, rows))
    assert_exact(name, got, reference(X, Q, case.k, mask, rows))


@pytest.mark.gpu
@pytest.mark.skipif(not gpu.available(), reason="no CUDA device")
@pytest.mark.parametrize("nq", [1, 16, 100])
@pytest.mark.parametrize("share", [None, 0.5, 0.01])
def test_cuda_triton_large(nq: int, share: float | None) -> None:
    """200k x 384 unit rows: the compiled kernel's real tile and block sizes."""
    if not gpu.triton_installed():
        pytest.skip("triton is not installed")
    rng = np.random.default_rng(nq)
    X = rng.standard_normal((200_000, 384)).astype(np.float32)
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float16)
    Q = rng.standard_normal((nq, 384)).astype(np.float32)
    if share is None:
        p = plan_of(X.shape[0], None, None)
    elif share < 0.3:  # a selective filter is planned as a row list
        p = plan_of(X.shape[0], None, np.flatnonzero(rng.random(X.shape[0]) < share))
    else:
        p = plan_of(X.shape[0], rng.random(X.shape[0]) < share, None)
    want_s, want_i = reference(X, Q, 10, p.mask, p.rows)
    # fp32 sums in another order may swap two scores closer than 1e-5; nothing else may differ
    gap = np.diff(want_s, axis=1)
    near = np.zeros_like(want_s, dtype=bool)
    near[:, 1:] |= gap > -1e-5
    near[:, :-1] |= gap > -1e-5
    for backend in ("triton", "torch"):
        s, i = gpu.GpuScanner(X, backend=backend).topk(Q, 10, p)
        np.testing.assert_allclose(s, want_s, rtol=1e-5, atol=1e-5, err_msg=backend)
        np.testing.assert_array_equal(np.where(near, -1, i), np.where(near, -1, want_i), err_msg=backend)
