"""Workplace, pay, recency, company type, seniority and employment type phrasings: the
exact filters and the semantic text left over."""

from __future__ import annotations

import pytest

BERLIN, MUNICH, TORONTO, STOCKHOLM = "2950159", "2867714", "6167865", "2673730"


def pay(amount: float, currency: str = "USD", period: str = "year") -> dict:
    return {"amount": amount, "currency": currency, "period": period}


def rel(stat: str) -> dict:
    return {"relative": stat}


CASES = [
    # workplace
    ("remote python developer", "python developer", {"workplace": ["remote"]}),
    ("fully remote designer", "designer", {"workplace": ["remote"]}),
    ("mostly remote designer", "designer", {"workplace": ["remote", "hybrid"], "min_remote_share": 0.5}),
    ("hybrid product manager", "product manager", {"workplace": ["hybrid"]}),
    ("on-site nurse", "nurse", {"workplace": ["onsite"]}),
    ("onsite welder", "welder", {"workplace": ["onsite"]}),
    ("in office accountant", "accountant", {"workplace": ["onsite"]}),
    ("not remote software engineer", "software engineer", {"workplace": ["onsite", "hybrid"]}),
    ("remote or hybrid data analyst", "data analyst", {"workplace": ["remote", "hybrid"]}),
    ("at least 60% remote engineer", "engineer", {"workplace": ["remote", "hybrid"], "min_remote_share": 0.6}),
    ("work from home customer service", "customer service", {"workplace": ["remote"]}),
    ("remote sensing analyst", "remote sensing analyst", {}),
    # pay
    ("over 150k engineer", "engineer", {"min_salary": pay(150000)}),
    ("engineer 150k+", "engineer", {"min_salary": pay(150000)}),
    ("at least $70/hour nurse", "nurse", {"min_salary": pay(70, period="hour")}),
    ("nurse $45 an hour", "nurse", {"min_salary": pay(45, period="hour")}),
    ("80.000 € plus engineer in Berlin", "engineer", {"location_ids": [BERLIN], "min_salary": pay(80000, "EUR")}),
    ("engineer in Munich 70k", "engineer", {"location_ids": [MUNICH], "min_salary": pay(70000, "EUR")}),
    ("engineer 70k euros", "engineer", {"min_salary": pay(70000, "EUR")}),
    ("£60,000 analyst", "analyst", {"min_salary": pay(60000, "GBP")}),
    ("paying at least 70k euros data engineer", "data engineer", {"min_salary": pay(70000, "EUR")}),
    ("6 figures sales", "sales", {"min_salary": pay(100000)}),
    ("engineer in Toronto $90k", "engineer", {"location_ids": [TORONTO], "min_salary": pay(90000, "CAD")}),
    ("engineer in Stockholm 50000 kr/month", "engineer",
     {"location_ids": [STOCKHOLM], "min_salary": pay(50000, "SEK", "month")}),
    ("designer €4.500 monthly", "designer", {"min_salary": pay(4500, "EUR", "month")}),
    ("above median pay engineer", "engineer", {"min_salary": rel("median")}),
    ("engineer paying above average pay", "engineer", {"min_salary": rel("median")}),
    ("top pay engineer", "engineer", {"min_salary": rel("p90")}),
    ("well paid nurse", "nurse", {"min_salary": rel("p75")}),
    ("developer with over 5 years experience", "developer with over 5 years experience", {}),
    # recency
    ("posted recently engineer", "engineer", {"posted_within_days": 7}),
    ("engineer this week", "engineer", {"posted_within_days": 7}),
    ("engineer last 3 days", "engineer", {"posted_within_days": 3}),
    ("engineer posted today", "engineer", {"posted_within_days": 1}),
    ("engineer past month", "engineer", {"posted_within_days": 30}),
    ("new engineer jobs", "engineer", {"posted_within_days": 3}),
    ("engineer jobs posted in the last two weeks", "engineer", {"posted_within_days": 14}),
    ("engineer jobs from the last 48 hours", "engineer", {"posted_within_days": 2}),
    # company type
    ("engineer not from staffing agencies", "engineer", {"exclude_company_types": ["staffing"]}),
    ("engineer no recruiters", "engineer", {"exclude_company_types": ["staffing"]}),
    ("direct hire only engineer", "engineer", {"exclude_company_types": ["staffing"]}),
    ("engineer, not from staffing / recruiting / sourcing agencies", "engineer",
     {"exclude_company_types": ["staffing"]}),
    # seniority
    ("senior engineer", "engineer", {"seniority": ["senior"]}),
    ("entry level analyst", "analyst", {"seniority": ["entry"]}),
    ("junior developer", "developer", {"seniority": ["entry"]}),
    ("new grad software engineer", "software engineer", {"seniority": ["entry"]}),
    ("recent graduate software engineer", "software engineer", {"seniority": ["entry"]}),
    ("staff software engineer", "software engineer", {"seniority": ["lead"]}),
    ("principal engineer", "engineer", {"seniority": ["lead"]}),
    ("engineering intern", "engineering", {"seniority": ["intern"]}),
    ("engineering manager", "engineering manager", {}),
    ("manager level engineering roles", "engineering", {"seniority": ["manager"]}),
    ("director of sales", "director of sales", {}),
    ("executive assistant", "executive assistant", {}),
    ("senior care nurse", "senior care nurse", {}),
    # employment type
    ("full-time nurse", "nurse", {"employment_type": ["full_time"]}),
    ("part time barista", "barista", {"employment_type": ["part_time"]}),
    ("contract software engineer", "software engineer", {"employment_type": ["contract"]}),
    ("temporary warehouse worker", "warehouse worker", {"employment_type": ["temporary"]}),
    ("marketing internship", "marketing", {"employment_type": ["internship"]}),
    ("contract manager", "contract manager", {}),
]


@pytest.mark.parametrize(("text", "semantic", "expected"), CASES)
def test_phrasing(check, engine, text: str, semantic: str, expected: dict) -> None:  # noqa: ANN001
    check(engine.parse(text), semantic, **expected)


def test_the_issue_example(check, engine) -> None:  # noqa: ANN001
    from jobsearch.taxonomy.metros import metro_ids

    text = ("software engineer jobs in Silicon Valley or Seattle, mostly remote, not from staffing "
            "agencies, posted recently, above median pay")
    parsed = engine.parse(text)
    check(
        parsed, "software engineer",
        location_ids=[*metro_ids("silicon-valley"), "5809844"], workplace=["remote", "hybrid"],
        min_remote_share=0.5, min_salary=rel("median"), posted_within_days=7,
        exclude_company_types=["staffing"],
    )
    labels = {c["filter"]: c["label"] for c in parsed.constraints}
    assert labels["workplace"] == "Remote or hybrid, ≥ 50% remote"
    assert labels["posted_within_days"] == "Posted in the last 7 days"
    assert labels["exclude_company_types"] == "Not from staffing agencies"


def test_berlin_demo_query(check, engine) -> None:  # noqa: ANN001
    parsed = engine.parse("data engineer jobs in Berlin paying at least 70k euros, posted this week")
    check(parsed, "data engineer", location_ids=[BERLIN], min_salary=pay(70000, "EUR"),
                  posted_within_days=7)
    chip = next(c for c in parsed.constraints if c["filter"] == "min_salary")
    assert chip["label"] == "≥ €70,000 / year"


def test_pay_ceiling_is_unresolved(check, engine) -> None:  # noqa: ANN001
    parsed = engine.parse("nurse under 100k")
    check(parsed, "nurse")
    assert parsed.unresolved == ["under 100k"]
