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
from jobsearch.index.kernels import (
    KERNEL_LOCK,
    NO_MASK,
    NO_ROWS,
    PREFETCH_AHEAD,
    _h2f,
    _push,
    prefetch_row,
)
from jobsearch.index.vnni import (
    AVX2,
    GROUP,
    VNNI256,
    VNNI512,
    choose_mode,
    dot256,
    dot512,
    dot_avx2,
    dot_i8,
    dot_plain,
    dots512x16,
)

# Candidates kept per row chunk, per wanted hit: the proof needs every chunk's worst kept
# candidate (+ bound) below the k-th exact score, which holds unless one chunk holds most
# of the top k; then the second pass runs (a second scan).
CANDIDATES_PER_HIT = 2
CANDIDATES_EXTRA = 16
# ... and at least this many in all per wanted hit (one chunk, e.g. a gather, keeps more).
CANDIDATES_TOTAL_PER_HIT = 8
# float32 rounding in the re-score and in the approximate score, per unit of |x| |q| per dim.
ROUNDING = 2.0**-22


# Stored norms are rounded up by this much (float64 sums, float32 storage).
ROUND_UP = 1 + 2.0**-20
# Largest |row - scale * code| per coordinate, in steps: half a step, plus the float32
# rounding of row / scale (<= 127 * 2^-24 steps) before `rint`.
HALF_STEP = 0.5 + 2.0**-16


@nb.njit(inline="always")
def _quantize_row(V, i, codes, scale, stats):
    """Symmetric int8 of float32 row i of V: codes, scale, and (float64) the norm of the
    dequantised row, of its rounding error, and of the row itself."""
    peak = np.float32(0.0)
    for j in range(V.shape[1]):
        peak = max(peak, abs(V[i, j]))
    s = peak / np.float32(127.0) if peak > 0 else np.float32(1.0)
    deq2 = err2 = own2 = np.float64(0.0)
    for j in range(V.shape[1]):
        c = min(np.float32(127.0), max(np.float32(-127.0), np.rint(V[i, j] / s)))
        codes[i, j] = np.int8(c)
        d = np.float64(c) * np.float64(s)
        deq2 += d * d
        err2 += (np.float64(V[i, j]) - d) ** 2
        own2 += np.float64(V[i, j]) ** 2
    scale[i] = s
    stats[i, 0], stats[i, 1], stats[i, 2] = np.sqrt(deq2), np.sqrt(err2), np.sqrt(own2)


@nb.njit(parallel=True, cache=True)
def _quantize_many(V, codes, scale, stats):
    for i in prange(V.shape[0]):
        _quantize_row(V, i, codes, scale, stats)


@nb.njit(cache=True)
def _quantize_few(V, codes, scale, stats):  # queries: waking the thread pool costs more
    for i in range(V.shape[0]):
        _quantize_row(V, i, codes, scale, stats)


def quantize_int8(vectors: np.ndarray, *, block: int = 65536) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Symmetric per-row int8: row ~= codes * scale, codes in [-127, 127] (never clipped).
    Returns codes, scales and (n, 3) float64 [||scale * codes||, ||row - scale * codes||, ||row||]."""
    n, d = vectors.shape
    codes = np.empty((n, d), np.int8)
    scale = np.empty(n, np.float32)
    stats = np.empty((n, 3), np.float64)
    for lo in range(0, n, block):  # blocks: a float32 copy of every row at once would be 1.5 GB at 1M
        hi = min(n, lo + block)
        fn = _quantize_many if hi - lo >= 4096 else _quantize_few
        fn(np.ascontiguousarray(vectors[lo:hi], dtype=np.float32), codes[lo:hi], scale[lo:hi], stats[lo:hi])
    return codes, scale, stats


def bounds_from_codes(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Bounds without the fp16 rows (sets written before `bounds.npy`): a_r exactly, b_r at
    its worst case (every coordinate off by half a step)."""
    out = np.empty((codes.shape[0], 2), np.float32)
    out[:, 0] = np.linalg.norm(codes.astype(np.float64), axis=1) * scale * ROUND_UP
    out[:, 1] = HALF_STEP * scale * np.sqrt(codes.shape[1]) * ROUND_UP
    return out


@dataclass(frozen=True)
class Int8Rows:
    """What the int8 search reads: codes, per-row scales and bounds (resident), and the fp16
    rows (memory-mapped in a loaded set; only re-scored candidates page in)."""

    codes: np.ndarray  # (n, d) int8
    scale: np.ndarray  # (n,) float32
    bounds: np.ndarray  # (n, 2) float32: a_r, b_r
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
        """Quantise fp16 rows; `bounds` = [a_r, b_r] (see the module docstring), rounded up."""
        codes, scale, stats = quantize_int8(vectors16)
        return cls(codes, scale, (stats[:, :2] * ROUND_UP).astype(np.float32), vectors16)

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
    codes, scale, stats = quantize_int8(Q)
    return QuantQueries(codes=codes, scale=scale, codesum=codes.sum(axis=1, dtype=np.int32),
                        err=stats[:, 1] * ROUND_UP, norm=stats[:, 2] * ROUND_UP)


@nb.njit(inline="always")
def _bound(a, b, qerr, qnorm, dim):
    return a * qerr + b * qnorm + (a + b) * (qnorm + qerr) * (dim * ROUNDING)


def error_bound(bounds: np.ndarray, qq: QuantQueries, qi: int, dim: int) -> np.ndarray:
    """|exact - approximate| <= this, per row of `bounds` (any shape (..., 2))."""
    a, b = bounds[..., 0].astype(np.float64), bounds[..., 1].astype(np.float64)
    return _bound_array(a, b, qq.err[qi], qq.norm[qi], dim)


@nb.njit(cache=True)
def _bound_array(a, b, qerr, qnorm, dim):
    return _bound(a, b, qerr, qnorm, dim)


# --- kernels -------------------------------------------------------------------------------


def _chunk_for(dot, grouped: bool = False):
    """The fused chunk loop (filter, dot, running top-k) around one dot kernel. One query
    gets a loop per plan (all rows / mask / gather) with its heap root in a register: a
    per-row branch on the plan, or reading the root from the heap, each cost ~25% of a
    1M-row scan. Batches share one loop (the branch is amortised over the queries); with
    `grouped` they take 16 queries per `dots512x16` call (row loaded once, one tree
    reduction; Q8 padded to whole groups). The heap arrays appear only inside the rare
    push branch: passed to a helper on every row, numba kept two atomic reference-count
    calls per row."""

    # Integer dots: no fastmath needed, and -inf heap roots stay safe.
    @nb.njit
    def chunk(X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_):
        gather, has_mask = rows.shape[0] > 0, mask.shape[0] > 0
        nq = qscale.shape[0]  # Q8 may carry padding rows
        if nq == 1:
            q_scale = qscale[0]
            root = hs[0, 0]
            if gather:
                for t in range(lo, hi):
                    if t + PREFETCH_AHEAD < hi:
                        prefetch_row(X, rows[t + PREFETCH_AHEAD])  # type: ignore[call-arg]
                    r = rows[t]
                    s = np.float32(dot(X, r, Q8, 0, qsum)) * (scale[r] * q_scale)
                    if s > root:
                        _push(hs[0], hi_[0], s, r, k)
                        root = hs[0, 0]
            elif has_mask:
                for r in range(lo, hi):
                    if mask[r]:
                        s = np.float32(dot(X, r, Q8, 0, qsum)) * (scale[r] * q_scale)
                        if s > root:
                            _push(hs[0], hi_[0], s, r, k)
                            root = hs[0, 0]
            else:
                for r in range(lo, hi):
                    s = np.float32(dot(X, r, Q8, 0, qsum)) * (scale[r] * q_scale)
                    if s > root:
                        _push(hs[0], hi_[0], s, r, k)
                        root = hs[0, 0]
            return
        sums = np.empty(GROUP, np.int32)
        cand = np.empty(GROUP, np.float32)
        padded = -(-nq // GROUP) * GROUP
        roots = np.full(padded, np.inf, np.float32)  # padding queries never hit
        corr = np.zeros(padded, np.int64)
        qs = np.zeros(padded, np.float32)
        for qi in range(nq):
            roots[qi], corr[qi], qs[qi] = hs[qi, 0], 128 * qsum[qi], qscale[qi]
        for t in range(lo, hi):
            if gather and t + PREFETCH_AHEAD < hi:
                prefetch_row(X, rows[t + PREFETCH_AHEAD])  # type: ignore[call-arg]
            r = rows[t] if gather else t
            if has_mask and not mask[r]:
                continue
            if grouped:
                for q0 in range(0, nq, GROUP):
                    dots512x16(X, r, Q8, q0, sums)  # type: ignore[call-arg]
                    # Branch-free over the padded group (vectorised); pushes only on a hit.
                    hit = False
                    for g in range(GROUP):
                        cand[g] = np.float32(sums[g] - corr[q0 + g]) * (scale[r] * qs[q0 + g])
                        hit |= cand[g] > roots[q0 + g]
                    if hit:
                        for g in range(min(GROUP, nq - q0)):
                            qi = q0 + g
                            if cand[g] > roots[qi]:
                                _push(hs[qi], hi_[qi], cand[g], r, k)
                                roots[qi] = hs[qi, 0]
                continue
            for qi in range(nq):
                s = np.float32(dot(X, r, Q8, qi, qsum)) * (scale[r] * qscale[qi])
                if s > hs[qi, 0]:
                    _push(hs[qi], hi_[qi], s, r, k)

    return chunk


_chunk512, _chunk256, _chunk_plain = _chunk_for(dot512, grouped=True), _chunk_for(dot256), _chunk_for(dot_plain)
_chunk_avx2 = _chunk_for(dot_avx2)


@nb.njit(inline="always")
def _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_):
    if mode == VNNI512:
        _chunk512(X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_)
    elif mode == VNNI256:
        _chunk256(X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_)
    elif mode == AVX2:
        _chunk_avx2(X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_)
    else:
        _chunk_plain(X, scale, Q8, qscale, qsum, mask, rows, k, lo, hi, hs, hi_)


@nb.njit(parallel=True, cache=True)
def _scan_par(mode, X, scale, Q8, qscale, qsum, mask, rows, k, m, out_s, out_i):
    nchunks = out_s.shape[0]
    per = (m + nchunks - 1) // nchunks
    for c in prange(nchunks):
        _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, c * per, min(m, (c + 1) * per), out_s[c], out_i[c])


@nb.njit(cache=True)
def _scan_one(mode, X, scale, Q8, qscale, qsum, mask, rows, k, m, out_s, out_i):
    _chunk(mode, X, scale, Q8, qscale, qsum, mask, rows, k, 0, m, out_s[0], out_i[0])


@nb.njit(cache=True)
def _collect(mode, X, scale, bounds, Q8, qscale, qsum, qi, qerr, qnorm, mask, rows, m, floor, out):
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
        if s + _bound(np.float64(bounds[r, 0]), np.float64(bounds[r, 1]), qerr, qnorm, X.shape[1]) >= floor:
            out[n] = r
            n += 1
    return n


# --- search ----------------------------------------------------------------------------------


def candidates(
    X: np.ndarray, scale: np.ndarray, qq: QuantQueries, k: int, *, mask: np.ndarray | None,
    rows: np.ndarray | None, mode: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-chunk best approximate scores for a top-k: (nchunks, nq, width) scores and row
    ids (-inf / -1 in unfilled slots; slot 0 holds each chunk's smallest kept score)."""
    rows_ = NO_ROWS if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    mask_ = NO_MASK if mask is None or rows is not None else mask
    nq = qq.codes.shape[0]
    m = rows_.shape[0] if rows is not None else X.shape[0]
    nchunks = kernels.chunks_for(m, nq)
    width = max(CANDIDATES_PER_HIT * k + CANDIDATES_EXTRA, -(-CANDIDATES_TOTAL_PER_HIT * k // nchunks))
    out_s = np.full((nchunks, nq, width), -np.inf, dtype=np.float32)
    out_i = np.full((nchunks, nq, width), -1, dtype=np.int64)
    codes = qq.codes
    if mode == VNNI512 and nq > 1 and nq % GROUP:  # whole groups of 16 for `dots512x16`
        codes = np.zeros((-(-nq // GROUP) * GROUP, codes.shape[1]), np.int8)
        codes[:nq] = qq.codes
    with KERNEL_LOCK:
        kernel = _scan_one if nchunks == 1 else _scan_par
        kernel(mode, X, scale, codes, qq.scale, qq.codesum, mask_, rows_, width, m, out_s, out_i)
    return out_s, out_i


# Not inlined: its own flags (re-associated, vectorised sum; no finite-math assumptions).
@nb.njit(fastmath={"reassoc", "contract"}, cache=True)
def _exact(X16, r, Q, qi):
    acc = np.float32(0.0)
    for j in range(X16.shape[1]):
        acc += _h2f(X16[r, j]) * Q[qi, j]  # type: ignore[call-arg]
    return acc


@nb.njit(cache=True)
def _best(X16, pick, Q, qi, k, scores, ids):
    """Exact scores of the rows `pick` (sorted ids) for query qi; the best k, ties by lower
    id, into scores[qi] / ids[qi]. Returns the k-th best exact score (-inf if fewer)."""
    exact = np.empty(pick.shape[0], np.float32)
    for t in range(pick.shape[0]):
        exact[t] = _exact(X16, pick[t], Q, qi)
    order = np.argsort(-exact, kind="mergesort")  # stable: equal scores keep id order
    top = min(k, pick.shape[0])
    for t in range(top):
        scores[qi, t] = exact[order[t]]
        ids[qi, t] = pick[order[t]]
    return exact[order[k - 1]] if pick.shape[0] >= k else -np.inf


@nb.njit(cache=True)
def _refine(out_s, out_i, bounds, peak, X16, Q, qerr, qnorm, k, scores, ids, rescored):
    """Per query: re-score the candidates that can still reach the top k, then check the
    proof. Returns a bool per query: True = the answer in scores/ids is proven exact."""
    nchunks, nq, width = out_s.shape
    d = X16.shape[1]
    proven = np.zeros(nq, np.bool_)
    cs = np.empty(nchunks * width, np.float64)
    ci = np.empty(nchunks * width, np.int64)
    ce = np.empty(nchunks * width, np.float64)
    for qi in range(nq):
        m = 0
        worst_out = -np.inf  # every row not kept scored at most its chunk's smallest kept score
        for c in range(nchunks):
            if out_i[c, qi, 0] >= 0 and out_s[c, qi, 0] > worst_out:
                worst_out = float(out_s[c, qi, 0])
            for w in range(width):
                r = out_i[c, qi, w]
                if r >= 0:
                    cs[m] = out_s[c, qi, w]
                    ci[m] = r
                    ce[m] = _bound(np.float64(bounds[r, 0]), np.float64(bounds[r, 1]), qerr[qi], qnorm[qi], d)
                    m += 1
        floor = -np.inf  # k-th largest lower bound: at least k rows score this much
        if m >= k:
            floor = np.sort(cs[:m] - ce[:m])[m - k]
        keep = cs[:m] + ce[:m] >= floor
        pick = np.sort(ci[:m][keep])  # sorted: fp16 rows are read in file order
        rescored[qi] = pick.shape[0]
        kth = _best(X16, pick, Q, qi, k, scores, ids)
        if worst_out == -np.inf:
            proven[qi] = True
        else:
            proven[qi] = worst_out + _bound(np.float64(peak[0]), np.float64(peak[1]), qerr[qi], qnorm[qi], d) < kth
    return proven


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
    out_s, out_i = candidates(codes, scale, qq, k, mask=mask, rows=rows, mode=mode)
    X16 = np.asarray(fp16).view(np.uint16)  # a memory map stays one: no copy, no read-ahead
    rescored = np.zeros(nq, np.int64)
    proven = _refine(out_s, out_i, bounds, data.peak, X16, Q, qq.err, qq.norm, k, scores, ids, rescored)
    for qi in np.flatnonzero(~proven):  # rare: a chunk kept too few candidates to prove it
        if qq.norm[qi] == 0:  # every row ties at exactly 0: the lowest ids, without a second pass
            first = (np.flatnonzero(mask) if rows is None and mask is not None
                     else np.arange(codes.shape[0]) if rows is None else rows)[:k]
            scores[qi], ids[qi] = -np.inf, -1
            scores[qi, : first.size], ids[qi, : first.size] = 0.0, first
            proven[qi] = True
            continue
        kth = float(scores[qi, k - 1])
        pick = _collect_rows(codes, scale, bounds, qq, int(qi), mask, rows, mode, kth)
        scores[qi], ids[qi] = -np.inf, -1
        _best(X16, pick, Q, qi, k, scores, ids)
        rescored[qi] += pick.shape[0]
    if stats is not None:
        stats["rescored"] = stats.get("rescored", 0) + int(rescored.sum())
        stats["second_pass"] = stats.get("second_pass", 0) + int((~proven).sum())
    return scores, ids


def _collect_rows(
    codes: np.ndarray, scale: np.ndarray, bounds: np.ndarray, qq: QuantQueries, qi: int,
    mask: np.ndarray | None, rows: np.ndarray | None, mode: int, floor: float,
) -> np.ndarray:
    rows_ = NO_ROWS if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
    mask_ = NO_MASK if mask is None or rows is not None else mask
    m = rows_.shape[0] if rows is not None else codes.shape[0]
    out = np.empty(m, np.int64)
    with KERNEL_LOCK:
        n = _collect(mode, codes, scale, bounds, qq.codes, qq.scale, qq.codesum, qi, qq.err[qi], qq.norm[qi],
                     mask_, rows_, m, floor, out)
    return np.sort(out[:n])
