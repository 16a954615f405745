"""The int8 scan (VNNI or plain kernel) is exact: its error bound holds on every row, its
answers equal the fp32 reference over the fp16 rows (random, clustered, duplicated rows,
filters, every kernel this CPU has), and int8 sets build, verify, search and swap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from index_fixtures import NOW, clustered, make_rows, unit

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import FlatIndex, build_from_arrays
from jobsearch.index.build import AUTO_INT8_FROM, resolve_dtype
from jobsearch.index.int8scan import (
    HALF_STEP,
    Int8Rows,
    bounds_from_codes,
    error_bound,
    quantize_queries,
    search_int8,
)
from jobsearch.index.layout import BOUNDS, Manifest
from jobsearch.index.shardset import load_set
from jobsearch.index.vnni import ENV, available_modes, choose_mode, has_vnni
from jobsearch.schema import Filters

TOL = 1e-5


def reference(X16: np.ndarray, Q: np.ndarray, k: int, allowed: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """fp32 brute force over the fp16 rows; ties broken by lower row id (the engine's rule)."""
    sc = Q.astype(np.float32) @ X16.astype(np.float32).T
    if allowed is not None:
        sc[:, ~allowed] = -np.inf
    ids = np.stack([np.lexsort((np.arange(sc.shape[1]), -row))[:k] for row in sc])
    return np.take_along_axis(sc, ids, 1), ids, sc


def assert_same_topk(got_s, got_i, Q, X16, k, allowed=None) -> None:  # type: ignore[no-untyped-def]
    want_s, _, sc = reference(X16, Q, k, allowed)
    finite = np.isfinite(want_s)
    np.testing.assert_allclose(got_s[finite], want_s[finite], atol=TOL)
    assert (got_i[~finite] == -1).all()
    for q in range(Q.shape[0]):
        ok = got_i[q] >= 0
        np.testing.assert_allclose(sc[q, got_i[q, ok]], got_s[q, ok], atol=TOL)  # ids really have their scores
        if allowed is not None:
            assert allowed[got_i[q, ok]].all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), dim=st.sampled_from([32, 64, 100, 384]), spread=st.floats(0.01, 30.0))
def test_error_bound_holds_on_every_row(seed: int, dim: int, spread: float) -> None:
    """|fp16 row . q - int8 approximation| <= bound, for any norms (not just unit vectors),
    zero rows and heavy-tailed coordinates."""
    rng = np.random.default_rng(seed)
    X = rng.standard_t(3, size=(300, dim)) * spread
    X[0] = 0.0
    X16 = np.clip(X, -6e4, 6e4).astype(np.float16)
    rows = Int8Rows.from_fp16(X16)
    step = rows.scale[:, None].astype(np.float64)
    assert (np.abs(rows.codes * step - X16) <= HALF_STEP * step).all()  # what the worst-case bound assumes
    worst = bounds_from_codes(rows.codes, rows.scale)
    assert (worst[:, 1] >= rows.bounds[:, 1]).all()
    np.testing.assert_allclose(worst[:, 0], rows.bounds[:, 0], rtol=1e-6)
    Q = rng.standard_normal((3, dim)).astype(np.float32) * rng.uniform(0.01, 10)
    qq = quantize_queries(Q)
    exact = Q.astype(np.float64) @ X16.astype(np.float64).T
    approx = (rows.codes.astype(np.float64) @ qq.codes.astype(np.float64).T).T * rows.scale * qq.scale[:, None]
    for qi in range(3):
        assert (np.abs(exact[qi] - approx[qi]) <= error_bound(rows.bounds, qq, qi, dim)).all()


@pytest.fixture(scope="module", params=["random", "clustered"])
def data(request) -> tuple[np.ndarray, Int8Rows]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    if request.param == "random":
        X = unit(rng.standard_normal((24_000, 128)))
    else:  # tight clusters: near-ties everywhere, the hard case for a quantised scan
        X = clustered(24_000, dim=128, seed=7, clusters=30)
    X16 = X.astype(np.float16)
    return X16, Int8Rows.from_fp16(X16)


@pytest.mark.parametrize("kernel", available_modes(128))
def test_every_kernel_matches_the_reference(data, kernel: str) -> None:  # type: ignore[no-untyped-def]
    X16, rows = data
    rng = np.random.default_rng(8)
    Q = unit(X16[rng.integers(X16.shape[0], size=5)].astype(np.float32) + 0.3 * rng.standard_normal((5, 128)))
    mask = rng.random(X16.shape[0]) < 0.4
    sel = np.flatnonzero(rng.random(X16.shape[0]) < 0.01)
    allowed_sel = np.zeros(X16.shape[0], bool)
    allowed_sel[sel] = True
    for k in (1, 10, 57):
        s, i = search_int8(rows, Q, k, kernel=kernel)  # parallel fused scan
        assert_same_topk(s, i, Q, X16, k)
        s, i = search_int8(rows, Q, k, mask=mask, kernel=kernel)
        assert_same_topk(s, i, Q, X16, k, mask)
        s, i = search_int8(rows, Q, k, rows=sel, kernel=kernel)  # gather, prefetched
        assert_same_topk(s, i, Q, X16, k, allowed_sel)
    Q21 = unit(X16[rng.integers(X16.shape[0], size=21)].astype(np.float32) + 0.3 * rng.standard_normal((21, 128)))
    s, i = search_int8(rows, Q21, 10, mask=mask, kernel=kernel)  # 16-query groups: one whole, one padded
    assert_same_topk(s, i, Q21, X16, 10, mask)
    s, i = search_int8(rows, Q[:1], 10, rows=sel[:4], kernel=kernel)  # fewer rows pass than k
    assert_same_topk(s, i, Q[:1], X16, 10, np.isin(np.arange(X16.shape[0]), sel[:4]))


def test_exact_ties_take_the_lowest_ids_and_force_the_second_pass() -> None:
    """300 copies of one row in one stretch: more tied winners than any chunk keeps, so the
    bound cannot prove the candidate list complete; the second pass must find all copies."""
    rng = np.random.default_rng(9)
    X = unit(rng.standard_normal((70_000, 64)))
    X[20_000:20_300] = X[5]
    X16 = X.astype(np.float16)
    rows = Int8Rows.from_fp16(X16)
    Q = X[5:6] + 0.01
    for kernel in available_modes(64):
        stats: dict[str, int] = {}
        s, i = search_int8(rows, Q, 20, kernel=kernel, stats=stats)
        assert stats.get("second_pass") == 1
        assert i[0].tolist() == [5, *range(20_000, 20_019)]  # all tied: lowest ids first
        assert_same_topk(s, i, Q, X16, 20)


def test_zero_query_ties_everything_without_a_second_pass() -> None:
    rng = np.random.default_rng(13)
    X16 = unit(rng.standard_normal((70_000, 64))).astype(np.float16)
    rows = Int8Rows.from_fp16(X16)
    Q = np.zeros((2, 64), np.float32)
    Q[1] = unit(rng.standard_normal((1, 64)))[0]
    mask = rng.random(70_000) < 0.5
    stats: dict[str, int] = {}
    s, i = search_int8(rows, Q, 10, mask=mask, stats=stats)
    assert i[0].tolist() == np.flatnonzero(mask)[:10].tolist() and (s[0] == 0).all()
    assert_same_topk(s, i, Q, X16, 10, mask)
    assert stats["rescored"] < 1000  # never re-scores the whole set


def test_kernel_choice_env_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert available_modes(100) == ("plain",) and not has_vnni(100)
    assert choose_mode(100) == choose_mode(100, "plain")
    with pytest.raises(ValueError, match="unknown int8 kernel"):
        choose_mode(64, "avx9000")
    with pytest.raises(ValueError, match="cannot run for dim 100"):
        choose_mode(100, "vnni256")
    monkeypatch.setenv(ENV, "plain")
    assert choose_mode(384) == choose_mode(384, "plain")
    rng = np.random.default_rng(10)
    X16 = unit(rng.standard_normal((3000, 64))).astype(np.float16)
    Q = unit(rng.standard_normal((2, 64)))
    s, i = search_int8(Int8Rows.from_fp16(X16), Q, 10)  # the plain fallback, through the env var
    assert_same_topk(s, i, Q, X16, 10)


ROWS = make_rows(1500, seed=31)
VECS = clustered(1500, dim=64, seed=31)


def test_int8_set_builds_verifies_searches_and_swaps(tmp_path: Path) -> None:
    root = tmp_path / "idx"
    f16_dir = build_from_arrays(root, VECS, ROWS, model_id="m", shards=2)
    i8_dir = build_from_arrays(root, VECS, ROWS, model_id="m", shards=3, dtype="int8", activate=False)
    m = Manifest.read(i8_dir)
    assert m.dtype == "int8" and all(BOUNDS in s.files for s in m.shards)
    index = FlatIndex.open(root)
    q = unit(np.random.default_rng(11).standard_normal((4, 64)))
    f = Filters(workplace=["remote", "hybrid"], posted_within_days=30)
    before = index.search(q, f, 12, now=NOW)
    index.swap(i8_dir)
    seg = index.view.segments[0]
    assert seg.int8 is not None and isinstance(seg.fp16, np.memmap)  # fp16 rows stay on disk
    assert seg.vector_bytes == seg.rows * (64 + 4 + 8)  # codes + scale + 2 bounds per row
    after = index.search(q, f, 12, now=NOW)
    for a, b in zip(before, after, strict=True):  # same answers as the fp16 set
        assert a.job_ids == b.job_ids and a.n_matching == b.n_matching
        np.testing.assert_allclose(a.scores, b.scores, atol=TOL)
    index.add(VECS[:3] * 0 + VECS[7], [dict(r, job_id=f"new-{i}") for i, r in enumerate(ROWS[:3])])
    got = index.search(VECS[7:8], Filters(), 4)[0]  # fp16 delta + int8 base, merged
    assert set(got.job_ids) == {ROWS[7]["job_id"], "new-0", "new-1", "new-2"}
    index.rollback()
    assert index.set_dir == f16_dir


def test_damaged_or_old_int8_sets(tmp_path: Path) -> None:
    s = build_from_arrays(tmp_path, VECS, ROWS, model_id="m", dtype="int8", activate=False)
    data = bytearray((s / "shard-000" / BOUNDS).read_bytes())
    data[-2] ^= 0x40
    (s / "shard-000" / BOUNDS).write_bytes(bytes(data))
    with pytest.raises(CorruptShardSetError, match="checksum mismatch"):
        load_set(s)
    # A set written before bounds.npy existed: worst-case bounds, still exact.
    old = tmp_path / "old"
    shutil.copytree(s, old)
    (old / "shard-000" / BOUNDS).unlink()
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["shards"][0]["files"][BOUNDS]
    (old / "manifest.json").write_text(json.dumps(manifest))
    index = FlatIndex(load_set(old))
    q = unit(np.random.default_rng(12).standard_normal((3, 64)))
    hits = index.search(q, Filters(), 10)
    want, _, _ = reference(VECS.astype(np.float16), q, 10)
    for h, w in zip(hits, want, strict=True):
        np.testing.assert_allclose(h.scores, w, atol=TOL)


def test_auto_dtype() -> None:
    assert resolve_dtype("auto", AUTO_INT8_FROM - 1, 384) == "float16"
    from jobsearch.index.autotune import int8_is_faster

    assert resolve_dtype("auto", AUTO_INT8_FROM, 384) == ("int8" if int8_is_faster(384) else "float16")
    assert resolve_dtype("auto", AUTO_INT8_FROM, 100) == "float16"  # no SIMD int8 kernel for 100 bytes
    with pytest.raises(ValueError, match="auto"):
        resolve_dtype("bf16", 10, 64)


@pytest.mark.skipif("avx2" not in available_modes(64), reason="this CPU has no AVX2")
def test_avx2_dot_is_exact_at_the_extremes() -> None:
    """`vpmaddubsw` saturates int16 pairs: the sign trick must keep |pair| <= 2 * 127^2.
    Extreme codes (all +-127, alternating, zeros) against the int64 reference."""
    import numba as nb

    from jobsearch.index.vnni import dot_avx2

    @nb.njit
    def dots(X, Q8):  # type: ignore[no-untyped-def]
        out = np.empty((X.shape[0], Q8.shape[0]), np.int64)
        qsum = np.zeros(Q8.shape[0], np.int32)
        for r in range(X.shape[0]):
            for q in range(Q8.shape[0]):
                out[r, q] = dot_avx2(X, r, Q8, q, qsum)
        return out

    rng = np.random.default_rng(3)
    d = 384
    pats = [np.full(d, 127), np.full(d, -127), np.where(np.arange(d) % 2, 127, -127), np.zeros(d)]
    X = np.array(pats + [rng.integers(-127, 128, d) for _ in range(60)], np.int8)
    Q8 = np.array(pats + [rng.integers(-127, 128, d) for _ in range(20)], np.int8)
    ref = X.astype(np.int64) @ Q8.astype(np.int64).T
    assert (dots(X, Q8) == ref).all()
