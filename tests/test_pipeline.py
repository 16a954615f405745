"""The embedded pipeline end to end on the session's demo data home: real parser, real
ONNX encoder, real flat index. The property that matters most: no result ever violates a
strict filter the query states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobsearch.errors import BadQueryError, UnknownMemberError
from jobsearch.filtering import violations

ROLES = [
    "data engineer",
    "software engineer",
    "registered nurse",
    "accountant",
    "sales manager",
    "",
]
PLACES = [
    "",
    "in Berlin",
    "in Seattle",
    "in Silicon Valley or Seattle",
    "in Germany",
    "in London",
    "in Paris",
]
WORKPLACE = ["", "remote", "mostly remote", "hybrid", "on-site", "not remote"]
PAY = ["", "paying at least 70k euros", "over 150k", "at least $40/hour", "above median pay"]
RECENCY = ["", "posted this week", "posted recently", "last 3 days", "posted today"]
COMPANY = ["", "not from staffing agencies"]
LEVEL = ["", "senior", "entry level", "part-time", "contract"]


def _check_no_violations(response, now: datetime) -> None:  # noqa: ANN001
    filters = response.query.filters
    for r in response.results:
        row = {
            "job_id": r.job_id,
            "location_ids": r.location_ids,
            "workplace": r.workplace,
            "remote_share": r.remote_share,
            "salary_min": r.salary.min if r.salary else None,
            "salary_max": r.salary.max if r.salary else None,
            "salary_currency": r.salary.currency if r.salary else None,
            "salary_period": r.salary.period if r.salary else None,
            "posted_at": r.posted_at,
            "company_id": r.company.id,
            "company_type": r.company.type,
            "seniority": r.seniority,
            "employment_type": r.employment_type,
        }
        assert violations(row, filters, now=now) == [], (response.query.text, r.job_id)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    role=st.sampled_from(ROLES),
    place=st.sampled_from(PLACES),
    workplace=st.sampled_from(WORKPLACE),
    pay=st.sampled_from(PAY),
    recency=st.sampled_from(RECENCY),
    company=st.sampled_from(COMPANY),
    level=st.sampled_from(LEVEL),
)
def test_random_queries_never_violate_a_strict_filter(
    pipeline, role, place, workplace, pay, recency, company, level
):  # noqa: ANN001
    parts = [level, role or "jobs", place, workplace, pay, recency, company]
    text = " ".join(p for p in parts if p).strip()
    now = datetime.now(UTC)
    response = pipeline.search(text, k=50, now=now)
    _check_no_violations(response, now)
    assert len(response.results) <= response.total_matching


def test_demo_query_returns_berlin_jobs_that_satisfy_everything(pipeline) -> None:  # noqa: ANN001
    now = datetime.now(UTC)
    response = pipeline.search(
        "data engineer jobs in Berlin paying at least 70k euros, posted this week", k=20, now=now
    )
    f = response.query.filters
    assert "2950159" in f.location_ids
    assert (
        f.min_salary is not None and f.min_salary.amount == 70000 and f.min_salary.currency == "EUR"
    )
    assert f.posted_within_days == 7
    assert response.results, response.empty_reason
    _check_no_violations(response, now)
    assert all(r.why for r in response.results)
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)


def test_above_median_pay_is_resolved_to_an_amount(pipeline) -> None:  # noqa: ANN001
    response = pipeline.search("software engineer jobs in Seattle above median pay", k=10)
    floor = response.query.filters.min_salary
    assert floor is not None and floor.relative == "median"
    assert floor.amount is not None and floor.amount > 0


def test_removing_a_constraint_widens_the_results(pipeline) -> None:  # noqa: ANN001
    text = "data engineer jobs in Berlin paying at least 70k euros, posted this week"
    narrow = pipeline.search(text, k=20)
    wide = pipeline.search(text, k=20, remove=["posted_within_days"])
    assert wide.query.filters.posted_within_days is None
    assert wide.total_matching >= narrow.total_matching
    assert not any(c.get("filter") == "posted_within_days" for c in wide.query.constraints)


def test_an_impossible_query_names_the_filter_that_emptied_it(pipeline) -> None:  # noqa: ANN001
    response = pipeline.search("software engineer in Berlin paying at least 900k euros", k=10)
    assert response.results == []
    assert response.empty_reason and "without it" in response.empty_reason


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": ""}, BadQueryError),
        ({"text": "   "}, BadQueryError),
        ({"text": "x" * 10_000}, BadQueryError),
        ({"text": "nurse", "k": 0}, BadQueryError),
        ({"text": "nurse", "k": 101}, BadQueryError),
        ({"text": "nurse", "remove": ["no_such_filter"]}, BadQueryError),
        ({"text": "nurse", "member_id": "nobody"}, UnknownMemberError),
    ],
)
def test_bad_input_is_a_domain_error(pipeline, kwargs, error) -> None:  # noqa: ANN001
    text = kwargs.pop("text")
    with pytest.raises(error):
        pipeline.search(text, **kwargs)


def test_personalised_connection_query_returns_only_connected_companies(pipeline) -> None:  # noqa: ANN001
    member = next(m for m in pipeline.members.values() if m.connection_company_ids)
    response = pipeline.search("jobs where I have a connection", member_id=member.member_id, k=50)
    assert set(response.query.filters.company_ids) == set(member.connection_company_ids)
    assert {r.company.id for r in response.results} <= set(member.connection_company_ids)


def test_repeated_query_is_served_from_the_cache(pipeline) -> None:  # noqa: ANN001
    from jobsearch.metrics import CACHE_EVENTS

    hits = CACHE_EVENTS.labels(cache="anonymous", result="hit")
    before = hits._value.get()
    first = pipeline.search("accountant jobs in London", k=5)
    second = pipeline.search(" accountant  jobs\u200b in London", k=5)  # spacing, invisible marks
    assert hits._value.get() == before + 1
    # Case is not folded: the parser reads capitals, so another case is another key.
    pipeline.search("accountant jobs in london", k=5)
    assert hits._value.get() == before + 1
    assert [r.job_id for r in first.results] == [r.job_id for r in second.results]
