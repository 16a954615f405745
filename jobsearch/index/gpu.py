"""GPU scan (CUDA via torch): shards resident on the device as fp16, batched queries, the
filter as a device mask or row list, and a block-wise matmul + partial top-k merge.

Same answers as the CPU kernels; imported only where CUDA is present (tests skip cleanly)."""

from __future__ import annotations

import numpy as np

from jobsearch.index.masks import Plan


def available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


class GpuScanner:
    """One segment's fp16 rows on a CUDA device."""

    def __init__(self, vectors: np.ndarray, *, device: str = "cuda", block: int = 1 << 20) -> None:
        import torch

        if not available():
            raise RuntimeError("no CUDA device: use the CPU kernels (jobsearch.index.kernels)")
        self.torch = torch
        self.device = torch.device(device)
        self.block = block
        self.rows = torch.from_numpy(np.ascontiguousarray(vectors).view(np.float16)).to(self.device)

    def topk(self, queries: np.ndarray, k: int, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
        """Exact (scores, row ids), each (nq, k), best first; -inf / -1 where fewer pass."""
        torch = self.torch
        q = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32)).to(self.device, torch.float16)
        nq = q.shape[0]
        best_s = torch.full((nq, k), -torch.inf, device=self.device)
        best_i = torch.full((nq, k), -1, dtype=torch.int64, device=self.device)
        if plan.rows is not None:
            ids_all = torch.from_numpy(np.ascontiguousarray(plan.rows, dtype=np.int64)).to(self.device)
            total = int(ids_all.shape[0])
        else:
            ids_all = None
            total = int(self.rows.shape[0])
        mask = None if plan.mask is None or plan.rows is not None else torch.from_numpy(plan.mask).to(self.device)
        for start in range(0, total, self.block):
            stop = min(total, start + self.block)
            if ids_all is None:
                ids = torch.arange(start, stop, device=self.device)
                xb = self.rows[start:stop]
            else:
                ids = ids_all[start:stop]
                xb = self.rows.index_select(0, ids)
            sc = (q @ xb.T).float()  # fp16 tensor cores, fp32 accumulate
            if mask is not None:
                sc.masked_fill_(~mask[start:stop], -torch.inf)
            s, j = torch.topk(sc, min(k, stop - start), dim=1)
            cand_s = torch.cat([best_s, s], dim=1)
            cand_i = torch.cat([best_i, ids[j]], dim=1)
            cand_i = torch.where(torch.isinf(cand_s), torch.full_like(cand_i, -1), cand_i)
            best_s, pos = torch.topk(cand_s, k, dim=1)
            best_i = torch.gather(cand_i, 1, pos)
        return best_s.cpu().numpy(), best_i.cpu().numpy()
