"""Strict filters over whole candidate lists: one bit per violated filter, so the policy
grader can say *which* constraint a Bad job broke. Same rules as the per-row reference
oracle `jobsearch.filtering.violations` (the tests hold the two together)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from jobsearch.models.jobtable import JobTable

from jobsearch.filtering import PAY_TOLERANCE
from jobsearch.schema import EMPLOYMENT_TYPES, SENIORITIES, WORKPLACES, Filters
from jobsearch.taxonomy.currency import to_annual_usd

# Bit i of a violation mask means REASONS[i] was violated.
REASONS: tuple[str, ...] = (
    "location",
    "country",
    "workplace",
    "remote_share",
    "salary",
    "posted_within_days",
    "company_type",
    "company",
    "excluded_company",
    "seniority",
    "employment_type",
)
BIT = {name: np.uint16(1 << i) for i, name in enumerate(REASONS)}


def floor_usd(filters: Filters, *, relative_usd: float | None = None) -> float | None:
    """The pay floor as annual USD: a stated amount (currency defaults to USD, period to
    year), or a relative one (median/p75/p90) already resolved by the caller."""
    f = filters.min_salary
    if f is None:
        return None
    if f.amount is not None:
        return to_annual_usd(f.amount, f.currency or "USD", f.period or "year")
    return relative_usd


def violation_mask(
    jobs: JobTable,
    idx: np.ndarray,
    filters: Filters,
    *,
    now: datetime,
    pay_floor_usd: float | None = None,
) -> np.ndarray:
    """uint16 per job in `idx`: 0 when every strict filter holds, else the violated bits."""
    out = np.zeros(len(idx), dtype=np.uint16)

    def flag(name: str, bad: np.ndarray) -> None:
        out[bad] |= BIT[name]

    if filters.location_ids or filters.country_codes:
        # One place constraint: any listed place OR any place in a listed country.
        hit = jobs.locations.any_in(idx, set(filters.location_ids))
        hit |= jobs.countries.any_in(idx, {c.upper() for c in filters.country_codes})
        flag("location" if filters.location_ids else "country", ~hit)
    if filters.workplace:
        codes = [WORKPLACES.index(w) for w in filters.workplace]
        flag("workplace", ~np.isin(jobs.workplace[idx], codes))
    if filters.min_remote_share is not None:
        flag("remote_share", jobs.remote_share[idx] < filters.min_remote_share)
    if filters.min_salary is not None and pay_floor_usd is not None:
        top = jobs.pay_max_usd[idx]
        # A job that states no pay cannot promise the floor: a violation.
        flag("salary", np.isnan(top) | (top < pay_floor_usd * (1 - PAY_TOLERANCE)))
    if filters.posted_within_days is not None:
        oldest = now.timestamp() - filters.posted_within_days * 86400
        flag("posted_within_days", jobs.posted_ts[idx] < oldest)
    if filters.exclude_company_types:
        flag("company_type", np.isin(jobs.company_type[idx], list(filters.exclude_company_types)))
    if filters.company_ids:
        flag("company", ~np.isin(jobs.company_id[idx], list(filters.company_ids)))
    if filters.exclude_company_ids:
        flag("excluded_company", np.isin(jobs.company_id[idx], list(filters.exclude_company_ids)))
    if filters.seniority:
        flag("seniority", ~np.isin(jobs.seniority[idx], [SENIORITIES.index(s) for s in filters.seniority]))
    if filters.employment_type:
        codes = [EMPLOYMENT_TYPES.index(e) for e in filters.employment_type]
        flag("employment_type", ~np.isin(jobs.employment[idx], codes))
    return out


def reasons_of(mask: int) -> list[str]:
    return [name for i, name in enumerate(REASONS) if mask & (1 << i)]
