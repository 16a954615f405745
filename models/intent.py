"""The structured intent behind a query: what a synthetic query *means*, written by the
generator and read by the policy grader, the LLM grader and the parse-F1 metric."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jobsearch.schema import Filters, Seniority

# Query types the harness reports separately (one per template family).
QUERY_TYPES: tuple[str, ...] = (
    "role",
    "role_place",
    "constraint_heavy",
    "mission",
    "skill",
    "seniority",
    "pay",
    "recency",
    "personalised",
    "company_type",
    "workplace",
)


class QueryIntent(BaseModel):
    """Ground truth of one query. `filters` are the strict constraints in the same
    `Filters` schema the query engine produces (so parse F1 compares like with like);
    the other fields are soft and only shape the grade."""

    model_config = ConfigDict(extra="forbid")
    text: str
    semantic_text: str = Field(description="what should stay as meaning: role, domain, skills")
    occupation_code: str | None = Field(default=None, description="O*NET-SOC code asked for")
    skills: list[str] = Field(default_factory=list, description="skills asked for (soft)")
    seniority: Seniority | None = Field(default=None, description="level asked for (soft)")
    mission: str | None = Field(default=None, description="mission/values phrase, e.g. 'the environment'")
    mission_naics: list[str] = Field(default_factory=list, description="NAICS prefixes that serve the mission")
    filters: Filters = Field(default_factory=Filters)
    member_id: str | None = None
    personal: list[str] = Field(
        default_factory=list, description="member facts used: 'profile', 'connections', 'near_me'"
    )
