"""Relative pay ("above median pay") resolved to an amount from the served postings' pay
statistics for the query's role and place. It belongs to query understanding: the engine
returns strict filters the index can apply, so no later stage interprets the query."""

from __future__ import annotations

from typing import Protocol

from jobsearch.errors import BadQueryError
from jobsearch.schema import Filters, SalaryFloor
from jobsearch.taxonomy.currency import from_annual_usd


class PayStatistics(Protocol):
    def annual_usd(
        self,
        stat: str,
        *,
        occupation_code: str | None,
        location_ids: list[str],
        country_codes: list[str],
    ) -> float | None: ...


def needs_resolution(filters: Filters) -> bool:
    floor = filters.min_salary
    return floor is not None and floor.relative is not None and floor.amount is None


def resolve_relative_pay(filters: Filters, semantic_text: str, paystats: PayStatistics) -> Filters:
    """Turn {"relative": "median"} into an amount in the query's currency per year; the label
    stays in `relative` for chips. BadQueryError when no statistic covers role and place."""
    if not needs_resolution(filters):
        return filters
    from jobsearch.taxonomy.occupations import match_occupation

    floor = filters.min_salary
    assert floor is not None and floor.relative is not None
    occupation = match_occupation(semantic_text) if semantic_text else None
    usd = paystats.annual_usd(
        floor.relative,
        occupation_code=occupation.code if occupation else None,
        location_ids=list(filters.location_ids),
        country_codes=list(filters.country_codes),
    )
    if usd is None:
        raise BadQueryError(f"no pay statistics to resolve '{floor.relative} pay' for this role and place")
    currency = floor.currency or "USD"
    amount = round(from_annual_usd(usd, currency, "year"), -2)
    resolved = SalaryFloor(amount=amount, currency=currency, period="year", relative=floor.relative)
    return filters.model_copy(update={"min_salary": resolved})


def for_retrieval(filters: Filters) -> Filters:
    """The index takes amounts only; the relative label stays in the response for display."""
    floor = filters.min_salary
    if needs_resolution(filters):
        raise BadQueryError(f"'{floor.relative} pay' needs pay statistics, which this index lacks")  # type: ignore[union-attr]
    if floor is None or floor.relative is None:
        return filters
    return filters.model_copy(update={"min_salary": floor.model_copy(update={"relative": None})})
