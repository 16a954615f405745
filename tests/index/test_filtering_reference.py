"""The reference filter semantics, case by case (the oracle every other test trusts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from index_fixtures import NOW

from jobsearch.filtering import violations
from jobsearch.schema import Filters, SalaryFloor

ROW = {
    "job_id": "j1", "company_id": "acme", "company_type": "staffing", "location_ids": ["5809844"],
    "workplace": "hybrid", "remote_share": 0.6, "salary_max": 150000.0, "salary_currency": "USD",
    "salary_period": "year", "posted_at": NOW - timedelta(days=3), "seniority": "senior",
    "employment_type": "full_time",
}


def check(**kw: object) -> list[str]:
    return violations(ROW, Filters(**kw), now=NOW)


def test_no_filters_pass() -> None:
    assert check() == []


def test_places_by_id_or_country() -> None:
    assert check(location_ids=["5809844"]) == []
    assert check(location_ids=["2950159"]) == ["location_ids"]
    assert check(country_codes=["US"]) == []
    assert check(location_ids=["2950159"], country_codes=["us"]) == []  # either one is enough
    assert check(country_codes=["DE"]) == ["country_codes"]


def test_workplace_and_remote_share() -> None:
    assert check(workplace=["remote", "hybrid"]) == []
    assert check(workplace=["onsite"]) == ["workplace"]
    assert check(min_remote_share=0.6) == []
    assert check(min_remote_share=0.61) == ["min_remote_share"]


def test_pay_is_annual_usd_with_tolerance() -> None:
    assert check(min_salary=SalaryFloor(amount=150000, currency="USD", period="year")) == []
    assert check(min_salary=SalaryFloor(amount=150001, currency="USD", period="year")) == ["min_salary"]
    assert check(min_salary=SalaryFloor(amount=150000 * (1 + 1e-7), currency="USD", period="year")) == []
    assert check(min_salary=SalaryFloor(amount=70, currency="USD", period="hour")) == []  # 145,600/yr
    assert check(min_salary=SalaryFloor(amount=140000, currency="EUR", period="year")) == ["min_salary"]
    no_pay = {**ROW, "salary_max": None, "salary_currency": None, "salary_period": None}
    assert violations(no_pay, Filters(min_salary=SalaryFloor(amount=1, currency="USD", period="year")), now=NOW) == [
        "min_salary"
    ]


def test_relative_pay_must_be_resolved() -> None:
    with pytest.raises(ValueError, match="relative"):
        check(min_salary=SalaryFloor(relative="median"))


def test_recency_window_is_inclusive() -> None:
    assert check(posted_within_days=3) == []
    assert check(posted_within_days=2) == ["posted_within_days"]
    assert violations(ROW, Filters(posted_within_days=3), now=NOW + timedelta(microseconds=1)) == ["posted_within_days"]


def test_companies_seniority_employment() -> None:
    assert check(exclude_company_types=["staffing"]) == ["exclude_company_types"]
    assert check(company_ids=["acme"], exclude_company_ids=["other"]) == []
    assert check(company_ids=["other"]) == ["company_ids"]
    assert check(exclude_company_ids=["acme"]) == ["exclude_company_ids"]
    assert check(seniority=["senior", "lead"], employment_type=["contract"]) == ["employment_type"]
    assert check(seniority=["entry"]) == ["seniority"]
