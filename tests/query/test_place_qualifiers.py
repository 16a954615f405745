"""Places as people type them: a qualifier narrows ("London UK", "columbus oh"), an
exclusion leaves places out ("Colorado but not Denver", "outside london"), short and
lower-case names ("dfw", "NJ", "bangalore"), and English words are not small towns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobsearch.filtering import violations
from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.gazetteer_index import place_index
from jobsearch.taxonomy.metros import metro_ids

LONDON, PORTLAND_ME, COLUMBUS_OH, LOUISVILLE, CHARLOTTE = "2643743", "4975802", "4509177", "4299276", "4460243"
DENVER, HOUSTON, AUSTIN, BENGALURU = "5419384", "4699066", "4671654", "1277333"


@pytest.fixture(scope="module")
def engine() -> RuleQueryEngine:
    return RuleQueryEngine()


@pytest.mark.parametrize(
    ("text", "semantic", "city"),
    [
        ("accountant positions in London UK", "accountant", LONDON),
        ("nurse Portland Maine", "nurse", PORTLAND_ME),
        ("auto mechanic columbus oh", "auto mechanic", COLUMBUS_OH),
        ("warehouse jobs Louisville KY", "warehouse", LOUISVILLE),
        ("help desk charlotte nc", "help desk", CHARLOTTE),
        ("data scientist bangalore", "data scientist", BENGALURU),
    ],
)
def test_a_qualifier_narrows_to_one_city(engine: RuleQueryEngine, text: str, semantic: str, city: str) -> None:
    parsed = engine.parse(text)
    assert parsed.semantic_text == semantic
    assert parsed.filters.location_ids == [city]
    assert parsed.filters.country_codes == []


def test_portland_or_seattle_is_a_list_not_oregon(engine: RuleQueryEngine) -> None:
    assert engine.parse("jobs in Portland or Seattle").filters.location_ids == ["5746545", "5809844"]


def test_state_but_not_city(engine: RuleQueryEngine) -> None:
    f = engine.parse("nurse practitioner Colorado but not Denver").filters
    colorado = place_index().state_cities("CO")
    assert f.location_ids == list(colorado) and f.exclude_location_ids == [DENVER]
    now = datetime(2026, 12, 4, tzinfo=UTC)
    assert violations({"location_ids": [DENVER]}, f, now=now) == ["exclude_location_ids"]
    assert violations({"location_ids": ["5417598"]}, f, now=now) == []  # Colorado Springs
    assert violations({"location_ids": [DENVER, "5417598"]}, f, now=now) == []  # also hiring elsewhere
    assert violations({"location_ids": [AUSTIN]}, f, now=now) == ["location_ids"]


@pytest.mark.parametrize("text", ["engineer in Texas but not Houston", "engineer in Texas, excluding Houston",
                                  "engineer in Texas except Houston", "engineer in Texas not in Houston"])
def test_exclusion_words(engine: RuleQueryEngine, text: str) -> None:
    parsed = engine.parse(text)
    assert parsed.semantic_text == "engineer"
    assert parsed.filters.exclude_location_ids == [HOUSTON]
    chip = next(c for c in parsed.constraints if c["filter"] == "exclude_location_ids")
    assert chip["label"] == "Not in Houston, TX"


def test_outside_a_city_leaves_out_its_surroundings(engine: RuleQueryEngine) -> None:
    f = engine.parse("contract project manager outside london, remote within UK").filters
    assert f.exclude_location_ids[0] == LONDON and len(f.exclude_location_ids) > 10
    assert f.country_codes == ["GB"] and f.workplace == ["remote"] and f.location_ids == []


def test_living_outside_a_city_is_near_it(engine: RuleQueryEngine) -> None:
    f = engine.parse("I live just outside Tampa").filters
    assert f.location_ids[0] == "4174757" and not f.exclude_location_ids


def test_excluded_country(engine: RuleQueryEngine) -> None:
    f = engine.parse("remote designer, not in Germany").filters
    assert f.exclude_country_codes == ["DE"] and f.country_codes == []


@pytest.mark.parametrize(
    ("text", "metro"),
    [("local cdl truck driving jobs dfw", "dfw"), ("analyst in NoVA", "northern-virginia")],
)
def test_short_metro_names(engine: RuleQueryEngine, text: str, metro: str) -> None:
    assert engine.parse(text).filters.location_ids == list(metro_ids(metro))


def test_lower_case_nova_is_a_word(engine: RuleQueryEngine) -> None:
    assert engine.parse("supernova nova research").filters.location_ids == []


def test_state_code_in_capitals(engine: RuleQueryEngine) -> None:
    assert engine.parse("temp delivery driver NJ").filters.location_ids == list(place_index().state_cities("NJ"))
    assert engine.parse("NEED WORK ASAP CDL CLASS A").filters.location_ids == []  # shouted: no codes


def test_a_state_that_is_also_a_small_town(engine: RuleQueryEngine) -> None:
    assert engine.parse("nurse florida beach town").filters.location_ids == list(place_index().state_cities("FL"))


@pytest.mark.parametrize("text", ["explaining tech stuff in plain english", "army vet getting out in march"])
def test_english_words_after_in_are_not_towns(engine: RuleQueryEngine, text: str) -> None:
    assert engine.parse(text).filters.location_ids == []


def test_city_area_takes_in_the_surroundings(engine: RuleQueryEngine) -> None:
    f = engine.parse("nurse in the Knoxville area").filters
    assert f.location_ids[0] == "4634946" and len(f.location_ids) > 1


def test_area_word_widens_every_city_of_its_list(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("nurse in the Nashville or Knoxville area")
    ix = place_index()
    want = set(ix.within_km(ix.g.cities["4644585"], 50.0)) | set(ix.within_km(ix.g.cities["4634946"], 50.0))
    assert set(parsed.filters.location_ids) == want
    assert [c["label"] for c in parsed.constraints] == ["Within 50 km of Nashville, TN", "Within 50 km of Knoxville, TN"]


def test_places_in_brackets_are_parts_of_the_place_before(engine: RuleQueryEngine) -> None:
    f = engine.parse("cybersecurity analyst DC metro (NoVA/MD) hybrid").filters
    assert f.location_ids == list(metro_ids("dc-metro"))


def test_an_english_word_in_a_list_is_not_a_town(engine: RuleQueryEngine) -> None:
    assert engine.parse("I live near Tampa and can't commute far").filters.location_ids[0] == "4174757"
    assert "3029241" not in engine.parse("I live near Tampa and can't commute far").filters.location_ids  # Caen
