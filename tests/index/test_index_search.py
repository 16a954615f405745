"""Exactness of the flat index against numpy brute force: unfiltered and filtered, every
plan and kernel, sharded and merged, k sweeps, and random filters never leaking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_fixtures import NOW, clustered, filters_strategy, make_rows, unit

from jobsearch.errors import IndexNotFoundError
from jobsearch.filtering import violations
from jobsearch.index import FlatIndex, build_from_arrays, merge_hits
from jobsearch.index.kernels import scan_topk, scan_topk_blas
from jobsearch.schema import Filters, SalaryFloor

TOL = 1e-5


def brute(vectors: np.ndarray, rows: list[dict], queries: np.ndarray, filters: Filters, k: int):  # type: ignore[no-untyped-def]
    """fp32 reference over the stored (fp16-rounded) vectors and the oracle's passing rows."""
    ok = np.array([not violations(r, filters, now=NOW) for r in rows])
    scores = queries @ vectors.astype(np.float16).astype(np.float32).T
    scores[:, ~ok] = -np.inf
    return scores, int(ok.sum())


def assert_exact(hits, scores: np.ndarray, ids: list[str], k: int, n_ok: int) -> None:  # type: ignore[no-untyped-def]
    """Tie-aware: the returned scores equal the reference's k best, and every returned id
    really has its score."""
    for q, h in enumerate(hits):
        want = np.sort(scores[q][np.isfinite(scores[q])])[::-1][:k]
        assert len(h) == min(k, n_ok) and h.n_matching == n_ok
        np.testing.assert_allclose(h.scores, want, atol=TOL)
        pos = {j: i for i, j in enumerate(ids)}
        np.testing.assert_allclose([scores[q][pos[j]] for j in h.job_ids], h.scores, atol=TOL)


@pytest.fixture(scope="module")
def index(built: Path) -> FlatIndex:
    return FlatIndex.open(built)


def test_unfiltered_matches_brute_force(index: FlatIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    ids = [r["job_id"] for r in rows]
    q = unit(np.random.default_rng(3).standard_normal((20, vectors.shape[1])))
    scores, n_ok = brute(vectors, rows, q, Filters(), 10)
    assert_exact(index.search(q, Filters(), 10), scores, ids, 10, n_ok)
    # Against the original fp32 vectors too: recall@10 >= 0.999 despite fp16 storage.
    exact = np.argsort(-(q @ vectors.T), axis=1)[:, :10]
    got = [h.job_ids for h in index.search(q, Filters(), 10)]
    recall = np.mean([len({ids[i] for i in e} & set(g)) / 10 for e, g in zip(exact, got, strict=True)])
    assert recall >= 0.999


@pytest.mark.parametrize("filters", [
    Filters(country_codes=["US"], workplace=["remote", "hybrid"]),
    Filters(company_ids=["c1", "c2"], posted_within_days=20),
    Filters(min_salary=SalaryFloor(amount=100000, currency="USD", period="year"), exclude_company_types=["staffing"]),
    Filters(location_ids=["2950159"], seniority=["senior", "lead"], employment_type=["full_time"]),
    Filters(company_ids=["nobody"]),
])
def test_filtered_matches_brute_force(index: FlatIndex, corpus, filters: Filters) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    q = unit(np.random.default_rng(4).standard_normal((6, vectors.shape[1])))
    scores, n_ok = brute(vectors, rows, q, filters, 15)
    assert_exact(index.search(q, filters, 15, now=NOW), scores, [r["job_id"] for r in rows], 15, n_ok)
    assert index.count(filters, now=NOW) == n_ok


def test_every_kernel_path_agrees() -> None:
    rng = np.random.default_rng(5)
    X = clustered(20000, dim=64, seed=5).astype(np.float16)
    Q = unit(rng.standard_normal((30, 64)))
    mask = rng.random(20000) < 0.05
    ref = Q @ X.astype(np.float32).T
    ref[:, ~mask] = -np.inf
    want = np.sort(ref, axis=1)[:, ::-1][:, :10]
    rows = np.flatnonzero(mask)
    for s, _ in (scan_topk(X, Q, 10, mask=mask), scan_topk(X, Q, 10, rows=rows),
                 scan_topk_blas(X, Q, 10, mask=mask), scan_topk_blas(X, Q, 10, rows=rows, block=999)):
        np.testing.assert_allclose(s, want, atol=TOL)


def test_sharded_and_merged_equals_unsharded(tmp_path: Path, corpus, index: FlatIndex) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    one = FlatIndex.open(build_from_arrays(tmp_path / "one", vectors, rows, model_id="test-model", shards=1))
    q = unit(np.random.default_rng(6).standard_normal((8, vectors.shape[1])))
    f = Filters(workplace=["remote"])
    a, b = one.search(q, f, 25, now=NOW), index.search(q, f, 25, now=NOW)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x.scores, y.scores, atol=TOL)
        assert x.n_matching == y.n_matching
    # Across processes: shard servers answer halves of the corpus; merge_hits is exact.
    half = len(rows) // 2
    parts = [FlatIndex.open(build_from_arrays(tmp_path / f"p{i}", vectors[s], rows[s], model_id="m"))
             for i, s in enumerate((slice(0, half), slice(half, None)))]
    merged = merge_hits([p.search(q, f, 25, now=NOW) for p in parts], 25)
    for x, y in zip(a, merged, strict=True):
        np.testing.assert_allclose(x.scores, y.scores, atol=TOL)
        assert x.n_matching == y.n_matching


def test_recall_never_falls_as_k_grows(index: FlatIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    q = unit(np.random.default_rng(8).standard_normal((1, vectors.shape[1])))
    truth = {rows[i]["job_id"] for i in np.argsort(-(q @ vectors.T)[0])[:50]}
    recalls = [len(truth & set(index.search(q, Filters(), k)[0].job_ids)) / 50 for k in (1, 5, 10, 50, 100, 500)]
    assert recalls == sorted(recalls) and recalls[-1] == 1.0


def test_int8_storage_with_exact_rescore(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    idx = FlatIndex.open(build_from_arrays(tmp_path, vectors, rows, model_id="m", dtype="int8", shards=2))
    q = unit(np.random.default_rng(9).standard_normal((20, vectors.shape[1])))
    ref = q @ vectors.astype(np.float16).astype(np.float32).T
    got = idx.search(q, Filters(), 10)
    ids = [r["job_id"] for r in rows]
    recall = np.mean([len(set(h.job_ids) & {ids[i] for i in np.argsort(-ref[j])[:10]}) / 10 for j, h in enumerate(got)])
    assert recall >= 0.999
    np.testing.assert_allclose(got[0].scores, np.sort(ref[0])[::-1][:10], atol=TOL)


def test_bad_inputs_are_refused(index: FlatIndex, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shape"):
        index.search(np.zeros((1, 7), np.float32), Filters(), 10)
    with pytest.raises(ValueError, match="k must be"):
        index.search(np.zeros((1, index.dim), np.float32), Filters(), 0)
    with pytest.raises(ValueError, match="relative"):
        index.search(np.ones((1, index.dim), np.float32), Filters(min_salary=SalaryFloor(relative="p75")), 5)
    with pytest.raises(IndexNotFoundError, match="jobsearch index build"):
        FlatIndex.open(tmp_path / "nothing")
    with pytest.raises(KeyError, match="not in the index"):
        index.records(["no-such-job"])


def test_records_and_columns(index: FlatIndex, corpus) -> None:  # type: ignore[no-untyped-def]
    _, rows = corpus
    got = index.records([rows[5]["job_id"], rows[1]["job_id"]])
    assert [g["job_id"] for g in got] == [rows[5]["job_id"], rows[1]["job_id"]]
    assert got[0]["location_ids"] == rows[5]["location_ids"] and got[0]["posted_at"] == rows[5]["posted_at"]
    assert index.column("salary_usd").shape == (len(rows),)
    assert index.column("title").shape == (len(rows),)
    assert index.version and index.model_id == "test-model" and index.rows == len(rows)


ROWS_SMALL = make_rows(800, seed=11)
VECS_SMALL = clustered(800, seed=11)


@pytest.fixture(scope="module", params=["float16", "int8"])
def small(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> FlatIndex:
    return FlatIndex.open(build_from_arrays(tmp_path_factory.mktemp("small"), VECS_SMALL, ROWS_SMALL,
                                            model_id="m", shards=2, dtype=request.param))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(filters=filters_strategy, k=st.integers(1, 40), seed=st.integers(0, 1000))
def test_random_filters_never_return_a_violation(small: FlatIndex, filters: Filters, k: int, seed: int) -> None:
    q = unit(np.random.default_rng(seed).standard_normal((2, VECS_SMALL.shape[1])))
    hits = small.search(q, filters, k, now=NOW)
    by_id = {r["job_id"]: r for r in ROWS_SMALL}
    for h in hits:
        for rec in small.records(h.job_ids):
            assert violations(rec, filters, now=NOW) == []
    scores, n_ok = brute(VECS_SMALL, [by_id[r["job_id"]] for r in ROWS_SMALL], q, filters, k)
    assert_exact(hits, scores, [r["job_id"] for r in ROWS_SMALL], k, n_ok)
