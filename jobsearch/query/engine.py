"""RuleQueryEngine: the deterministic query engine (v1). Extractors claim the spans they
understand, in an order that lets specific phrases win over general ones ("not remote"
before "remote", "recent graduate" before "recent"); the rest is semantic text.
The pipeline, the API and `jobsearch parse --json` (via `parse_json`) call it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jobsearch.errors import BadQueryError, UnknownMemberError
from jobsearch.query.companies import CompanyMatcher, extract_company_type
from jobsearch.query.draft import Draft
from jobsearch.query.gazetteer_index import place_index
from jobsearch.query.languages import to_english
from jobsearch.query.levels import extract_levels
from jobsearch.query.pay import extract_pay, settle_pay
from jobsearch.query.personal import extract_personal
from jobsearch.query.places import PlaceParser
from jobsearch.query.recency import extract_recency
from jobsearch.query.relative_pay import PayStatistics, resolve_relative_pay
from jobsearch.query.semantic import semantic_text
from jobsearch.query.spelling import speller
from jobsearch.query.text import MAX_QUERY_CHARS, QueryText, normalize_query
from jobsearch.query.wishes import extract_wishes
from jobsearch.query.workplace import extract_workplace
from jobsearch.schema import Company, Filters, Member, ParsedQuery

if TYPE_CHECKING:
    from jobsearch.catalog import Catalog

# Left alone, these say nothing about the role: the query is only constraints.
_EMPTY_MEANING = frozenset({"work", "working", "employment", "anything", "something", "stuff"})


class RuleQueryEngine:
    """Deterministic parser + taxonomy resolver (implements `jobsearch.stages.QueryEngine`)."""

    def __init__(
        self,
        *,
        companies: Sequence[Company] = (),
        members: Mapping[str, Member] | None = None,
        paystats: PayStatistics | None = None,
        now: datetime | None = None,
    ) -> None:
        self.companies = CompanyMatcher(companies)
        self.members: Mapping[str, Member] = members or {}
        # Without statistics "above median pay" stays relative (the parse contract of
        # `jobsearch parse` offline); a pipeline refuses to search it.
        self.paystats = paystats
        self.now = now  # reserved: absolute dates ("since March 3") need a clock

    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        if isinstance(text, str):
            text = normalize_query(text)
        if not isinstance(text, str) or not text:
            raise BadQueryError("the query is empty: type what job you are looking for")
        if len(text) > MAX_QUERY_CHARS:
            raise BadQueryError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
        member = None
        if member_id is not None:
            member = self.members.get(member_id)
            if member is None:
                raise UnknownMemberError(f"unknown member id {member_id!r}")
        ix = place_index()
        member_country = member_city = None
        if member is not None and member.location_id in ix.g.cities:
            member_city = ix.g.cities[member.location_id]
            member_country = member_city.country_code

        # Another language's words in English first: one grammar parses all nine.
        english, language = to_english(text)
        draft = Draft()
        if language is None:  # did you mean: the corrected text is parsed, the original offered
            correction = speller().correct(english, extra_known=self.companies.words)
            english = correction.text
            draft.suggestions.extend(correction.suggestions)
        q = QueryText(english)
        wishes = extract_wishes(q, draft)
        extract_personal(q, draft, member)
        extract_company_type(q, draft)
        extract_workplace(q, draft)
        extract_levels(q, draft)
        extract_recency(q, draft)
        pending_pay = extract_pay(q, draft)
        self.companies.extract(q, draft)
        places = PlaceParser(ix, member_country=member_country, member_city=member_city, language=language).parse(q, draft)
        country = places.country or member_country
        local_currency = ix.g.countries[country].currency if country in ix.g.countries else None
        settle_pay(draft, pending_pay, local_currency)

        # Chips in the order the user wrote them.
        draft.constraints.sort(key=lambda c: _position(english, c["span"]))
        meaning = semantic_text(q)
        if meaning.lower() in _EMPTY_MEANING:
            meaning = ""
        if draft.profile_text:
            meaning = f"{meaning} {draft.profile_text}".strip()
        filters = Filters.model_validate(draft.filters)
        if self.paystats is not None:
            filters = resolve_relative_pay(filters, meaning, self.paystats)
        return ParsedQuery(
            text=text,
            semantic_text=meaning,
            filters=filters,
            unresolved=draft.unresolved,
            suggestions=draft.suggestions,
            constraints=draft.constraints,
            member_id=member_id if draft.member_used else None,
            wishes=wishes,
        )


def build_query_engine(catalog: Catalog | None = None) -> RuleQueryEngine:
    """The one factory of the query engine for the CLI, the API and the query server:
    companies, members and pay statistics of the served postings when a catalog is given.
    The rules are combined with the learned tagger once it is built in the data home, and
    an LLM is asked when JOBSEARCH_QUERY_LLM_URL is set (`jobsearch.query.hybrid.with_models`)."""
    from jobsearch.query.hybrid import with_models

    if catalog is None:
        return with_models(RuleQueryEngine())
    return with_models(RuleQueryEngine(companies=catalog.companies, members=catalog.members, paystats=catalog.paystats))


def parse_json(engine: RuleQueryEngine, text: str, member_id: str | None = None) -> dict[str, Any]:
    """The `jobsearch parse --json` document (the ParsedQuery contract)."""
    return engine.parse(text, member_id).model_dump(mode="json")


def _position(text: str, span: str) -> int:
    at = text.find(span)
    return at if at >= 0 else len(text)
