"""Compiled masks agree exactly with the row-at-a-time oracle, for any filter."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_fixtures import NOW, filters_strategy, make_rows

from jobsearch.corpus.table import POSTINGS_SCHEMA
from jobsearch.filtering import violations
from jobsearch.index.columns import build_columns
from jobsearch.index.masks import (
    GATHER_BELOW,
    MaskCache,
    compile_mask,
    cutoff_seconds,
    float32_floor,
    plan,
)
from jobsearch.schema import (
    Filters,
    SalaryFloor,
)

ROWS = make_rows(600, seed=7)
TABLE = pa.Table.from_pylist(ROWS, schema=POSTINGS_SCHEMA)
# Reference rows as the index stores them (float32 remote_share, as Arrow returns it).
REF_ROWS = TABLE.to_pylist()
COLS, VOCAB = build_columns(TABLE)

def oracle(filters: Filters, now=NOW) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([not violations(r, filters, now=now) for r in REF_ROWS])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters=filters_strategy, shift=st.integers(0, 86400 * 3))
def test_mask_equals_oracle(filters: Filters, shift: int) -> None:
    now = NOW + timedelta(seconds=shift, microseconds=shift % 7)
    cut = cutoff_seconds(now, filters.posted_within_days) if filters.posted_within_days is not None else None
    mask = compile_mask(COLS, VOCAB, filters, cutoff=cut)
    got = np.ones(COLS.rows, bool) if mask is None else mask
    np.testing.assert_array_equal(got, oracle(filters, now))
    # The cached plan (day-bucket superset + exact re-check) gives the same rows.
    p = plan(COLS, VOCAB, filters, now=now, cache=MaskCache())
    rows = p.rows if p.rows is not None else np.flatnonzero(p.mask if p.mask is not None else np.ones(COLS.rows, bool))
    np.testing.assert_array_equal(rows, np.flatnonzero(oracle(filters, now)))


def test_time_filter_cached_by_day_and_rechecked_exactly() -> None:
    cache = MaskCache()
    f = Filters(posted_within_days=10)
    for minutes in range(0, 600, 37):  # many distinct instants inside one day bucket
        now = NOW + timedelta(minutes=minutes)
        assert plan(COLS, VOCAB, f, now=now, cache=cache).count == int(oracle(f, now).sum())
    assert cache.hits >= 10 and cache.misses <= 2


def test_plan_is_selectivity_adaptive_and_honours_tombstones() -> None:
    wide = plan(COLS, VOCAB, Filters(), now=NOW)
    assert wide.mask is None and wide.rows is None and wide.count == COLS.rows
    narrow = plan(COLS, VOCAB, Filters(company_ids=["c3"]), now=NOW)
    assert narrow.rows is not None and narrow.count <= GATHER_BELOW * COLS.rows
    dead = np.zeros(COLS.rows, bool)
    dead[narrow.rows[:2]] = True
    assert plan(COLS, VOCAB, Filters(company_ids=["c3"]), now=NOW, dead=dead).count == narrow.count - 2
    assert plan(COLS, VOCAB, Filters(), now=NOW, dead=dead).count == COLS.rows - 2


def test_float32_floor_matches_float64_comparison() -> None:
    col = np.array([0.7, 0.69999999, 0.3], dtype=np.float32)
    for v in (0.7, 0.3, 0.2999999, 1 / 3):
        np.testing.assert_array_equal(col >= float32_floor(v), col.astype(np.float64) >= v)


def test_unresolved_relative_pay_is_refused() -> None:
    with pytest.raises(ValueError, match="relative"):
        compile_mask(COLS, VOCAB, Filters(min_salary=SalaryFloor(relative="median")), cutoff=None)
