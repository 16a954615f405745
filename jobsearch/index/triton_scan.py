"""Fused Triton scan for exact filtered top-k over fp16 rows: each program streams a block of
rows in tiles, scores them against a query block, applies the filter and keeps the block's
best k per query; one `torch.topk` over the blocks' partials then merges them exactly.

Scores and row ids travel together as one int64 key (see `gpu.pack_keys`), so every
selection and merge is a plain integer top-k and ties go to the lower row id, as on the CPU.
Runs on CUDA tensors, or on CPU tensors under Triton's interpreter (TRITON_INTERPRET=1,
set before triton is imported)."""

from __future__ import annotations

import os

import torch
import triton
import triton.language as tl

from jobsearch.index.gpu_keys import LO_SCALE, TRITON_MAX_K, split_query, unpack_keys

# From this many queries the scores come from tensor-core dots (padded to 16 queries);
# below, each program scores one query with an fp32 reduction (no padding work).
DOT_FROM = 8
# The fp32 query is split into fp16 hi + lo parts (gpu.LO_SCALE): lo is scaled up by 2**12
# so it stays a normal fp16 number (unit-vector components are ~0.05, remainders ~1e-5).
DIM_CHUNK = 64
MAX_TILE_SCORES = 4096


def interpreted() -> bool:
    return os.environ.get("TRITON_INTERPRET", "") == "1"


@triton.jit
def _pack(scores, rows):
    """(fp32 score, int64 row) -> int64 key ordered like (score, -row); see gpu.pack_keys."""
    b = tl.where(scores == 0.0, 0.0, scores).to(tl.int32, bitcast=True)  # -0.0 ties +0.0
    b = tl.where(b < 0, b ^ 0x7FFFFFFF, b)
    return (b.to(tl.int64) << 32) | ((-rows - 1) + 4294967296)


@triton.jit
def _scan_kernel(
    X, QH, QL, MASK, ROWS, OUT,
    n_items, n_q, rows_per_prog, lo_inv,
    D: tl.constexpr, QB: tl.constexpr, TILE: tl.constexpr, BD: tl.constexpr, KP: tl.constexpr,
    HAS_MASK: tl.constexpr, GATHER: tl.constexpr, USE_DOT: tl.constexpr,
):
    # Query blocks vary fastest, so programs reading the same rows run side by side (L2 hits).
    pid = tl.program_id(0)
    n_qb = tl.cdiv(n_q, QB)
    qb = pid % n_qb
    blk = pid // n_qb
    qi = qb * QB + tl.arange(0, QB)
    q_ok = qi < n_q
    start = blk * rows_per_prog
    stop = tl.minimum(start + rows_per_prog, n_items)
    # Sentinel: a -inf key above every other -inf key, so empty tiles never trigger a merge.
    best = _pack(tl.full((QB, KP), float("-inf"), tl.float32), tl.zeros((QB, KP), tl.int64))
    for t0 in range(start, stop, TILE):
        items = t0 + tl.arange(0, TILE)
        ok = items < stop
        if GATHER:
            rows = tl.load(ROWS + items, mask=ok, other=0).to(tl.int64)
        else:
            rows = items.to(tl.int64)
        if HAS_MASK:
            ok = ok & (tl.load(MASK + rows, mask=ok, other=0) != 0)
        # Rows failing the filter are never read; a tile with none passing costs one mask load.
        if tl.sum(ok.to(tl.int32), axis=0) > 0:
            acc = tl.zeros((QB, TILE), tl.float32)
            lo = tl.zeros((QB, TILE), tl.float32)
            for d0 in tl.static_range(0, D, BD):
                dd = d0 + tl.arange(0, BD)
                d_ok = dd < D
                x = tl.load(X + rows[:, None] * D + dd[None, :], mask=ok[:, None] & d_ok[None, :], other=0.0)
                qmask = q_ok[:, None] & d_ok[None, :]
                if USE_DOT:
                    xt = tl.trans(x)
                    acc = tl.dot(tl.load(QH + qi[:, None] * D + dd[None, :], mask=qmask, other=0.0), xt, acc)
                    lo = tl.dot(tl.load(QL + qi[:, None] * D + dd[None, :], mask=qmask, other=0.0), xt, lo)
                else:
                    q = tl.load(QH + qi[:, None] * D + dd[None, :], mask=qmask, other=0.0)  # (1, BD) fp32
                    acc += tl.sum(x.to(tl.float32) * q, axis=1)[None, :]
            if USE_DOT:
                acc = acc + lo * lo_inv
            s = tl.where(ok[None, :] & q_ok[:, None], acc, float("-inf"))
            keys = _pack(s, tl.broadcast_to(rows[None, :], (QB, TILE)))
            # Most tiles hold nothing better than the block's current k-th key: skip the sort.
            worst = tl.min(best, axis=1)
            if tl.sum((tl.max(keys, axis=1) > worst).to(tl.int32), axis=0) > 0:
                top = tl.topk(keys, KP)
                best = tl.topk(tl.reshape(tl.join(best, top), (QB, 2 * KP)), KP)
    out = OUT + (blk.to(tl.int64) * (n_qb * QB) + qi[:, None]) * KP + tl.arange(0, KP)[None, :]
    tl.store(out, best)


def _pow2(n: int) -> int:
    return 1 << max(0, (int(n) - 1).bit_length())


def _sm_count(device: torch.device) -> int:
    if device.type == "cuda":
        return int(torch.cuda.get_device_properties(device).multi_processor_count)
    return 4  # interpreter: a few blocks, so the cross-block merge is exercised


def scan_topk(
    X: torch.Tensor,
    Q: torch.Tensor,
    k: int,
    *,
    mask: torch.Tensor | None = None,
    rows: torch.Tensor | None = None,
    tile: int = 128,
    rows_per_program: int | None = None,
    num_warps: int = 4,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact top-k of Q (nq, d) against fp16 rows X (n, d), restricted to `rows` (int64 row
    list) or `mask` (bool per row). Returns (scores fp32, row ids int64), each (nq, k), best
    first, ties to the lower row id, -inf / -1 where fewer rows pass."""
    if X.dtype != torch.float16 or X.dim() != 2 or not X.is_contiguous():
        raise ValueError(f"rows must be a contiguous 2-D float16 tensor, got {X.dtype} {tuple(X.shape)}")
    if X.device.type != "cuda" and not interpreted():
        raise ValueError(f"the Triton scan needs CUDA tensors (or TRITON_INTERPRET=1), got {X.device}")
    if X.shape[0] >= 2**31:
        raise ValueError(f"at most 2**31 - 1 rows per segment, got {X.shape[0]}")
    if not 1 <= k <= TRITON_MAX_K:
        raise ValueError(f"k must be in [1, {TRITON_MAX_K}] for the Triton scan, got {k}")
    n, d = X.shape
    if Q.dim() != 2 or Q.shape[1] != d:
        raise ValueError(f"queries must have shape (nq, {d}), got {tuple(Q.shape)}")
    dev = X.device
    q32 = Q.to(dev, torch.float32).contiguous()
    nq = q32.shape[0]
    if rows is not None:
        rows = rows.to(dev, torch.int64).contiguous()
        n_items = int(rows.shape[0])
    else:
        n_items = n
    if mask is not None and rows is None:
        if mask.shape != (n,):
            raise ValueError(f"mask must have one entry per row ({n}), got {tuple(mask.shape)}")
        mask = mask.to(dev).contiguous().view(torch.uint8) if mask.dtype == torch.bool else mask.to(dev, torch.uint8)
    else:
        mask = None
    if n_items == 0 or nq == 0:
        return torch.full((nq, k), -torch.inf, device=dev), torch.full((nq, k), -1, dtype=torch.int64, device=dev)

    kp = _pow2(k)
    use_dot = nq >= DOT_FROM
    if use_dot:
        qb = min(64, max(16, _pow2(nq)))
        qh, ql = split_query(q32)
    else:
        qb, qh, ql = 1, q32, q32
    # Keys, scores and the lo part of a tile live in registers: at most ~4096 scores a tile.
    tile = max(min(_pow2(tile), MAX_TILE_SCORES // qb), kp)
    n_qb = -(-nq // qb)
    if rows_per_program is None:
        blocks = max(1, 8 * _sm_count(dev) // n_qb)
        rows_per_program = -(-n_items // blocks)
    rows_per_program = max(tile, -(-rows_per_program // tile) * tile)
    nblk = -(-n_items // rows_per_program)
    out = torch.empty((nblk, n_qb * qb, kp), dtype=torch.int64, device=dev)
    _scan_kernel[(nblk * n_qb,)](
        X, qh, ql, mask if mask is not None else X, rows if rows is not None else X, out,
        n_items, nq, rows_per_program, 1.0 / LO_SCALE,
        D=d, QB=qb, TILE=tile, BD=min(DIM_CHUNK, _pow2(d)), KP=kp,
        HAS_MASK=mask is not None, GATHER=rows is not None, USE_DOT=use_dot,
        num_warps=num_warps,
    )
    # k <= kp <= nblk * kp: there are always enough partial slots.
    partials = out[:, :nq, :].permute(1, 0, 2).reshape(nq, nblk * kp)
    return unpack_keys(torch.topk(partials, k, dim=1).values)
