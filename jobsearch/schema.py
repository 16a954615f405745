"""The data contracts every stage shares: postings, parsed queries, filters, results.

`ParsedQuery.model_dump()` is the JSON contract of `jobsearch parse --json`; `Posting` is the
schema of a corpus row (generated or user-supplied). Enumerations live here so that the
parser, the index's filter columns and the page agree on spelling and order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Order matters: the index stores these as small integer codes (position in the tuple).
WORKPLACES: tuple[str, ...] = ("onsite", "hybrid", "remote")
SENIORITIES: tuple[str, ...] = (
    "intern",
    "entry",
    "mid",
    "senior",
    "lead",
    "manager",
    "director",
    "executive",
)
EMPLOYMENT_TYPES: tuple[str, ...] = (
    "full_time",
    "part_time",
    "contract",
    "temporary",
    "internship",
)
COMPANY_TYPES: tuple[str, ...] = ("direct", "staffing")
PAY_PERIODS: tuple[str, ...] = ("year", "month", "hour")

Workplace = Literal["onsite", "hybrid", "remote"]
Seniority = Literal["intern", "entry", "mid", "senior", "lead", "manager", "director", "executive"]
EmploymentType = Literal["full_time", "part_time", "contract", "temporary", "internship"]
CompanyType = Literal["direct", "staffing"]
PayPeriod = Literal["year", "month", "hour"]
# A pay floor may also be stated per week or day ("$2,500 a week", "£450/day"): 52 weeks,
# 260 working days a year (`jobsearch.taxonomy.currency`). Postings keep `PayPeriod`.
FloorPeriod = Literal["year", "month", "week", "day", "hour"]

# Hours and months per year used to compare pay across periods (documented in the README).
HOURS_PER_YEAR = 2080
MONTHS_PER_YEAR = 12


class Salary(BaseModel):
    """A posted pay range in the posting's own currency and period."""

    model_config = ConfigDict(extra="forbid")
    min: float = Field(gt=0)
    max: float = Field(gt=0)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code, e.g. USD")
    period: PayPeriod

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.max < self.min:
            raise ValueError(f"salary max {self.max} is below min {self.min}")
        return self


class Company(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    type: CompanyType = "direct"
    industry_naics: str | None = None


class Posting(BaseModel):
    """One job posting: the row schema of a corpus (JSONL or Parquet)."""

    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=128)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=20000)
    company: Company
    location_ids: list[str] = Field(min_length=1, description="GeoNames IDs of the job's places")
    workplace: Workplace
    remote_share: float = Field(ge=0.0, le=1.0, description="share of working time remote")
    salary: Salary | None = None
    posted_at: datetime
    seniority: Seniority
    employment_type: EmploymentType
    occupation_code: str | None = Field(default=None, description="O*NET-SOC code, e.g. 15-1252.00")
    skills: list[str] = Field(default_factory=list)
    apply_url: str | None = Field(
        default=None, max_length=2000, description="where to apply (an http(s) URL, or a path on this server)"
    )

    @field_validator("location_ids")
    @classmethod
    def _numeric_ids(cls, v: list[str]) -> list[str]:
        for loc in v:
            if not loc.isdigit():
                raise ValueError(f"location id {loc!r} is not a GeoNames ID (digits)")
        return v

    @model_validator(mode="after")
    def _workplace_share(self) -> Posting:
        if self.workplace == "onsite" and self.remote_share > 0:
            raise ValueError("an onsite posting must have remote_share 0")
        if self.workplace == "remote" and self.remote_share < 1:
            raise ValueError("a remote posting must have remote_share 1")
        return self


class SalaryFloor(BaseModel):
    """A pay constraint: an amount, or a statistic (`relative`) resolved at search time."""

    model_config = ConfigDict(extra="forbid")
    # Unset parts are left out of the JSON (the parse contract: {"relative": "median"} at
    # parse time, the amount once resolved).
    amount: float | None = Field(default=None, exclude_if=lambda v: v is None)
    currency: str | None = Field(default=None, exclude_if=lambda v: v is None)
    period: FloorPeriod | None = Field(default=None, exclude_if=lambda v: v is None)
    relative: Literal["median", "p75", "p90"] | None = Field(default=None, exclude_if=lambda v: v is None)



class Filters(BaseModel):
    """Strict constraints. Empty list / None means "no constraint"."""

    model_config = ConfigDict(extra="forbid")
    location_ids: list[str] = Field(default_factory=list)
    country_codes: list[str] = Field(default_factory=list)
    # "Texas but not Houston", "outside London": a posting passes when one of its places is
    # neither excluded nor outside the wanted places (see `jobsearch.filtering.violations`).
    exclude_location_ids: list[str] = Field(default_factory=list)
    exclude_country_codes: list[str] = Field(default_factory=list)
    workplace: list[Workplace] = Field(default_factory=list)
    min_remote_share: float | None = None
    min_salary: SalaryFloor | None = None
    posted_within_days: int | None = None
    exclude_company_types: list[CompanyType] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    exclude_company_ids: list[str] = Field(default_factory=list)
    seniority: list[Seniority] = Field(default_factory=list)
    employment_type: list[EmploymentType] = Field(default_factory=list)


class Suggestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description="e.g. 'ambiguous_place', 'refine'")
    text: str
    options: list[dict[str, str]] = Field(default_factory=list)


class ParsedQuery(BaseModel):
    """What the query engine understood; the contract of `jobsearch parse --json`."""

    model_config = ConfigDict(extra="forbid")
    text: str
    semantic_text: str
    filters: Filters = Field(default_factory=Filters)
    unresolved: list[str] = Field(default_factory=list)
    suggestions: list[Suggestion] = Field(default_factory=list)
    # Extras beyond the contract: what each filter came from, for chips and "why".
    constraints: list[dict[str, str]] = Field(
        default_factory=list,
        description="one entry per understood constraint: {'filter', 'label', 'span'}",
    )
    member_id: str | None = None
    wishes: list[str] = Field(
        default_factory=list,
        description="soft signals with no posting field, for ranking only (never filters): "
        "'night_shift', 'day_shift', 'overnight', 'weekends', 'evenings', 'flexible_hours', 'shift_work', "
        "'immediate_start'",
    )


class SearchResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str
    title: str
    company: Company
    location_ids: list[str]
    location: str = Field(description="display name of the first place")
    workplace: Workplace
    remote_share: float
    salary: Salary | None
    posted_at: datetime
    seniority: Seniority
    employment_type: EmploymentType
    score: float
    match: Literal["excellent", "good", "fair", "poor"] | None = Field(
        default=None, description="predicted grade of the match (calibrated); null when no calibration is loaded"
    )
    match_score: float | None = Field(
        default=None, ge=0.0, le=1.0, description="calibrated probability that the match is good or better"
    )
    why: list[str] = Field(default_factory=list)
    apply_url: str | None = None
    salary_converted: Salary | None = Field(
        default=None, description="the pay range per year in the currency the query stated, when it differs"
    )
    similar_count: int = Field(
        default=0, ge=0, description="near-duplicates (same title, company and place) collapsed into this result"
    )


class JobDetail(Posting):
    """The whole posting behind a result (`GET /v1/jobs/{job_id}`), dates as served."""

    places: list[str] = Field(default_factory=list, description="display names of `location_ids`, same order")


class FacetValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str
    label: str
    count: int = Field(ge=0, description="postings passing the current filters that have this value")
    phrase: str | None = Field(
        default=None, description="words to add to the query to filter on this value (null: not a filter)"
    )


class Relaxation(BaseModel):
    """A nearby query that finds strong matches when this one finds none."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["place", "pay", "date"]
    label: str = Field(description="e.g. 'Within 50 km of Lyon'")
    query: str = Field(description="the rewritten query text to search instead")
    total_matching: int
    total_strong: int | None = None


class Refinement(BaseModel):
    """A chip that narrows the query, from attributes mined at index build for the
    occupation and place nearest the query (`jobsearch.index.attributes`, `jobsearch.refine`)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["skill", "title", "company", "pay", "workplace"]
    label: str = Field(description="e.g. 'add skill: Kubernetes', 'company: Acme (42 jobs)'")
    value: str = Field(description="the skill, title, company id, pay floor ('140000 USD/year') or workplace")
    query: str = Field(description="the query text with the refinement's words added: search it to apply the chip")
    filters: Filters = Field(description="the strict filters that query resolves to")
    count: int = Field(ge=1, description="postings the refinement leaves (see `count_scope`)")
    count_scope: Literal["filtered", "group"] = Field(
        description="'filtered': exactly the postings passing the current filters and this one; 'group': postings "
        "of the mined group (occupation and place) that have it (a skill or title narrows by meaning, not by filter)"
    )
    group: str = Field(description="the mined group it comes from, e.g. 'Software Developers in Seattle, WA'")


class Searchable(BaseModel):
    """How much of the corpus a search covered, while the index is still filling in."""

    model_config = ConfigDict(extra="forbid")
    indexed: int = Field(description="postings searchable now")
    total: int = Field(description="postings in the corpus; the rest are being encoded")


class SearchResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: ParsedQuery
    results: list[SearchResult]
    total_matching: int = Field(description="postings that pass every strict filter")
    total_strong: int | None = Field(
        default=None,
        description="good-or-better matches among the postings that pass the filters (a lower bound "
        "when more postings pass than were graded; see `total_strong_exact`); null without calibration",
    )
    total_strong_exact: bool = Field(default=True, description="false when total_strong is a lower bound")
    ranked_by: str = Field(default="retrieval", description="'ranker' or 'retrieval' (the order of results)")
    ranking_note: str | None = Field(default=None, description="why the ranker was skipped, when it was")
    empty_reason: str | None = None
    sort: Literal["relevance", "date", "pay"] = "relevance"
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page; null on the last")
    facets: dict[str, list[FacetValue]] | None = Field(
        default=None, description="counts over every posting passing the filters (when asked with `facets`)"
    )
    relaxations: list[Relaxation] = Field(
        default_factory=list, description="when no strong match exists: nearby queries that find some"
    )
    refinements: list[Refinement] = Field(
        default_factory=list,
        description="chips that narrow the query: skills, titles, employers, pay and workplace mined at index "
        "build for the occupation and place nearest the query; each carries the query text to search",
    )
    searchable: Searchable | None = Field(
        default=None, description="set while the index holds only part of the corpus (it is filling in); "
        "null when every posting is searchable",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)


class MemberPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workplace: list[Workplace] = Field(default_factory=list)
    min_salary: SalaryFloor | None = None
    location_ids: list[str] = Field(default_factory=list)


class Member(BaseModel):
    """A demo member: profile, preferences and connections, for personalised queries
    ("where I have a connection", "near me")."""

    model_config = ConfigDict(extra="forbid")
    member_id: str = Field(min_length=1)
    name: str
    headline: str
    occupation_code: str | None = None
    skills: list[str] = Field(default_factory=list)
    seniority: Seniority | None = None
    location_id: str | None = None
    preferences: MemberPreferences = Field(default_factory=MemberPreferences)
    connection_company_ids: list[str] = Field(default_factory=list)
