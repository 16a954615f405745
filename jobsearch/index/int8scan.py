"""Exact top-k over int8 rows: a VNNI scan of the codes finds candidates, their fp16 rows
re-score them exactly, and a per-row error bound proves no other row can reach the top k
(else a second pass collects every row that could). Half the bytes of an fp16 scan.

The bound. Row x (fp16) = s_r c_r + e_r with int8 codes c_r; query q = s_q c_q + e_q. Then
x.q - s_r s_q (c_r . c_q) = s_r c_r . e_q + e_r . q, so |error| <= a_r ||e_q|| + b_r ||q||
with a_r = ||s_r c_r||, b_r = ||e_r|| stored per row (`bounds.npy`) and ||e_q||, ||q||
known per query. A row whose approximate score + bound is below the k-th exact score of
the re-scored candidates cannot be in the top k, ties included."""

from __future__ import annotations

from dataclasses import dataclass, field

import numba as nb
import numpy as np
from numba import prange

from jobsearch.index import kernels
from jobsearch.index.kernels import KERNEL_LOCK, NO_MASK, NO_ROWS, PREFETCH_AHEAD, _push, prefetch_row
from jobsearch.index.vnni import choose_mode, dot_i8

# Candidates kept per row chunk, per wanted hit: the proof needs every chunk's worst kept
# candidate (+ bound) below the k-th exact score, which holds unless one chunk holds most
# of the top k; then the second pass runs (a second scan).
CANDIDATES_PER_HIT = 2
CANDIDATES_EXTRA = 16
# float32 rounding in the re-score and in the approximate score, per unit of |x| |q| per dim.
ROUNDING = 2.0**-22


def quantize_int8(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8: row ~= codes * scale, codes in [-127, 127] (never clipped)."""
    v = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(v).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return codes, scale


def row_bounds(vectors16: np.ndarray, codes: np.ndarray, scale: np.ndarray, *, block: int = 65536) -> np.ndarray:
    """(n, 2) float32 [a_r, b_r]: the norm of the dequantised row and of its rounding error,
    rounded up (float64 maths, then a relative margin before the float32 cast)."""
    out = np.empty((codes.shape[0], 2), np.float32)
    for lo in range(0, codes.shape[0], block):  # blocks: float64 copies of 1M rows would be 3 GB
        hi = min(codes.shape[0], lo + block)
        deq = codes[lo:hi].astype(np.float64) * scale[lo:hi, None].astype(np.float64)
        err = np.asarray(vectors16[lo:hi], dtype=np.float64) - deq
        out[lo:hi, 0] = np.linalg.norm(deq, axis=1) * (1 + 2**-20)
        out[lo:hi, 1] = np.linalg.norm(err, axis=1) * (1 + 2**-20)
    return out


def bounds_from_codes(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Bounds without the fp16 rows (sets written before `bounds.npy`): a_r exactly, b_r at
    its worst case (every coordinate off by half a step)."""
    out = np.empty((codes.shape[0], 2), np.float32)
    out[:, 0] = np.linalg.norm(codes.astype(np.float32), axis=1) * scale * (1 + 2**-20)
    out[:, 1] = 0.5 * scale * np.sqrt(codes.shape[1]) * (1 + 2**-20)
    return out


@dataclass(frozen=True)
class Int8Rows:
    """What the int8 search reads: codes, per-row scales and bounds (resident), and the fp16
    rows (memory-mapped in a loaded set; only re-scored candidates page in)."""

    codes: np.ndarray  # (n, d) int8
    scale: np.ndarray  # (n,) float32
    bounds: np.ndarray  # (n, 2) float32, see `row_bounds`
    fp16: np.ndarray  # (n, d) float16
    peak: np.ndarray = field(init=False)  # (2,) largest a_r, b_r: the bound for rows never looked at

    def __post_init__(self) -> None:
        n = self.codes.shape[0]
        if not (self.scale.shape == (n,) and self.bounds.shape == (n, 2) and self.fp16.shape == self.codes.shape):
            raise ValueError(f"int8 rows: codes {self.codes.shape}, scales {self.scale.shape}, "
                             f"bounds {self.bounds.shape}, fp16 {self.fp16.shape} do not agree")
        peak = self.bounds.max(axis=0) if n else np.zeros(2, np.float32)
        object.__setattr__(self, "peak", np.asarray(peak, np.float32))

    @classmethod
    def from_fp16(cls, vectors16: np.ndarray) -> Int8Rows:
        codes, scale = quantize_int8(vectors16)
        return cls(codes, scale, row_bounds(vectors16, codes, scale), vectors16)

    @property
    def resident_bytes(self) -> int:
        return int(self.codes.nbytes + self.scale.nbytes + self.bounds.nbytes)


@dataclass(frozen=True)
class QuantQueries:
    codes: np.ndarray  # (nq, d) int8
    scale: np.ndarray  # (nq,) float32
    codesum: np.ndarray  # (nq,) int32: the u8 offset correction of the VNNI dot
    err: np.ndarray  # (nq,) float64: ||q - scale * codes||
    norm: np.ndarray  # (nq,) float64: ||q||


def quantize_queries(Q: np.ndarray) -> QuantQueries:
    codes, scale = quantize_int8(Q)
    q64 = np.asarray(Q, dtype=np.float64)
    err = np.linalg.norm(q64 - codes.astype(np.float64) * scale[:, None].astype(np.float64), axis=1)
    return QuantQueries(codes=codes, scale=scale, codesum=codes.sum(axis=1, dtype=np.int32),
                        err=err * (1 + 2**-20), norm=np.linalg.norm(q64, axis=1))


def error_bound(bounds: np.ndarray, qq: QuantQueries, qi: int, dim: int) -> np.ndarray:
    """|exact - approximate| <= this, per row of `bounds` (any shape (..., 2))."""
    a, b = bounds[..., 0].astype(np.float64), bounds[..., 1].astype(np.float64)
    e, n = qq.err[qi], qq.norm[qi]
    return a * e + b * n + (a + b) * (n + e) * dim * ROUNDING


# --- kernels -------------------------------------------------------------------------------


@nb.njit(inline="always", fastmath=True)
def _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_):  # type: ignore[no-untyped-def]
    gather = rows.shape[0] > 0
    has_mask = mask.shape[0] > 0
    for t in range(lo, hi):
        if gather and t + PREFETCH_AHEAD < hi:
            prefetch_row(X, rows[t + PREFETCH_AHEAD])
        r = rows[t] if gather else t
        if has_mask and not mask[r]:
            continue
        for qi in range(Q8.shape[0]):
            s = np.float32(dot_i8(mode, X, r, Q8, qi, qsum)) * (scale[r] * qscale[qi])
            if s > hs[qi, 0]:
                _push(hs[qi], hi_[qi], s, r, k)


@nb.njit(parallel=True, fastmath=True, cache=True)
def _scan_par(mode, X, scale, Q8, qscale, qsum, mask, rows, k, m, out_s, out_i):  # type: ignore[no-untyped-def]
    nchunks = out_s.shape[0]
    per = (m + nchunks - 1) // nchunks
    for c in prange(nchunks):
        _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, c * per, min(m, (c + 1) * per), out_s[c], out_i[c])


@nb.njit(fastmath=True, cache=True)
def _scan_one(mode, X, scale, Q8, qscale, qsum, mask, rows, k, m, out_s, out_i):  # type: ignore[no-untyped-def]
    _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, 0, m, out_s[0], out_i[0])


@nb.njit(cache=True)
def _collect(mode, X, scale, bounds, Q8, qscale, qsum, qi, qerr, qnorm, slack, mask, rows, m, floor, out):  # type: ignore[no-untyped-def]
    """Rows (of the plan) whose approximate score + bound reaches `floor`; returns how many
    were written to `out`."""
    gather = rows.shape[0] > 0
    has_mask = mask.shape[0] > 0
    n = 0
    for t in range(m):
        r = rows[t] if gather else t
        if has_mask and not mask[r]:
            continue
        s = np.float64(dot_i8(mode, X, r, Q8, qi, qsum)) * scale[r] * qscale[qi]
        a, b = np.float64(bounds[r, 0]), np.float64(bounds[r, 1])
        if s + a * qerr + b * qnorm + (a + b) * slack >= floor:
            out[n] = r
            n += 1
    return n


# --- search ----------------------------------------------------------------------------------


def candidates(
    X: np.ndarray, scale: np.ndarray, qq: QuantQueries, width: int, *, mask: np.ndarray | None,
    rows: np.ndarray | None, mode: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-chunk top-`width` approximate scores: (nchunks, nq, width) scores and row ids
    (-inf / -1 in unfilled slots; slot 0 holds each chunk's smallest kept score)."""
    rows_ = NO_ROWS if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    mask_ = NO_MASK if mask is None or rows is not None else mask
    nq = qq.codes.shape[0]
    m = rows_.shape[0] if rows is not None else X.shape[0]
    nchunks = kernels.chunks_for(m, nq)
    out_s = np.full((nchunks, nq, width), -np.inf, dtype=np.float32)
    out_i = np.full((nchunks, nq, width), -1, dtype=np.int64)
    with KERNEL_LOCK:
        kernel = _scan_one if nchunks == 1 else _scan_par
        kernel(mode, X, scale, qq.codes, qq.scale, qq.codesum, mask_, rows_, width, m, out_s, out_i)
    return out_s, out_i


def search_int8(
    data: Int8Rows,
    Q: np.ndarray,
    k: int,
    *,
    mask: np.ndarray | None = None,
    rows: np.ndarray | None = None,
    kernel: str | None = None,
    stats: dict[str, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k of Q (nq, d) against the fp16 rows of `data`, found through their int8
    codes (only candidates' fp16 rows are read). Same contract as
    `kernels.scan_topk`: (scores, row ids), (nq, k) each, best first, ties by lower id.
    `kernel` forces vnni512 / vnni256 / plain; `stats` counts re-scored rows and second passes."""
    Q = np.ascontiguousarray(Q, dtype=np.float32)
    nq, d = Q.shape
    mode = choose_mode(d, kernel)
    scores = np.full((nq, k), -np.inf, np.float32)
    ids = np.full((nq, k), -1, np.int64)
    if rows is not None and rows.shape[0] == 0:
        return scores, ids
    qq = quantize_queries(Q)
    codes, scale, bounds, fp16 = data.codes, data.scale, data.bounds, data.fp16
    out_s, out_i = candidates(codes, scale, qq, CANDIDATES_PER_HIT * k + CANDIDATES_EXTRA,
                              mask=mask, rows=rows, mode=mode)
    st = stats if stats is not None else {}
    for qi in range(nq):
        cs, ci = out_s[:, qi, :].ravel(), out_i[:, qi, :].ravel()
        keep = ci >= 0
        cs, ci = cs[keep], ci[keep]
        err = error_bound(bounds[ci], qq, qi, d)
        lower = cs - err
        floor = np.partition(lower, lower.size - k)[lower.size - k] if lower.size >= k else -np.inf
        pick = np.sort(ci[cs + err >= floor])  # sorted: the fp16 rows are read in file order
        exact = np.asarray(fp16[pick], dtype=np.float32) @ Q[qi]
        kth = np.partition(exact, exact.size - k)[exact.size - k] if exact.size >= k else -np.inf
        # Every row outside the candidates scored at most its chunk's smallest kept score.
        full = out_i[:, qi, 0] >= 0
        worst_out = out_s[full, qi, 0].max() if full.any() else -np.inf
        proven = not full.any() or worst_out + error_bound(data.peak, qq, qi, d) < kth
        st["rescored"] = st.get("rescored", 0) + int(pick.size)
        if not proven:
            st["second_pass"] = st.get("second_pass", 0) + 1
            pick = _collect_rows(codes, scale, bounds, qq, qi, mask, rows, mode, float(kth))
            exact = np.asarray(fp16[pick], dtype=np.float32) @ Q[qi]
            st["rescored"] += int(pick.size)
        order = np.lexsort((pick, -exact))[:k]
        scores[qi, : order.size] = exact[order]
        ids[qi, : order.size] = pick[order]
    return scores, ids


def _collect_rows(
    codes: np.ndarray, scale: np.ndarray, bounds: np.ndarray, qq: QuantQueries, qi: int,
    mask: np.ndarray | None, rows: np.ndarray | None, mode: int, floor: float,
) -> np.ndarray:
    rows_ = NO_ROWS if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    mask_ = NO_MASK if mask is None or rows is not None else mask
    m = rows_.shape[0] if rows is not None else codes.shape[0]
    out = np.empty(m, np.int64)
    d = codes.shape[1]
    slack = (qq.norm[qi] + qq.err[qi]) * d * ROUNDING
    with KERNEL_LOCK:
        n = _collect(mode, codes, scale, bounds, qq.codes, qq.scale, qq.codesum, qi, qq.err[qi], qq.norm[qi],
                     slack, mask_, rows_, m, floor, out)
    return np.sort(out[:n])
