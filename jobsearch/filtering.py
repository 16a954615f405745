"""The reference semantics of strict filters, one posting row at a time, in plain Python.

It is the oracle: index tests, the evaluation harness (filter-violation rate) and the
pipeline's property test check every answer against it. The index's vectorised masks
(`jobsearch.index.masks`) must agree with it exactly; keep it simple rather than fast."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from jobsearch.schema import Filters
from jobsearch.taxonomy.currency import to_annual_usd

# Pay comparisons forgive this relative error so a posting that pays exactly the floor,
# converted through the same rates, never fails on rounding.
PAY_TOLERANCE = 1e-6


def gazetteer_country(location_id: str) -> str:
    """Country code of a GeoNames city id ("" when the gazetteer does not know it)."""
    from jobsearch.taxonomy.places import gazetteer

    city = gazetteer().cities.get(location_id)
    return city.country_code if city else ""


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the corpus stores UTC timestamps)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def salary_floor_usd(filters: Filters) -> float | None:
    """The resolved pay floor as annual USD, or None without a pay filter.

    Raises ValueError when the floor is still relative ("above median") or incomplete:
    the pipeline resolves it to an amount before searching."""
    floor = filters.min_salary
    if floor is None:
        return None
    if floor.relative is not None and floor.amount is None:
        raise ValueError(
            f"min_salary is still relative ({floor.relative!r}); resolve it to an amount "
            "from pay statistics before filtering"
        )
    if floor.amount is None:
        raise ValueError("min_salary has no amount")
    currency = (floor.currency or "USD").upper()
    period = floor.period or "year"
    try:
        return to_annual_usd(floor.amount, currency, period)
    except KeyError as exc:
        raise ValueError(f"min_salary currency {currency!r} or period {period!r} is unknown") from exc


def posting_salary_usd(row: Mapping[str, object]) -> float | None:
    """Annual USD of a row's salary max; None without a salary or with an unknown currency."""
    top = row.get("salary_max")
    currency = row.get("salary_currency")
    period = row.get("salary_period")
    if top is None or currency is None or period is None:
        return None
    try:
        return to_annual_usd(float(top), str(currency), str(period))  # type: ignore[arg-type]
    except KeyError:
        return None


def violations(
    row: Mapping[str, object],
    filters: Filters,
    *,
    now: datetime,
    country_of: Callable[[str], str] | None = None,
) -> list[str]:
    """Names of the filters `row` (POSTINGS_SCHEMA dict form) violates at time `now`;
    an empty list means the posting passes every strict filter."""
    country_of = country_of or gazetteer_country
    failed: list[str] = []
    locations = [str(x) for x in (row.get("location_ids") or [])]  # type: ignore[attr-defined]

    # Excluded places drop out first; the posting must still be listed somewhere else that
    # is wanted ("Texas but not Houston": Austin passes, Houston fails, Houston+Austin passes).
    excluded = set(filters.exclude_location_ids)
    excluded_countries = {c.upper() for c in filters.exclude_country_codes}
    if excluded or excluded_countries:
        kept = [loc for loc in locations if loc not in excluded and country_of(loc) not in excluded_countries]
        if not kept:
            failed.append("exclude_location_ids" if filters.exclude_location_ids else "exclude_country_codes")
        locations = kept
    if filters.location_ids or filters.country_codes:
        wanted = set(filters.location_ids)
        countries = {c.upper() for c in filters.country_codes}
        hit = any(loc in wanted for loc in locations) or any(
            country_of(loc) in countries for loc in locations
        )
        if not hit and not failed:
            failed.append("location_ids" if filters.location_ids else "country_codes")

    if filters.workplace and row.get("workplace") not in filters.workplace:
        failed.append("workplace")
    if filters.min_remote_share is not None:
        share = row.get("remote_share")
        if share is None or float(share) < filters.min_remote_share:  # type: ignore[arg-type]
            failed.append("min_remote_share")

    floor = salary_floor_usd(filters)
    if floor is not None:
        pay = posting_salary_usd(row)
        if pay is None or pay < floor * (1 - PAY_TOLERANCE):
            failed.append("min_salary")

    if filters.posted_within_days is not None:
        posted = row.get("posted_at")
        cutoff = as_utc(now) - timedelta(days=filters.posted_within_days)
        if not isinstance(posted, datetime) or as_utc(posted) < cutoff:
            failed.append("posted_within_days")

    if filters.exclude_company_types and row.get("company_type") in filters.exclude_company_types:
        failed.append("exclude_company_types")
    if filters.company_ids and row.get("company_id") not in filters.company_ids:
        failed.append("company_ids")
    if filters.exclude_company_ids and row.get("company_id") in filters.exclude_company_ids:
        failed.append("exclude_company_ids")
    if filters.seniority and row.get("seniority") not in filters.seniority:
        failed.append("seniority")
    if filters.employment_type and row.get("employment_type") not in filters.employment_type:
        failed.append("employment_type")
    return failed
