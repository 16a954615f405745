"""CPU kernels for exact filtered top-k: one pass over fp16 rows that fuses
the filter (mask or gathered row list), the dot product and a running top-k heap, spread
over all cores in row chunks. Numba has no CPU float16 type, so rows travel as uint16 bits
and an LLVM `fpext half` intrinsic converts them (vectorised to vcvtph2ps with F16C).
Gathered rows are prefetched a few rows ahead: the row list is known, the hardware
prefetcher cannot guess it, and waiting on DRAM for each row halved the gather's speed.
int8 rows (VNNI dot products, exact re-score) live in `jobsearch.index.int8scan`.

Large query batches go to `scan_topk_blas` instead: fp16 -> fp32 row blocks times the
query matrix through BLAS, where arithmetic, not memory, is the limit."""

from __future__ import annotations

import threading

import numba as nb
import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.core import cgutils
from numba.extending import intrinsic

# One parallel kernel at a time: each already uses every core, and numba's fallback
# "workqueue" threading layer must not be entered from two threads at once.
KERNEL_LOCK = threading.Lock()
NO_ROWS = np.empty(0, dtype=np.int64)
NO_MASK = np.empty(0, dtype=np.bool_)
# Rows fetched ahead of the one being scored in a gather (8 x 768 bytes in flight per core).
PREFETCH_AHEAD = 8


@intrinsic
def _h2f(typingctx, bits):
    sig = types.float32(types.uint16)

    def codegen(context, builder, signature, args):
        return builder.fpext(builder.bitcast(args[0], ir.HalfType()), ir.FloatType())

    return sig, codegen


@intrinsic
def prefetch_row(typingctx, X, r):
    """Hint the CPU to load every cache line of row `r` of the 2-d C-contiguous array X."""
    sig = types.void(X, r)

    def codegen(context, builder, signature, args):
        xa = context.make_array(signature.args[0])(context, builder, args[0])
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        row_bytes = builder.extract_value(xa.strides, 0)
        base = builder.gep(builder.bitcast(xa.data, i8p), [builder.mul(args[1], row_bytes)])
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0")
        lines = builder.udiv(builder.add(row_bytes, row_bytes.type(63)), row_bytes.type(64))
        with cgutils.for_range(builder, lines) as loop:
            at = builder.gep(base, [builder.mul(loop.index, row_bytes.type(64))])
            builder.call(fn, [at, i32(0), i32(3), i32(1)])  # read, keep in all levels, data
        return context.get_dummy_value()

    return sig, codegen


@nb.njit(inline="always")
def _push(hs, hi, score, idx, k):
    """Replace the root of a size-k min-heap (scores hs, ids hi) and sift down."""
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= k:
            break
        if child + 1 < k and hs[child + 1] < hs[child]:
            child += 1
        if hs[child] < score:
            hs[pos] = hs[child]
            hi[pos] = hi[child]
            pos = child
        else:
            break
    hs[pos] = score
    hi[pos] = idx


@nb.njit(inline="always", fastmath=True)
def _chunk_fp16(X, Q, mask, rows, k, lo, hi, hs, hi_):
    d = X.shape[1]
    gather = rows.shape[0] > 0
    has_mask = mask.shape[0] > 0
    nq = Q.shape[0]
    buf = np.empty(d, dtype=np.float32)  # one converted row, reused by every query
    for t in range(lo, hi):
        if gather and t + PREFETCH_AHEAD < hi:
            prefetch_row(X, rows[t + PREFETCH_AHEAD])  # type: ignore[call-arg]
        r = rows[t] if gather else t
        if has_mask and not mask[r]:
            continue
        if nq == 1:
            acc = np.float32(0.0)
            for j in range(d):
                acc += _h2f(X[r, j]) * Q[0, j]  # type: ignore[call-arg]
            if acc > hs[0, 0]:
                _push(hs[0], hi_[0], acc, r, k)
            continue
        for j in range(d):
            buf[j] = _h2f(X[r, j])  # type: ignore[call-arg]
        for qi in range(nq):
            acc = np.float32(0.0)
            for j in range(d):
                acc += buf[j] * Q[qi, j]
            if acc > hs[qi, 0]:
                _push(hs[qi], hi_[qi], acc, r, k)


@nb.njit(parallel=True, fastmath=True, cache=True)
def _scan_fp16_par(X, Q, mask, rows, k, m, out_s, out_i):
    nchunks = out_s.shape[0]
    per = (m + nchunks - 1) // nchunks
    for c in prange(nchunks):
        _chunk_fp16(X, Q, mask, rows, k, c * per, min(m, (c + 1) * per), out_s[c], out_i[c])


@nb.njit(fastmath=True, cache=True)
def _scan_fp16_one(X, Q, mask, rows, k, m, out_s, out_i):
    _chunk_fp16(X, Q, mask, rows, k, 0, m, out_s[0], out_i[0])


# Below this much work (rows x queries) one thread answers before a pool wakes up; on a
# busy machine waking the pool costs milliseconds.
SERIAL_BELOW = 65536


def chunks_for(m: int, nq: int = 1) -> int:
    """Enough chunks to keep every core busy, few enough that merging them stays cheap;
    1 means the serial kernel."""
    if m * nq < SERIAL_BELOW:
        return 1
    return max(1, min(8 * _threads(), m // 2048))


_THREADS: list[int] = []


def _threads() -> int:
    if not _THREADS:  # asking numba costs ~0.1 ms; the pool size is fixed per process
        _THREADS.append(nb.get_num_threads())
    return _THREADS[0]


def merge_chunks(out_s: np.ndarray, out_i: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(nchunks, nq, k) partial heaps -> (nq, k) best first; unfilled slots keep id -1.
    Ties are broken by lower row id, so results are deterministic."""
    nchunks, nq, kk = out_s.shape
    s = out_s.transpose(1, 0, 2).reshape(nq, nchunks * kk)
    i = out_i.transpose(1, 0, 2).reshape(nq, nchunks * kk)
    scores = np.full((nq, k), -np.inf, dtype=np.float32)
    ids = np.full((nq, k), -1, dtype=np.int64)
    for q in range(nq):
        valid = i[q] >= 0
        sq, iq = s[q][valid], i[q][valid]
        order = np.lexsort((iq, -sq))[:k]
        scores[q, : order.size] = sq[order]
        ids[q, : order.size] = iq[order]
    return scores, ids


def scan_topk(
    X: np.ndarray,
    Q: np.ndarray,
    k: int,
    *,
    mask: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k of Q (nq, d) float32 against rows of X (fp16, or its uint16 bits),
    restricted to `rows` (gather) or `mask` (fused scan).
    Returns (scores, row ids), each (nq, k), best first, -inf / -1 where fewer rows pass."""
    Q = np.ascontiguousarray(Q, dtype=np.float32)
    if X.dtype == np.float16:
        X = X.view(np.uint16)
    rows_ = NO_ROWS if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    mask_ = NO_MASK if mask is None or rows is not None else mask
    nq = Q.shape[0]
    if rows is not None and rows.shape[0] == 0:
        return np.full((nq, k), -np.inf, np.float32), np.full((nq, k), -1, np.int64)
    m = rows_.shape[0] if rows is not None else X.shape[0]
    nchunks = chunks_for(m, nq)
    out_s = np.full((nchunks, nq, k), -np.inf, dtype=np.float32)
    out_i = np.full((nchunks, nq, k), -1, dtype=np.int64)
    if X.dtype != np.uint16:
        raise ValueError(f"rows must be float16 (or its uint16 bits), got {X.dtype}; int8 rows: int8scan")
    with KERNEL_LOCK:
        kernel = _scan_fp16_one if nchunks == 1 else _scan_fp16_par
        kernel(X, Q, mask_, rows_, k, m, out_s, out_i)
    return merge_chunks(out_s, out_i, k)


def scan_topk_blas(
    X: np.ndarray,
    Q: np.ndarray,
    k: int,
    *,
    mask: np.ndarray | None = None,
    rows: np.ndarray | None = None,
    block: int = 8192,
) -> tuple[np.ndarray, np.ndarray]:
    """The same answer as `scan_topk` for fp16 rows, computed block by block with a BLAS
    matmul (torch): faster once a batch has dozens of queries."""
    import torch

    Xh = torch.from_numpy(X.view(np.float16))
    Qt = torch.from_numpy(np.ascontiguousarray(Q, dtype=np.float32))
    nq = Qt.shape[0]
    best_s = torch.full((nq, k), -torch.inf)
    best_i = torch.full((nq, k), -1, dtype=torch.int64)
    idx_all = None if rows is None else torch.from_numpy(np.ascontiguousarray(rows, dtype=np.int64))
    total = X.shape[0] if rows is None else int(rows.shape[0])
    with KERNEL_LOCK:
        for start in range(0, total, block):
            stop = min(total, start + block)
            if idx_all is None:
                ids = torch.arange(start, stop)
                xb = Xh[start:stop].float()
            else:
                ids = idx_all[start:stop]
                xb = Xh.index_select(0, ids).float()
            sc = Qt @ xb.T
            if mask is not None and rows is None:
                mb = torch.from_numpy(mask[start:stop])
                sc.masked_fill_(~mb, -torch.inf)
            kk = min(k, stop - start)
            s, j = torch.topk(sc, kk, dim=1)
            cand_s = torch.cat([best_s, s], dim=1)
            cand_i = torch.cat([best_i, ids[j]], dim=1)
            cand_i = torch.where(torch.isinf(cand_s), torch.full_like(cand_i, -1), cand_i)
            top_s, pos = torch.topk(cand_s, k, dim=1)
            best_s, best_i = top_s, torch.gather(cand_i, 1, pos)
    out_s = best_s.numpy()[None]
    out_i = best_i.numpy()[None]
    return merge_chunks(out_s, out_i, k)
