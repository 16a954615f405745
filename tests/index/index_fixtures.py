"""Index test helpers (a uniquely named module, imported by name from the tests): seeded
posting rows with every filterable attribute and clustered unit vectors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import strategies as st

from jobsearch.schema import (
    COMPANY_TYPES,
    EMPLOYMENT_TYPES,
    SENIORITIES,
    WORKPLACES,
    Filters,
    SalaryFloor,
)

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
DIM = 32
# Real GeoNames ids: San Francisco, San Jose, Seattle, New York, Berlin, Munich, London,
# Paris, Toronto, Bangalore, Sydney, Tokyo.
CITIES = ["5391959", "5392171", "5809844", "5128581", "2950159", "2867714", "2643743",
          "2988507", "6167865", "1277333", "2147714", "1850147"]
CURRENCIES = ["USD", "EUR", "GBP", "CAD", "INR", "JPY", "AUD"]
PERIODS = ["year", "month", "hour"]


def make_rows(n: int, seed: int = 0, prefix: str = "job") -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        workplace = ["onsite", "hybrid", "remote"][rng.integers(3)]
        share = {"onsite": 0.0, "remote": 1.0}.get(workplace, float(rng.choice([0.2, 0.4, 0.5, 0.6, 0.8])))
        nloc = 1 if rng.random() < 0.8 else int(rng.integers(2, 4))
        locs = [str(x) for x in rng.choice(CITIES, size=nloc, replace=False)]
        has_pay = rng.random() < 0.75
        period = PERIODS[rng.integers(3)]
        base = {"year": 90_000, "month": 7_000, "hour": 45}[period] * float(rng.uniform(0.4, 2.0))
        cur = CURRENCIES[rng.integers(len(CURRENCIES))] if rng.random() < 0.95 else "XXX"
        rows.append({
            "job_id": f"{prefix}-{i}", "title": f"Role {i}", "description": f"Description of role {i}",
            "company_id": f"c{int(rng.integers(40))}", "company_name": "Co",
            "company_type": COMPANY_TYPES[int(rng.random() < 0.2)], "industry_naics": None,
            "location_ids": locs, "workplace": workplace, "remote_share": share,
            "salary_min": round(base * 0.8, 2) if has_pay else None,
            "salary_max": round(base, 2) if has_pay else None,
            "salary_currency": cur if has_pay else None, "salary_period": period if has_pay else None,
            "posted_at": NOW - timedelta(seconds=int(rng.integers(0, 60 * 86400))),
            "seniority": SENIORITIES[rng.integers(len(SENIORITIES))],
            "employment_type": EMPLOYMENT_TYPES[rng.integers(len(EMPLOYMENT_TYPES))],
            "occupation_code": "15-1252.00", "skills": ["python"],
        })
    return rows


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def clustered(n: int, dim: int = DIM, seed: int = 0, clusters: int = 8) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = unit(rng.standard_normal((clusters, dim)))
    return unit(centers[rng.integers(clusters, size=n)] + 0.35 * rng.standard_normal((n, dim)))


# Random strict filters over the values `make_rows` uses (plus unknown ones).
filters_strategy = st.builds(
    Filters,
    location_ids=st.lists(st.sampled_from(CITIES + ["123"]), max_size=3),
    country_codes=st.lists(st.sampled_from(["US", "DE", "GB", "IN", "JP", "ZZ"]), max_size=2),
    exclude_location_ids=st.lists(st.sampled_from(CITIES + ["123"]), max_size=2),
    exclude_country_codes=st.lists(st.sampled_from(["US", "DE", "ZZ"]), max_size=1),
    workplace=st.lists(st.sampled_from(WORKPLACES), max_size=2, unique=True),
    min_remote_share=st.one_of(st.none(), st.sampled_from([0.0, 0.2, 0.5, 0.6, 0.7, 1.0])),
    min_salary=st.one_of(
        st.none(),
        st.builds(SalaryFloor, amount=st.floats(10, 300000), currency=st.sampled_from(["USD", "EUR", "INR"]),
                  period=st.sampled_from(["year", "month", "hour"])),
    ),
    posted_within_days=st.one_of(st.none(), st.integers(0, 70)),
    exclude_company_types=st.lists(st.sampled_from(COMPANY_TYPES), max_size=1),
    company_ids=st.lists(st.sampled_from([f"c{i}" for i in range(45)]), max_size=4),
    exclude_company_ids=st.lists(st.sampled_from([f"c{i}" for i in range(45)]), max_size=4),
    seniority=st.lists(st.sampled_from(SENIORITIES), max_size=3),
    employment_type=st.lists(st.sampled_from(EMPLOYMENT_TYPES), max_size=2),
)
