"""Mis-parses found by the relevance harness (docs/relevance.md), kept fixed."""

from __future__ import annotations

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.schema import Member


@pytest.fixture(scope="module")
def engine() -> RuleQueryEngine:
    return RuleQueryEngine()


@pytest.mark.parametrize(
    ("text", "semantic"),
    [
        ("Security Officer jobs in Sydney", "Security Officer"),
        ("Chief Compliance Officer, remote", "Chief Compliance Officer"),
        ("Care Assistant", "Care Assistant"),
    ],
)
def test_capitalised_title_nouns_are_roles_not_towns(
    engine: RuleQueryEngine, text: str, semantic: str
) -> None:
    parsed = engine.parse(text)
    assert parsed.semantic_text == semantic
    assert all(c["label"] != "Officer, Australia" for c in parsed.constraints)


def test_a_title_noun_town_is_still_a_place_after_in(engine: RuleQueryEngine) -> None:
    assert engine.parse("nurse jobs in Officer, Australia").filters.location_ids


def test_a_stated_window_beats_new(engine: RuleQueryEngine) -> None:
    assert engine.parse("new data engineer jobs posted this week").filters.posted_within_days == 7
    assert engine.parse("new jobs for nurses").filters.posted_within_days == 3


def test_fits_my_background_matches_on_the_member_profile() -> None:
    me = Member(member_id="m1", name="A", headline="Data Engineer at Acme", skills=["Python", "SQL"],
                location_id="2950159")
    engine = RuleQueryEngine(members={"m1": me})
    parsed = engine.parse("jobs that fit my background close to where I live", "m1")
    assert parsed.semantic_text == "Data Engineer. Python, SQL"
    assert "2950159" in parsed.filters.location_ids and parsed.member_id == "m1"
    anonymous = RuleQueryEngine().parse("jobs that fit my background")
    assert anonymous.unresolved == ["that fit my background"]


@pytest.mark.parametrize(
    "text",
    [
        "Roles Matching My Profile",  # "Roles" is another name of Raleigh
        "Roles Where I Can Use Refrigeration And Preventive Maintenance",
        "open IT Manger positions",  # a typo of "manager", another name of Munger, India
    ],
)
def test_bare_alternate_names_of_small_cities_are_not_places(engine: RuleQueryEngine, text: str) -> None:
    assert engine.parse(text).filters.location_ids == []


def test_a_big_city_s_other_name_still_works_bare(engine: RuleQueryEngine) -> None:
    assert engine.parse("Bombay jobs").filters.location_ids == ["1275339"]  # Mumbai


def test_a_place_s_own_name_beats_another_city_s_alternate_name(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("logistics analyst in Manhattan, onsite only")
    assert parsed.filters.location_ids == ["5125771"]  # the borough, not all of New York City
    assert engine.parse("nurse jobs in Manhattan, KS").filters.location_ids == ["4274994"]


@pytest.mark.parametrize(("text", "city", "label"), [("gcp jobs in Singapore", "1880252", "Singapore"),
                                                      ("jobs in Hong Kong", "1819729", "Hong Kong")])
def test_city_states_resolve_to_the_city(engine: RuleQueryEngine, text: str, city: str, label: str) -> None:
    parsed = engine.parse(text)
    assert parsed.filters.location_ids == [city] and parsed.filters.country_codes == []
    assert [c["label"] for c in parsed.constraints] == [label]


def test_people_management_is_a_skill_and_people_manager_a_level(engine: RuleQueryEngine) -> None:
    assert engine.parse("stakeholder management and people management jobs").filters.seniority == []
    assert engine.parse("people manager roles in Seattle").filters.seniority == ["manager"]


def test_title_case_capitals_are_no_evidence_of_a_town(engine: RuleQueryEngine) -> None:
    # "To" is Tô, Burkina Faso; in Title Case every word is capitalised.
    assert engine.parse("Use My Engineering Manager Skills To Help Education").filters.location_ids == []
    assert engine.parse("Seattle Nurse Jobs").filters.location_ids == ["5809844"]


def test_a_heading_place_before_a_colon(engine: RuleQueryEngine) -> None:
    assert engine.parse("Barking: Facilities Technician wanted").filters.location_ids == ["2656333"]


def test_a_guarded_town_name_listed_after_a_place_is_a_place(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("security engineer jobs in seattle or oceanside, remote")
    assert parsed.filters.location_ids == ["5809844", "5378771"]
    assert engine.parse("jobs in sales or marketing").filters.location_ids == []


@pytest.mark.parametrize("text", ["remote jobs for someone with my skills", "what jobs suit my experience",
                                  "which roles match my skills", "jobs with my background"])
def test_more_ways_to_say_fits_my_profile(text: str) -> None:
    me = Member(member_id="m1", name="A", headline="Data Engineer at Acme", skills=["Python", "SQL"])
    parsed = RuleQueryEngine(members={"m1": me}).parse(text, "m1")
    assert parsed.semantic_text == "Data Engineer. Python, SQL"


def test_a_role_background_is_a_mission_phrase_not_the_profile() -> None:
    me = Member(member_id="m1", name="A", headline="Data Engineer at Acme", skills=["Python", "SQL"])
    parsed = RuleQueryEngine(members={"m1": me}).parse("use my marketing skills to help the environment", "m1")
    assert "marketing" in parsed.semantic_text and "Data Engineer" not in parsed.semantic_text


def _member(**kw: object) -> Member:
    base = {"member_id": "m-x", "name": "X", "headline": "Product Designer at Acme", "skills": ["Figma"],
            "seniority": "senior", "location_id": "5809844"}
    return Member.model_validate({**base, **kw})


@pytest.mark.parametrize("text", ["same kind of role I have now but fully remote", "something in my field",
                                  "jobs like my current job"])
def test_same_role_as_now_is_the_profile(text: str) -> None:
    m = _member()
    parsed = RuleQueryEngine(members={m.member_id: m}).parse(text, m.member_id)
    assert parsed.semantic_text.startswith("Product Designer. Figma")
    assert parsed.member_id == "m-x"


def test_next_step_up_is_one_level_higher() -> None:
    m = _member()
    parsed = RuleQueryEngine(members={m.member_id: m}).parse("whats the next step up from my current job", m.member_id)
    assert parsed.filters.seniority == ["lead"]
    assert parsed.semantic_text == "Product Designer. Figma"


def test_more_than_i_make_now() -> None:
    paid = _member(preferences={"min_salary": {"amount": 90000, "currency": "USD", "period": "year"}})
    unpaid = _member()
    engine = RuleQueryEngine(members={"a": paid.model_copy(update={"member_id": "a"}),
                                      "b": unpaid.model_copy(update={"member_id": "b"})})
    text = "something in my field that pays more than I make now"
    assert engine.parse(text, "a").filters.min_salary.amount == 90000  # type: ignore[union-attr]
    parsed = engine.parse(text, "b")
    assert parsed.filters.min_salary is None and parsed.unresolved == ["that pays more than I make now"]
