"""Request and response bodies of the HTTP API. Search and parse answer with the shared
contracts of `jobsearch.schema`; only what exists for HTTP alone is defined here."""

from __future__ import annotations

from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jobsearch.query.text import MAX_QUERY_CHARS
from jobsearch.schema import Filters, Member

MAX_REMOVE_ITEMS = 50

# Filters whose value is a list: "filter:value" removes one value. For the others the
# value part is ignored and the whole filter is dropped.
LIST_FILTERS: frozenset[str] = frozenset(
    name for name, f in Filters.model_fields.items() if get_origin(f.annotation) is list
)
ALL_FILTERS: frozenset[str] = frozenset(Filters.model_fields)
# What a `remove` item may be, for the OpenAPI schema (the validator below gives the reasons).
REMOVE_ITEM_PATTERN = "^(" + "|".join(sorted(ALL_FILTERS)) + ")(:.+)?$"


def _clean_query(v: str) -> str:
    v = v.strip()
    if not v:
        raise ValueError("query is empty: type what kind of job you are looking for")
    return v


class ParseRequest(BaseModel):
    """What `POST /v1/parse` accepts."""

    model_config = ConfigDict(extra="forbid", strict=True)
    query: str = Field(
        max_length=MAX_QUERY_CHARS,
        description="the search text, in plain language: at least one non-blank character (leading and trailing "
        "spaces are dropped); amounts must not be negative",
        json_schema_extra={"minLength": 1, "pattern": r"\S"},
    )
    member_id: str | None = Field(default=None, max_length=128, description="search as this demo member")

    _query = field_validator("query")(_clean_query)


class SearchRequest(ParseRequest):
    """What `POST /v1/search` accepts."""

    k: int = Field(default=20, ge=1, le=100, description="how many results to return")
    remove: list[str] = Field(
        default_factory=list,
        max_length=MAX_REMOVE_ITEMS,
        description=(
            "understood constraints to drop before retrieval: a filter name ('workplace', "
            "'min_salary', ...) or 'filter:value' for one value of a list filter "
            "('location_ids:2950159'); a scalar filter with a value drops the whole filter"
        ),
        json_schema_extra={"items": {"type": "string", "pattern": REMOVE_ITEM_PATTERN}},
    )

    sort: Literal["relevance", "date", "pay"] = Field(
        default="relevance", description="relevance, date (newest first) or pay (highest annualised first)"
    )
    cursor: str | None = Field(default=None, max_length=512, description="`next_cursor` of the previous page")
    facets: bool = Field(default=False, description="also count facets over every posting passing the filters")
    refinements: bool = Field(
        default=False, description="also suggest chips that narrow the query (first page only; they cost a few "
        "parses and counts, so ask for them where they are shown)",
    )
    max_per_company: int = Field(
        default=3, ge=0, le=100, description="at most this many postings of one company per 10 results (0: no cap; "
        "off when the query names a company)"
    )

    @field_validator("remove")
    @classmethod
    def _known_filters(cls, items: list[str]) -> list[str]:
        out: list[str] = []
        for item in items:
            name, sep, value = item.partition(":")
            if name not in ALL_FILTERS:
                raise ValueError(
                    f"unknown filter {name!r} in remove item {item!r}; known: {', '.join(sorted(ALL_FILTERS))}"
                )
            if sep and not value:
                raise ValueError(f"remove item {item!r} has an empty value")
            # A scalar filter has one value: drop it whole whatever value the chip carried.
            out.append(item if name in LIST_FILTERS and value else name)
        return out


class FeedbackRequest(BaseModel):
    """A user event on one result, for online evaluation and canary analysis."""

    model_config = ConfigDict(extra="forbid", strict=True)
    query_id: str = Field(
        min_length=1, max_length=2048,
        description="the X-Query-Id header of the search answer the event is about (signed by the server, "
        "valid for an hour); feedback without one is refused",
    )
    job_id: str = Field(min_length=1, max_length=128, description="a job_id among that answer's results")
    event: Literal["click", "apply"]


class FeedbackAccepted(BaseModel):
    accepted: bool = True
    counted: bool = Field(default=True, description="false for a repeat of an event already counted")
    model_version: str


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: a stable machine code and a sentence for people."""

    error: str = Field(description="machine-readable code, e.g. 'bad_query', 'unknown_member'")
    detail: str = Field(description="what went wrong and how to fix it")
    fields: list[dict[str, Any]] = Field(default_factory=list, description="per-field problems")


class MembersResponse(BaseModel):
    members: list[Member]


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: Literal["ok", "unavailable"]
    detail: str | None = None
