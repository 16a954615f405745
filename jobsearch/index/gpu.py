"""GPU scan: one segment's fp16 rows resident on a CUDA device, batched queries, the filter as
a device mask or row list. The fused Triton kernel (`triton_scan`) when triton is installed,
else a block-wise torch matmul + partial top-k; both give the CPU kernels' answers.

Scores and row ids are merged as one int64 key per candidate (`pack_keys`): integer top-k
then orders by score and breaks ties to the lower row id, exactly like `kernels.merge_chunks`."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

import numpy as np

from jobsearch.index.masks import Plan

if TYPE_CHECKING:
    import torch

BACKENDS = ("auto", "triton", "torch")
_LOW32 = (1 << 32) - 1
# Key of a -inf score for row 0: the largest "nothing" key (see triton_scan._pack).
NONE_KEY = ((-8388608 ^ 0x7FFFFFFF) << 32) | _LOW32
# The torch path's fp32 query split (hi + lo / LO_SCALE, both fp16), as in the Triton kernel.
LO_SCALE = 4096.0
# Largest k of the Triton kernel (a bitonic top-k in registers); larger k takes the torch path.
TRITON_MAX_K = 256


def available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def triton_installed() -> bool:
    return importlib.util.find_spec("triton") is not None


def pack_keys(scores: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """fp32 scores and int64 row ids -> int64 keys: a larger key is a better score, or the
    same score with a lower row id. High 32 bits: the float's bits made order-preserving as
    a signed integer; low 32 bits: 2**32 - 1 - row (rows < 2**31)."""
    import torch

    s = scores.to(torch.float32)
    s = torch.where(s == 0, 0.0, s).contiguous()  # -0.0 ties +0.0, as in the CPU kernels
    b = s.view(torch.int32)
    b = torch.where(b < 0, b ^ 0x7FFFFFFF, b)
    return (b.to(torch.int64) << 32) | (_LOW32 - rows.to(torch.int64))


def split_query(q32: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """fp32 queries -> fp16 (hi, lo * LO_SCALE): fp16 GEMMs on both, added in fp32, give
    scores within ~1e-7 of fp32 maths (rows are exact in fp16), not fp16's ~1e-3."""
    import torch

    hi = q32.to(torch.float16)
    return hi, ((q32 - hi.float()) * LO_SCALE).to(torch.float16)


def unpack_keys(keys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Inverse of `pack_keys`; a -inf score (filtered out, or no row at all) gets row -1."""
    import torch

    hi = keys >> 32
    bits = torch.where(hi < 0, hi ^ 0x7FFFFFFF, hi).to(torch.int32)
    scores = bits.view(torch.float32)
    rows = _LOW32 - (keys & _LOW32)
    empty = ~(scores > -torch.inf)  # also catches NaN, which no valid row produces
    return scores.masked_fill(empty, -torch.inf), rows.masked_fill(empty, -1)


class GpuScanner:
    """One segment's fp16 rows on a device. `backend`: "triton" (fused kernel), "torch"
    (matmul per row block), or "auto" (triton on CUDA when installed). `device="cpu"` runs
    the torch path on the CPU, or the Triton kernel under TRITON_INTERPRET=1 (for tests)."""

    def __init__(
        self,
        vectors: np.ndarray | torch.Tensor,
        *,
        device: str = "cuda",
        block: int = 1 << 18,
        backend: str = "auto",
    ) -> None:
        import torch

        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        self.device = torch.device(device)
        if self.device.type == "cuda" and not available():
            raise RuntimeError("no CUDA device: use the CPU kernels (jobsearch.index.kernels)")
        if backend == "auto":
            backend = "triton" if self.device.type == "cuda" and triton_installed() else "torch"
        if backend == "triton":
            if not triton_installed():
                raise RuntimeError("backend 'triton' needs the triton package (pip install 'jobsearch[gpu]')")
            if self.device.type != "cuda" and os.environ.get("TRITON_INTERPRET") != "1":
                raise RuntimeError(f"backend 'triton' on {self.device} needs TRITON_INTERPRET=1 (set before import)")
        self.backend = backend
        self.block = block
        self._out_dtype_mm = self.device.type == "cuda"  # fp16 x fp16 -> fp32 GEMM; off if refused
        if isinstance(vectors, torch.Tensor):  # already built on the device: no host copy
            if vectors.dtype != torch.float16 or vectors.dim() != 2:
                raise ValueError(f"rows must be a 2-D float16 tensor, got {vectors.dtype} {tuple(vectors.shape)}")
            self.rows = vectors.to(self.device).contiguous()
        else:
            self.rows = torch.from_numpy(np.ascontiguousarray(vectors).view(np.float16)).to(self.device)

    def topk(self, queries: np.ndarray, k: int, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
        """Exact (scores, row ids), each (nq, k), best first; -inf / -1 where fewer pass."""
        import torch

        q = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32)).to(self.device)
        rows = None if plan.rows is None else torch.from_numpy(np.ascontiguousarray(plan.rows, dtype=np.int64))
        mask = None if plan.mask is None or plan.rows is not None else torch.from_numpy(plan.mask)
        s, i = self.topk_device(q, k, mask=mask, rows=rows)
        return s.cpu().numpy(), i.cpu().numpy()

    def topk_device(
        self, q: torch.Tensor, k: int, *, mask: torch.Tensor | None = None, rows: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """`topk` on tensors (moved to the device if needed); results stay on the device.
        `mask` (bool per row) applies only without `rows`, as in a `Plan`."""
        mask = None if mask is None else mask.to(self.device)
        rows = None if rows is None else rows.to(self.device)
        import torch

        q32 = q.to(self.device, torch.float32)
        if self.backend == "triton" and k <= TRITON_MAX_K:
            from jobsearch.index import triton_scan

            return triton_scan.scan_topk(self.rows, q32, k, mask=mask, rows=rows)
        return self._torch_topk(q32, k, mask, rows)

    def _scores(self, q32: torch.Tensor, qcat: torch.Tensor, xb: torch.Tensor) -> torch.Tensor:
        """(nq, rows) fp32 scores of one block: fp16 tensor-core GEMM with fp32 output on
        the hi/lo query split, else (CPU, older torch) fp32 maths on converted rows."""
        import torch

        if self._out_dtype_mm:
            try:
                r = torch.mm(qcat, xb.T, out_dtype=torch.float32)
                nq = q32.shape[0]
                return r[:nq] + r[nq:] * (1.0 / LO_SCALE)
            except (RuntimeError, TypeError):
                self._out_dtype_mm = False
        return q32 @ xb.float().T

    def _torch_topk(
        self, q32: torch.Tensor, k: int, mask: torch.Tensor | None, rows: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        dev = self.device
        nq = q32.shape[0]
        qcat = torch.cat(split_query(q32))
        best = torch.full((nq, k), NONE_KEY, dtype=torch.int64, device=dev)
        total = int(self.rows.shape[0]) if rows is None else int(rows.shape[0])
        for start in range(0, total, self.block):
            stop = min(total, start + self.block)
            if rows is None:
                ids = torch.arange(start, stop, device=dev)
                xb = self.rows[start:stop]
            else:
                ids = rows[start:stop]
                xb = self.rows.index_select(0, ids)
            sc = self._scores(q32, qcat, xb)
            if mask is not None and rows is None:
                sc.masked_fill_(~mask[start:stop], -torch.inf)
            keys = torch.topk(pack_keys(sc, ids.expand(nq, -1)), min(k, stop - start), dim=1).values
            best = torch.topk(torch.cat([best, keys], dim=1), k, dim=1).values
        return unpack_keys(best)
