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
