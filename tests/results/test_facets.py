"""Facet counts equal a row-at-a-time reference (jobsearch.filtering.violations over every
live posting) for filters that take each counting path: no filter (cached totals), a
selective one (gathered rows), a broad one (counted as everything minus the complement)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from jobsearch.filtering import posting_salary_usd, violations
from jobsearch.results.facet_index import PAY_FLOORS_USD
from jobsearch.results.facets import POSTED_DAYS, facet_counts
from jobsearch.schema import Filters

CASES = {
    "none": {},
    "broad": {"exclude_company_types": ["staffing"]},
    "country": {"country_codes": ["US"]},
    "narrow": {"workplace": ["remote"], "min_salary": {"amount": 60000, "currency": "USD", "period": "year"}},
    "recent": {"posted_within_days": 7, "seniority": ["mid", "senior"]},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_facets_equal_a_row_by_row_count(pipeline, name: str) -> None:  # noqa: ANN001
    index = pipeline.retriever
    filters = Filters.model_validate(CASES[name])
    now = pipeline.clock.index_time(datetime.now(UTC))
    rows = [r for r in index.records_table().to_pylist() if not violations(r, filters, now=now)]
    assert rows
    got = facet_counts(index.view, filters, now=now, top=10_000)

    def counts(facet: str) -> dict[str, int]:
        return {v.value: v.count for v in got[facet]}

    for facet, field in (("workplace", "workplace"), ("seniority", "seniority"),
                         ("employment_type", "employment_type"), ("company_type", "company_type"),
                         ("company", "company_id")):
        assert counts(facet) == dict(Counter(r[field] for r in rows)), facet
    assert counts("place") == dict(Counter(p for r in rows for p in r["location_ids"]))
    for usd in PAY_FLOORS_USD:
        want = sum(1 for r in rows if (posting_salary_usd(r) or 0) >= usd * (1 - 1e-6))
        assert counts("pay").get(str(usd), 0) == want, usd
    for days in POSTED_DAYS:
        want = sum(1 for r in rows if not violations(r, Filters(posted_within_days=days), now=now))
        assert counts("posted_within").get(str(days), 0) == want, days
    assert [v.count for v in got["company"]] == sorted((v.count for v in got["company"]), reverse=True)
