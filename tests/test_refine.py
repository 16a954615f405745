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


# --- refinement chips from a mined group ----------------------------------------------------


def _group(**overrides: object):  # noqa: ANN202 - jobsearch.index.attributes.Group
    from jobsearch.index.attributes import Group

    fields: dict[str, object] = dict(
        occupation_code="15-1252.00", kind="city", places=["5809844"], count=40, score=0.7,
        skills=[("Python", 20), ("Kubernetes", 12), ("Go", 9), ("SQL", 6), ("Rust", 1)],
        titles=[("Backend Engineer", 7), ("Software Engineer", 5)],
        employers=[("acme", "Acme", 14), ("globex", "Globex", 9), ("initech", "Initech", 3)],
        workplace={"onsite": 20, "hybrid": 8, "remote": 12},
        pay=[{"currency": "USD", "period": "year", "n": 30, "p25": 120000.0, "p50": 131000.0, "p75": 143250.0}],
    )
    fields.update(overrides)
    return Group(**fields)  # type: ignore[arg-type]


def _seattle(text: str = "software engineer in Seattle", **filters: object) -> tuple[ParsedQuery, Filters]:
    f = Filters(location_ids=["5809844"], **filters)  # type: ignore[arg-type]
    return ParsedQuery(text=text, semantic_text="software engineer", filters=f), f


def _count(per_company: dict[str, int] | None = None, total: int = 40):  # noqa: ANN202
    """A stand-in for the index's count: postings left by each kind of added filter."""
    per_company = per_company or {"acme": 14, "globex": 0, "initech": 3}

    def count(f: Filters) -> int:
        if f.company_ids:
            return per_company[f.company_ids[0]]
        if f.min_salary is not None:
            return 11
        if f.workplace:
            return {"remote": 12, "hybrid": 8}[f.workplace[0]]
        return total

    return count


def test_chips_narrow_the_query_with_the_groups_attributes() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle()
    chips = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())
    by_kind: dict[str, list] = {}
    for c in chips:
        by_kind.setdefault(c.kind, []).append(c)
    assert [c.label for c in by_kind["skill"]] == ["add skill: Python", "add skill: Kubernetes", "add skill: Go"]
    assert by_kind["skill"][0].query == "software engineer in Seattle, Python"
    assert by_kind["skill"][0].filters == f and by_kind["skill"][0].count_scope == "group"
    assert by_kind["title"][0].query == "Backend Engineer in Seattle"  # the role words replaced
    # Employers by the postings they leave here; one that leaves none is not offered.
    assert [(c.value, c.count, c.label) for c in by_kind["company"]] == [
        ("acme", 14, "company: Acme (14 jobs)"), ("initech", 3, "company: Initech (3 jobs)")]
    assert by_kind["company"][0].filters.company_ids == ["acme"]
    assert by_kind["company"][0].query == "software engineer in Seattle, at Acme"
    (pay,) = by_kind["pay"]
    assert pay.label == "pay ≥ $140,000 a year (top quarter here)"  # p75 143,250 floored to a round number
    assert pay.query == "software engineer in Seattle, paying at least $140,000 a year"
    assert pay.filters.min_salary == SalaryFloor(amount=140000, currency="USD", period="year")
    (wp,) = by_kind["workplace"]  # one workplace chip: remote first
    assert (wp.label, wp.query, wp.filters.workplace, wp.count) == (
        "remote only (30% here)", "software engineer in Seattle, remote", ["remote"], 12)
    assert all(c.group == "Software Developers in Seattle, WA" for c in chips)
    assert all(c.filters.location_ids == ["5809844"] for c in chips)  # nothing widens


def test_no_chip_repeats_what_the_query_already_says() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle("Kubernetes software engineer in Seattle at Acme, remote, paying at least $150k",
                         company_ids=["acme"], workplace=["remote"],
                         min_salary=SalaryFloor(amount=150000, currency="USD", period="year"))
    chips = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())
    assert {c.kind for c in chips} == {"skill", "title"}
    assert "Kubernetes" not in {c.value for c in chips}
    # An excluded employer is never offered back.
    parsed, f = _seattle(exclude_company_ids=["acme"])
    chips = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())
    assert "acme" not in {c.value for c in chips if c.kind == "company"}


def test_chips_that_leave_nothing_or_do_not_narrow_are_not_offered() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle()
    # Every posting here is at Acme and remote: those chips would change nothing.
    chips = refinements(parsed.text, parsed, f, _group(), total=12, count=_count({"acme": 12, "globex": 0,
                                                                                    "initech": 0}, total=12))
    assert not [c for c in chips if c.kind == "company" or c.kind == "workplace" and c.value == "remote"]
    assert all(c.count >= 1 for c in chips)
    assert refinements(parsed.text, parsed, f, _group(), total=0, count=_count()) == []
    assert refinements(parsed.text, parsed, f, None, total=40, count=_count()) == []
    # A skill or title of one posting is not a pattern; a thin pay band says nothing.
    chips = refinements(parsed.text, parsed, f, _group(pay=[{**_group().pay[0], "n": 3}]), total=40, count=_count())
    assert "Rust" not in {c.value for c in chips} and "pay" not in {c.kind for c in chips}


def test_a_chip_whose_words_parse_to_other_filters_is_dropped() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle()

    def resolve(query: str) -> Filters | None:
        if query.endswith(", Go"):  # say the parser read "Go" as something else
            return f.model_copy(update={"country_codes": ["GO"]})
        if "Globex" in query or "Initech" in query:
            return None  # or failed on it
        for c in chips_without_check:
            if c.query == query:
                return c.filters
        return f  # another skill: meaning only

    chips_without_check = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())
    checked = refinements(parsed.text, parsed, f, _group(), total=40, count=_count(), resolve=resolve)
    assert {c.value for c in chips_without_check} - {c.value for c in checked} == {"Go", "initech"}
    assert "SQL" in {c.value for c in checked}  # the next skill takes the dropped one's place


def test_a_query_about_other_work_gets_no_skills_from_all_the_places_jobs() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle("warehouse worker in Seattle")
    parsed = parsed.model_copy(update={"semantic_text": "warehouse worker"})
    place_only = _group(occupation_code=None)
    chips = refinements(parsed.text, parsed, f, place_only, total=40, count=_count())
    assert chips and {c.kind for c in chips} <= {"company", "pay", "workplace"}
    assert chips[0].group == "Jobs in Seattle, WA"
    # Without words of its own ("jobs in Seattle"), the place's skills are fair to offer.
    bare = parsed.model_copy(update={"semantic_text": "", "text": "jobs in Seattle"})
    assert "skill" in {c.kind for c in refinements(bare.text, bare, f, place_only, total=40, count=_count())}


def test_with_phrase_adds_words_like_the_page() -> None:
    from jobsearch.refine import with_phrase

    assert with_phrase("nurse in London,  ", "remote") == "nurse in London, remote"
    assert with_phrase("", "remote") == "remote"


def test_search_text_lists_the_chips_with_the_command_that_applies_each() -> None:
    from jobsearch.refine import refinements
    from jobsearch.results.text import search_lines
    from jobsearch.schema import SearchResponse

    parsed, f = _seattle()
    chips = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())
    lines = search_lines(SearchResponse(query=parsed, results=[], total_matching=40, refinements=chips))
    at = lines.index("refine (Software Developers in Seattle, WA):")
    assert lines[at + 1] == "  add skill: Python [in 20 here]: jobsearch search 'software engineer in Seattle, Python'"
    assert "  company: Acme (14 jobs) [14 left]: jobsearch search 'software engineer in Seattle, at Acme'" in lines


def test_cli_search_prints_refinements(demo_home) -> None:  # noqa: ANN001 - the session's data home
    from typer.testing import CliRunner

    from jobsearch.cli import _mount, app

    _mount()
    result = CliRunner().invoke(app, ["search", "software engineer in Seattle", "--k", "3"])
    assert result.exit_code == 0, result.output
    assert "refine (Software Developers in Seattle, WA):" in result.output
    assert "add skill: " in result.output and "jobsearch search 'software engineer in Seattle, " in result.output


def test_skills_and_employers_are_checked_together_in_one_parse_each() -> None:
    from jobsearch.refine import refinements

    parsed, f = _seattle()
    seen: list[str] = []
    plain = refinements(parsed.text, parsed, f, _group(), total=40, count=_count())

    def resolve(query: str) -> Filters:
        seen.append(query)
        if ", at Acme, at Initech" in query:
            return f.model_copy(update={"company_ids": ["initech", "acme"]})  # any order
        return next((c.filters for c in plain if c.query == query), f)

    checked = refinements(parsed.text, parsed, f, _group(), total=40, count=_count(), resolve=resolve)
    assert [c.value for c in checked] == [c.value for c in plain]
    assert seen == [
        "software engineer in Seattle, Python, Kubernetes, Go",  # the skills together
        "Backend Engineer in Seattle",
        "software engineer in Seattle, at Acme, at Initech",  # the employers together
        "software engineer in Seattle, paying at least $140,000 a year",
    ]  # and the workplace's own words are not parsed
