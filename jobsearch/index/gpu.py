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

from jobsearch.index.gpu_keys import (
    LO_SCALE,
    NONE_KEY,
    TRITON_MAX_K,
    pack_keys,
    split_query,
    unpack_keys,
)
from jobsearch.index.masks import Plan

if TYPE_CHECKING:
    import torch

BACKENDS = ("auto", "triton", "torch")


def available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def triton_installed() -> bool:
    return importlib.util.find_spec("triton") is not None


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
