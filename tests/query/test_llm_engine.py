"""The tool-calling LLM query engine over real HTTP on 127.0.0.1, against an
OpenAI-compatible server driven by the project's own query tagger: tool calls round-trip,
every filter comes from the resolvers and only narrows the local parse, and a slow, failing
or babbling endpoint falls back to the local engine."""

from __future__ import annotations

import pytest
from jobsearch.models.tagger_llm_server import tagger_model_app

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.learned import QueryTagger, tagger_dir
from jobsearch.query.llm_client import ChatClient
from jobsearch.query.llm_engine import LLMQueryEngine, QueryTools, _narrow
from jobsearch.serve import serve_in_background

pytestmark = pytest.mark.slow  # builds the tagger (once per session)


@pytest.fixture(scope="module")
def tagger(tmp_path_factory) -> QueryTagger:
    path = tagger_dir(tmp_path_factory.getbasetemp() / "query-models", build=True)
    if path is None:
        pytest.skip("no query tagger adapter ships in jobsearch/query/tagger/")
    return QueryTagger(path)


@pytest.fixture(scope="module")
def rules(companies, members) -> RuleQueryEngine:
    return RuleQueryEngine(companies=companies, members=members)


def engine_for(url: str, rules: RuleQueryEngine, **kw) -> LLMQueryEngine:
    return LLMQueryEngine(ChatClient(url, "jobsearch-tagger", max_retries=kw.pop("retries", 1), backoff_s=0.01),
                          rules, **kw)


def test_tool_calls_round_trip_and_only_narrow(tagger, rules) -> None:
    app = tagger_model_app(tagger)
    with serve_in_background(app) as url:
        llm = engine_for(url, rules)
        for text in ("data engineer jobs in Berlin, remote", "accountant positions in London UK, not Initech",
                     "nurse in Texas but not Houston, full time"):
            local, got = rules.parse(text), llm.parse(text)
            assert llm.fallbacks == 0, llm.last_fallback
            f, base = got.filters, local.filters
            # never wider than the local parse: every locally set list is a superset of the answer
            for name in ("location_ids", "country_codes", "workplace", "seniority", "employment_type", "company_ids"):
                if getattr(base, name):
                    assert set(getattr(f, name)) <= set(getattr(base, name)), (text, name)
            for name in ("exclude_location_ids", "exclude_company_ids"):
                assert set(getattr(f, name)) >= set(getattr(base, name))
            assert got.semantic_text  # the answer's meaning (role and skill words)
    assert app.state.requests >= 6  # a tool-call turn and an answer turn per query
    assert "resolve_place" in app.state.tool_calls


def test_words_not_in_the_query_and_invented_ids_are_ignored(rules) -> None:
    llm = LLMQueryEngine(ChatClient("http://127.0.0.1:9", "x"), rules)
    local = rules.parse("nurse jobs in Seattle")
    answer = {"semantic_text": "registered nurse", "constraints": [
        {"kind": "place", "text": "Seattle", "ids": ["999999999"]},  # an ID no resolver gave
        {"kind": "place", "text": "Portland"},  # not in the text
        {"kind": "workplace", "text": "remote"}]}  # not in the text either
    got = llm._apply(local, answer, [], None)
    assert got.filters == local.filters
    assert got.semantic_text == "registered nurse"


def test_narrow_never_widens() -> None:
    filters = {"location_ids": ["1", "2"], "posted_within_days": 7, "exclude_location_ids": [], "min_salary": None}
    assert _narrow(filters, {"location_ids": ["2", "3"]}, ["location_ids"]) == ["location_ids"]
    assert filters["location_ids"] == ["2"]
    assert _narrow(filters, {"location_ids": ["9"]}, ["location_ids"]) == []  # disjoint: local kept
    assert _narrow(filters, {"posted_within_days": 30}, ["posted_within_days"]) == []
    assert _narrow(filters, {"posted_within_days": 3}, ["posted_within_days"]) == ["posted_within_days"]
    assert _narrow(filters, {"exclude_location_ids": ["5"]}, ["exclude_location_ids"]) == ["exclude_location_ids"]


@pytest.mark.parametrize("knobs", [{"fail_first": 100}, {"garbage": True}, {"delay_s": 1.5}])
def test_falls_back_to_the_local_parse(tagger, rules, knobs) -> None:
    with serve_in_background(tagger_model_app(tagger, **knobs)) as url:
        llm = engine_for(url, rules, timeout_s=0.8)
        text = "data engineer jobs in Berlin, remote"
        assert llm.parse(text) == rules.parse(text)
        assert llm.fallbacks == 1 and llm.last_fallback


def test_wrong_model_name_falls_back_without_retry(tagger, rules) -> None:
    app = tagger_model_app(tagger)
    with serve_in_background(app) as url:
        llm = LLMQueryEngine(ChatClient(url, "no-such-model", backoff_s=0.01), rules)
        assert llm.parse("nurse in Seattle") == rules.parse("nurse in Seattle")
    assert app.state.requests == 1 and "refused" in (llm.last_fallback or "")


def test_tools_use_the_resolvers(rules, members) -> None:
    tools = QueryTools(rules, members)
    assert tools.call("resolve_place", {"name": "Seattle"}, None)["location_ids"] == ["5809844"]
    assert tools.call("resolve_company", {"name": "Globex"}, None)["company_ids"] == ["co-globex"]
    assert "error" in tools.call("resolve_company", {"name": "Google"}, None)
    assert tools.call("member_connections", {}, "m-sea")["company_ids"] == ["co-globex", "co-stripe"]
    assert tools.call("lookup_occupation", {"title": "software engineer"}, None)["code"].startswith("15-")
    assert "error" in tools.call("pay_statistics", {"occupation": "nurse"}, None)
