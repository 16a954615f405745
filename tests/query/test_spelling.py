"""Did you mean: typos of titles and places are corrected (and said so, with the original one
click away), abbreviations are spelled out, "PM" is a choice, and real words are left alone."""

from __future__ import annotations

import pytest

from jobsearch.query.engine import RuleQueryEngine

SEATTLE = "5809844"


@pytest.fixture(scope="module")
def bare() -> RuleQueryEngine:
    return RuleQueryEngine()


def test_typos_of_title_and_place(bare: RuleQueryEngine) -> None:
    parsed = bare.parse("sofware enginer in seatle")
    assert parsed.semantic_text == "software engineer"
    assert parsed.filters.location_ids == [SEATTLE]
    hint = parsed.suggestions[0]
    assert hint.kind == "did_you_mean"
    assert hint.text.startswith("Showing results for “software engineer in seattle”")
    assert hint.options == [{"query": "sofware enginer in seatle", "label": "Search instead for “sofware enginer in seatle”"}]
    assert parsed.text == "sofware enginer in seatle"  # the contract keeps what was typed


@pytest.mark.parametrize(
    ("text", "semantic"),
    [
        ("dental hygenist", "dental hygienist"),
        ("rn jobs houston", "registered nurse"),
        ("pharm tech", "pharmacy technician"),
        ("hvac tech phoenix", "hvac technician"),
        ("sparky jobs brisbane", "electrician"),
        ("ml eng", "machine learning engineer"),
        ("sysadmin", "systems administrator"),
        ("new grad swe", "software engineer"),
        ("sre", "site reliability engineer"),
        ("tech jobs in Austin", "tech"),  # technology, not a technician
    ],
)
def test_abbreviations_and_typos(bare: RuleQueryEngine, text: str, semantic: str) -> None:
    assert bare.parse(text).semantic_text == semantic


def test_pm_is_a_choice(bare: RuleQueryEngine) -> None:
    parsed = bare.parse("PM jobs bangalore")
    assert parsed.filters.location_ids == ["1277333"]
    choice = next(s for s in parsed.suggestions if s.kind == "ambiguous_title")
    assert [o["query"] for o in choice.options] == ["product manager jobs bangalore", "project manager jobs bangalore"]


@pytest.mark.parametrize(
    "text",
    ["explaining complicated tech stuff in plain english", "kubernetes terraform aws", "magazijnmedewerker",
     "im really good at calming down angry customers on the phone", "forklift", "golang developer",
     "kotlin engineer", "elixir backend developer", "solidity developer"],
)
def test_real_words_are_left_alone(bare: RuleQueryEngine, text: str) -> None:
    assert not [s for s in bare.parse(text).suggestions if s.kind == "did_you_mean"]


def test_index_company_names_are_never_corrected(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("engineer at Globex")
    assert parsed.filters.company_ids == ["co-globex"]
    assert not [s for s in parsed.suggestions if s.kind == "did_you_mean"]


def test_programming_languages_are_not_places(bare: RuleQueryEngine) -> None:
    """"golang" was corrected to Goyang (Korea): a place filter the person never typed."""
    parsed = bare.parse("golang jobs in berlin")
    assert parsed.filters.location_ids == ["2950159"] and "golang" in parsed.semantic_text


def test_the_speller_is_built_once_per_process() -> None:
    """Building it reads every vocabulary (~seconds): rebuilt per parse, the 10,000-query cache
    test ran past CI's 90 minutes."""
    from jobsearch.query.spelling import speller

    assert speller() is speller()
