"""Synthetic queries: deterministic, >= 30 families over every query type, held-out
families and occupation groups only in the test split, anchors that satisfy their own
filters, and a Parquet/JSONL round trip."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow.parquet as pq
import pytest
from jobsearch.models.intent import QUERY_TYPES
from jobsearch.models.strict import floor_usd, violation_mask
from jobsearch.models.synth_queries import (
    generate_queries,
    read_queries,
    role_phrase,
    write_queries,
)
from jobsearch.models.templates import FAMILIES


@pytest.fixture(scope="module")
def queries(small_jobs, small_members):
    return generate_queries(small_jobs, list(small_members.values()), n=400, seed=1)


def test_deterministic_by_seed(small_jobs, small_members, queries) -> None:
    again = generate_queries(small_jobs, list(small_members.values()), n=400, seed=1)
    assert [q.model_dump() for q in again] == [q.model_dump() for q in queries]
    other = generate_queries(small_jobs, list(small_members.values()), n=50, seed=2)
    assert [q.intent.text for q in other] != [q.intent.text for q in queries[:50]]


def test_covers_families_and_types(queries) -> None:
    assert len(FAMILIES) >= 30
    fams = Counter(q.family for q in queries)
    assert len(fams) >= 30, sorted(set(f.name for f in FAMILIES) - set(fams))
    assert {q.query_type for q in queries} == set(QUERY_TYPES)
    noise = Counter(n for q in queries for n in q.noise)
    assert noise["typo"] > 0 and noise["lower"] > 0


def test_splits_hold_out_families_and_groups(queries) -> None:
    held_fams = {f.name for f in FAMILIES if f.held_out}
    train = [q for q in queries if q.split in ("train", "val")]
    test = [q for q in queries if q.split == "test"]
    assert train and test
    assert not {q.family for q in train} & held_fams
    assert {q.family for q in test} & held_fams
    held_groups = {q.occupation_group for q in test if q.group_held_out}
    assert held_groups and not held_groups & {q.occupation_group for q in train}


def test_anchor_satisfies_its_query(queries, small_jobs) -> None:
    for q in queries:
        row = small_jobs.row_of[q.anchor_job_id]
        f = q.intent.filters
        bad = violation_mask(small_jobs, np.array([row]), f, now=small_jobs.latest, pay_floor_usd=floor_usd(f))
        assert bad[0] == 0, (q.intent.text, f)


def test_constraint_heavy_example_has_every_filter(queries) -> None:
    heavy = [q for q in queries if q.family == "heavy_two_city"]
    assert heavy
    f = heavy[0].intent.filters
    assert len(f.location_ids) == 2 and f.workplace == ["remote"] and f.exclude_company_types == ["staffing"]
    assert f.posted_within_days == 7 and f.min_salary is not None and f.min_salary.relative == "median"


def test_round_trip(tmp_path, queries) -> None:
    jl, pqf = write_queries(queries, tmp_path)
    assert [q.model_dump() for q in read_queries(tmp_path)] == [q.model_dump() for q in queries]
    assert len(read_queries(jl, split="test")) == sum(q.split == "test" for q in queries)
    table = pq.read_table(pqf)
    assert table.num_rows == len(queries)
    assert {"query_id", "family", "query_type", "split", "text", "intent_json"} <= set(table.column_names)


@pytest.mark.parametrize(("title", "role"), [("Sr. Solutions Architect", "Solutions Architect"),
                                             ("Software Engineer III", "Software Engineer"),
                                             ("Senior Data Engineer (Remote)", "Data Engineer"),
                                             ("Communications Manager", "Communications Manager")])
def test_role_phrase(title: str, role: str) -> None:
    assert role_phrase(title) == role
