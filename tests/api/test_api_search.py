"""Search and parse through real HTTP: the demo query's results satisfy every constraint
it states, chips can be removed, an impossible query says which filter emptied it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from jobsearch.schema import ParsedQuery, SearchResponse
from jobsearch.taxonomy.currency import to_annual_usd

DEMO = "data engineer jobs in Berlin paying at least 70k euros, posted this week"
BERLIN = "2950159"


def _search(client: httpx.Client, **body: object) -> SearchResponse:
    r = client.post("/v1/search", json=body)
    assert r.status_code == 200, r.text
    return SearchResponse.model_validate(r.json())


def test_demo_query_results_satisfy_every_stated_constraint(client: httpx.Client) -> None:
    now = datetime.now(UTC)
    res = _search(client, query=DEMO)
    f = res.query.filters
    assert BERLIN in f.location_ids
    assert f.min_salary is not None and (f.min_salary.amount, f.min_salary.currency) == (70000, "EUR")
    assert f.posted_within_days == 7
    assert res.results, res.empty_reason
    assert len(res.results) <= 20
    floor_usd = to_annual_usd(70000, "EUR", "year")
    for r in res.results:
        assert set(r.location_ids) & set(f.location_ids), r
        assert r.salary is not None
        assert to_annual_usd(r.salary.max, r.salary.currency, r.salary.period) >= floor_usd - 1e-6
        assert r.posted_at >= now - timedelta(days=7, minutes=5)
        assert r.why
    filters = {c["filter"] for c in res.query.constraints}
    assert {"location_ids", "min_salary", "posted_within_days"} <= filters


def test_search_answers_with_ids_for_feedback(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={"query": "registered nurse in London", "k": 3})
    assert r.status_code == 200
    body, _, mac = r.headers["X-Query-Id"].partition(".")  # signed: payload.mac (docs/api.md)
    assert body and len(mac) == 22
    assert r.headers["X-Model-Version"]
    assert len(r.json()["results"]) <= 3


def test_removing_a_chip_widens_the_search(client: httpx.Client) -> None:
    narrow = _search(client, query=DEMO, k=50)
    chip = next(c for c in narrow.query.constraints if c["filter"] == "posted_within_days")
    # The page sends "filter:value" for every chip; a scalar filter is dropped whole.
    key = f"{chip['filter']}:{chip['value']}" if chip.get("value") else chip["filter"]
    wide = _search(client, query=DEMO, k=50, remove=[key])
    assert wide.query.filters.posted_within_days is None
    assert wide.total_matching > narrow.total_matching
    assert all(c["filter"] != "posted_within_days" for c in wide.query.constraints)


def test_removals_accumulate(client: httpx.Client) -> None:
    base = _search(client, query=DEMO, k=5)
    one = _search(client, query=DEMO, k=5, remove=["posted_within_days"])
    two = _search(client, query=DEMO, k=5, remove=["posted_within_days", "min_salary"])
    assert base.total_matching <= one.total_matching <= two.total_matching
    assert two.query.filters.min_salary is None and two.query.filters.posted_within_days is None
    assert two.total_matching > base.total_matching


def test_impossible_query_says_which_filter_emptied_it(client: httpx.Client) -> None:
    res = _search(client, query="software engineer in Berlin paying at least 900k euros")
    assert res.results == [] and res.total_matching == 0
    assert res.empty_reason and "without it" in res.empty_reason


def test_parse_returns_the_parsed_query_contract(client: httpx.Client) -> None:
    r = client.post("/v1/parse", json={"query": DEMO})
    assert r.status_code == 200
    body = r.json()
    assert {"text", "semantic_text", "filters", "unresolved", "suggestions"} <= body.keys()
    parsed = ParsedQuery.model_validate(body)
    assert BERLIN in parsed.filters.location_ids
    assert parsed.filters.min_salary is not None and parsed.filters.min_salary.relative is None


def test_members_list_and_personalised_search(client: httpx.Client) -> None:
    r = client.get("/v1/members")
    assert r.status_code == 200
    members = r.json()["members"]
    assert members, "the demo corpus ships members"
    ids = [m["member_id"] for m in members]
    assert ids == sorted(ids)
    member = next((m for m in members if m["connection_company_ids"]), None)
    assert member is not None
    res = _search(client, query="jobs where I have a connection", member_id=member["member_id"], k=50)
    assert res.query.member_id == member["member_id"]
    assert {r.company.id for r in res.results} <= set(member["connection_company_ids"])
