"""Employers by name beyond exact matches: misspelt index companies get a did-you-mean, and a
well-known employer the index has no postings from is reported, never dropped."""

from __future__ import annotations

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.refine import drop_constraints


def test_an_unknown_employer_asked_for_is_an_honest_empty_filter(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("jobs at Google")
    assert parsed.semantic_text == ""
    assert parsed.filters.company_ids == ["unknown:google"]
    note = next(s for s in parsed.suggestions if s.kind == "unknown_company")
    assert note.text.startswith("No postings from Google in this index")
    assert note.options == [{"remove": "company_ids:unknown:google", "label": "Search without Google"}]
    # The chip removes like any other.
    assert drop_constraints(parsed, ["company_ids:unknown:google"]).filters.company_ids == []


def test_an_unknown_employer_left_out_is_reported(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("driver jobs, not walmart")
    assert parsed.semantic_text == "driver"
    assert parsed.filters.company_ids == [] and parsed.filters.exclude_company_ids == []
    assert [s.text for s in parsed.suggestions if s.kind == "unknown_company"] == [
        "No postings from Walmart in this index, so there are none to leave out."]


def test_an_index_company_left_out(engine: RuleQueryEngine) -> None:
    assert engine.parse("engineer, anything but Amazon").filters.exclude_company_ids == ["co-amazon"]


def test_a_well_known_name_without_a_cue(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("Tesla gigafactory austin maintenance tech openings")
    assert parsed.filters.company_ids == ["unknown:tesla"]
    assert parsed.filters.location_ids == ["4671654"]
    assert parsed.semantic_text == "gigafactory maintenance technician"


@pytest.mark.parametrize("text", ["Target practice coach", "oracle dba", "apple picker"])
def test_brand_words_are_words_without_a_cue(engine: RuleQueryEngine, text: str) -> None:
    assert engine.parse(text).filters.company_ids == []


def test_capitalised_unknown_name_after_at(engine: RuleQueryEngine) -> None:
    assert engine.parse("engineer at Zorblax").filters.company_ids == ["unknown:zorblax"]
    assert engine.parse("nurse at Boston Children's").filters.company_ids == []  # a place, not an employer


def test_misspelt_index_company(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("engineer at Inittech")
    assert parsed.filters.company_ids == ["co-initech"]
    hint = next(s for s in parsed.suggestions if s.kind == "did_you_mean")
    assert hint.options == [{"company_id": "co-initech", "label": "Initech", "typed": "Inittech"}]


def test_without_an_index_names_stay_meaning() -> None:
    assert RuleQueryEngine().parse("engineer at Google").semantic_text == "engineer at Google"
