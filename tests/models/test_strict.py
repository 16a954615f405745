"""The vectorised strict-filter check agrees with the reference oracle
(`jobsearch.filtering.violations`) row by row."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from jobsearch.models.strict import violation_mask

from jobsearch.filtering import salary_floor_usd, violations
from jobsearch.schema import Filters, SalaryFloor

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FILTER_SETS = [
    Filters(),
    Filters(location_ids=["5809844"]),
    Filters(country_codes=["DE"]),
    Filters(location_ids=["5391959"], country_codes=["DE"]),
    Filters(workplace=["remote", "hybrid"], min_remote_share=0.6),
    Filters(min_remote_share=0.61),
    Filters(min_salary=SalaryFloor(amount=150000)),
    Filters(min_salary=SalaryFloor(amount=60, currency="USD", period="hour")),
    Filters(min_salary=SalaryFloor(amount=140000, currency="EUR", period="year")),
    Filters(posted_within_days=7),
    Filters(posted_within_days=2),
    Filters(exclude_company_types=["staffing"]),
    Filters(company_ids=["c-acme", "c-green"], exclude_company_ids=["c-green"]),
    Filters(seniority=["senior", "lead"], employment_type=["full_time"]),
    Filters(location_ids=["5809844"], workplace=["hybrid"], exclude_company_types=["staffing"],
            posted_within_days=7, min_salary=SalaryFloor(amount=150000), seniority=["senior"]),
]


@pytest.mark.parametrize("filters", FILTER_SETS, ids=range(len(FILTER_SETS)))
def test_mask_matches_oracle(case_table, case_jobs, filters: Filters) -> None:
    floor = salary_floor_usd(filters) if filters.min_salary else None
    mask = violation_mask(case_jobs, np.arange(case_jobs.n), filters, now=NOW, pay_floor_usd=floor)
    for i, row in enumerate(case_table.to_pylist()):
        expected = bool(violations(row, filters, now=NOW))
        assert bool(mask[i]) == expected, f"{row['job_id']}: mask {mask[i]}, oracle {violations(row, filters, now=NOW)}"


def test_each_filter_has_its_reason_bit(case_jobs) -> None:
    from jobsearch.models.strict import reasons_of

    idx = case_jobs.indices(["staffing", "old", "onsite"])
    f = Filters(exclude_company_types=["staffing"], posted_within_days=7, workplace=["hybrid"])
    got = [reasons_of(int(m)) for m in violation_mask(case_jobs, idx, f, now=NOW)]
    assert got == [["company_type"], ["posted_within_days"], ["workplace"]]
