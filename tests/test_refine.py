"""Constraint removal (the page's chips) and filter naming, on hand-built parsed queries."""

from __future__ import annotations

import pytest

from jobsearch.errors import BadQueryError
from jobsearch.refine import describe_filter, drop_constraints, filters_without
from jobsearch.schema import Filters, ParsedQuery, SalaryFloor


def _parsed() -> ParsedQuery:
    return ParsedQuery(
        text="data engineer in Berlin or Munich, remote, 70k euros, this week",
        semantic_text="data engineer",
        filters=Filters(
            location_ids=["2950159", "2867714"],
            workplace=["remote"],
            min_salary=SalaryFloor(amount=70000, currency="EUR", period="year"),
            posted_within_days=7,
        ),
        constraints=[
            {
                "filter": "location_ids",
                "value": "2950159",
                "label": "Berlin, Germany",
                "span": "Berlin",
            },
            {
                "filter": "location_ids",
                "value": "2867714",
                "label": "Munich, Germany",
                "span": "Munich",
            },
            {"filter": "workplace", "value": "remote", "label": "Remote", "span": "remote"},
            {
                "filter": "min_salary",
                "value": "70000 EUR/year",
                "label": "≥ €70,000 / year",
                "span": "70k euros",
            },
            {
                "filter": "posted_within_days",
                "value": "7",
                "label": "Posted in the last 7 days",
                "span": "this week",
            },
        ],
    )


def test_drop_one_value_of_a_list_filter_keeps_the_others() -> None:
    out = drop_constraints(_parsed(), ["location_ids:2950159"])
    assert out.filters.location_ids == ["2867714"]
    assert [c["value"] for c in out.constraints if c["filter"] == "location_ids"] == ["2867714"]


def test_drop_a_whole_filter_resets_it_and_its_chips() -> None:
    out = drop_constraints(_parsed(), ["min_salary", "posted_within_days"])
    assert out.filters.min_salary is None and out.filters.posted_within_days is None
    assert {c["filter"] for c in out.constraints} == {"location_ids", "workplace"}
    assert out.filters.workplace == ["remote"]


@pytest.mark.parametrize("item", ["salary", "location_ids:123", ""])
def test_unknown_items_are_rejected_with_a_reason(item: str) -> None:
    with pytest.raises(BadQueryError, match="filter"):
        drop_constraints(_parsed(), [item])


def test_filters_without_and_describe() -> None:
    p = _parsed()
    assert filters_without(p.filters, "location_ids").location_ids == []
    assert describe_filter(p, "location_ids") == "Berlin, Germany or Munich, Germany"
    assert describe_filter(p, "seniority") == "seniority"


def test_a_chip_standing_for_several_values_drops_them_all_but_shared_ones() -> None:
    p = ParsedQuery(
        text="engineer in Silicon Valley or San Jose, mostly remote",
        semantic_text="engineer",
        filters=Filters(
            location_ids=["1", "2", "3"], workplace=["remote", "hybrid"], min_remote_share=0.5
        ),
        constraints=[
            {
                "filter": "location_ids",
                "value": "1,2",
                "label": "Silicon Valley",
                "span": "Silicon Valley",
            },
            {
                "filter": "location_ids",
                "value": "2,3",
                "label": "San Jose area",
                "span": "San Jose",
            },
            {
                "filter": "workplace",
                "value": "remote,hybrid",
                "label": "Mostly remote",
                "span": "mostly remote",
            },
        ],
    )
    out = drop_constraints(p, ["location_ids:1,2", "workplace:remote,hybrid"])
    assert out.filters.location_ids == ["2", "3"]
    assert out.filters.workplace == [] and out.filters.min_remote_share is None
    assert [c["label"] for c in out.constraints] == ["San Jose area"]
