"""The engine's contract: errors, members, companies by name, the JSON shape of
`jobsearch parse --json`, chips, and the speed of a warm parse."""

from __future__ import annotations

import json

import pytest

from jobsearch.errors import BadQueryError, UnknownMemberError
from jobsearch.query.engine import RuleQueryEngine, parse_json
from jobsearch.stages import QueryEngine


def test_implements_the_stage_protocol(engine) -> None:  # noqa: ANN001
    assert isinstance(engine, QueryEngine)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 1001])
def test_bad_text_is_refused(engine, text: str) -> None:  # noqa: ANN001
    with pytest.raises(BadQueryError, match="empty|limit is 1000"):
        engine.parse(text)


def test_unknown_member_is_refused(engine) -> None:  # noqa: ANN001
    with pytest.raises(UnknownMemberError, match="nobody"):
        engine.parse("nurse", "nobody")


COMPANY_CASES = [
    ("engineer at Stripe", "engineer", {"company_ids": ["co-stripe"]}),
    ("engineer at stripe inc", "engineer", {"company_ids": ["co-stripe"]}),
    ("engineer not Amazon", "engineer", {"exclude_company_ids": ["co-amazon"]}),
    ("jobs excluding Acme Staffing", "", {"exclude_company_ids": ["co-acme"]}),
    ("jobs excluding acme staffing gmbh", "", {"exclude_company_ids": ["co-acme"]}),
    ("engineer except Globex", "engineer", {"exclude_company_ids": ["co-globex"]}),
    ("engineer not at Amazon or Globex", "engineer", {"exclude_company_ids": ["co-amazon", "co-globex"]}),
    ("chemist at Johnson and Johnson", "chemist", {"company_ids": ["co-jj"]}),
    ("food scientist at Nestle", "food scientist", {"company_ids": ["co-nestle"]}),
    ("engineer at Initech, not Acme Staffing", "engineer",
     {"company_ids": ["co-initech"], "exclude_company_ids": ["co-acme"]}),
    # An employer with no postings here is reported and kept as a filter nothing passes.
    ("engineer at Hooli", "engineer", {"company_ids": ["unknown:hooli"]}),
]


@pytest.mark.parametrize(("text", "semantic", "expected"), COMPANY_CASES)
def test_companies_by_name(check, engine, text: str, semantic: str, expected: dict) -> None:  # noqa: ANN001
    check(engine.parse(text), semantic, **expected)


MEMBER_CASES = [
    ("engineer where I have a connection", "engineer"),
    ("engineer at companies I'm connected to", "engineer"),
    ("engineer where my connections work", "engineer"),
    ("engineer in my network", "engineer"),
]


@pytest.mark.parametrize(("text", "semantic"), MEMBER_CASES)
def test_connections_need_and_use_the_member(check, engine, text: str, semantic: str) -> None:  # noqa: ANN001
    parsed = engine.parse(text, "m-sea")
    check(parsed, semantic, company_ids=["co-stripe", "co-globex"])
    assert parsed.member_id == "m-sea"
    anonymous = engine.parse(text)
    check(anonymous, semantic)
    assert len(anonymous.unresolved) == 1
    assert anonymous.suggestions[0].kind == "needs_member"
    assert anonymous.member_id is None


def test_near_me(engine) -> None:  # noqa: ANN001
    parsed = engine.parse("nurse near me", "m-sea")
    ids = parsed.filters.location_ids
    assert ids[0] == "5809844" and "5786882" in ids  # Seattle, Bellevue
    assert "5746545" not in ids  # Portland, OR is 230 km away
    assert parsed.semantic_text == "nurse"
    anonymous = engine.parse("nurse near me")
    assert anonymous.filters.location_ids == [] and anonymous.unresolved == ["near me"]


def test_member_without_connections_gets_a_hint(engine) -> None:  # noqa: ANN001
    parsed = engine.parse("engineer where I know someone", "m-lon")
    assert parsed.filters.company_ids == []
    assert parsed.suggestions[0].kind == "no_connections"


def test_parse_json_is_the_contract(engine) -> None:  # noqa: ANN001
    out = parse_json(engine, "senior software engineer in Seattle, remote, over 150k, full-time")
    json.dumps(out)  # serialisable as is
    assert set(out) >= {"text", "semantic_text", "filters", "unresolved", "suggestions"}
    assert out["semantic_text"] == "software engineer"
    f = out["filters"]
    assert f["location_ids"] == ["5809844"]
    assert f["workplace"] == ["remote"]
    assert f["min_salary"] == {"amount": 150000.0, "currency": "USD", "period": "year"}
    assert f["seniority"] == ["senior"] and f["employment_type"] == ["full_time"]
    assert f["company_ids"] == [] and f["exclude_company_ids"] == [] and f["posted_within_days"] is None


def test_every_chip_names_a_filter_value_and_a_readable_label(engine) -> None:  # noqa: ANN001
    parsed = engine.parse("remote or hybrid nurse in Boston, not from staffing agencies, this week, 80k+")
    by_filter = {c["filter"]: c for c in parsed.constraints}
    assert by_filter["location_ids"] == {"filter": "location_ids", "value": "4930956",
                                         "label": "Boston, MA", "span": "Boston"}
    assert by_filter["workplace"]["value"] == "remote,hybrid"
    assert by_filter["posted_within_days"]["value"] == "7"
    assert by_filter["min_salary"]["label"] == "≥ $80,000 / year"
    for c in parsed.constraints:
        assert c["span"] in parsed.text and c["label"]


def test_constraint_only_query_has_empty_semantic_text(check, engine) -> None:  # noqa: ANN001
    parsed = engine.parse("remote jobs in Berlin")
    check(parsed, "", location_ids=["2950159"], workplace=["remote"])


def test_engine_without_companies_or_members(check) -> None:
    bare = RuleQueryEngine()
    check(bare.parse("engineer at Stripe"), "engineer at Stripe")
    with pytest.raises(UnknownMemberError):
        bare.parse("nurse", "m-sea")


def test_parse_is_deterministic(engine, companies, members) -> None:  # noqa: ANN001
    text = "Portland nurse, hybrid, 6 figures, posted in the last 5 days"
    other = RuleQueryEngine(companies=companies, members=members)
    assert engine.parse(text) == other.parse(text)
