"""Refinement chips over real HTTP on the demo index: every chip narrows (or, for a skill
or title, keeps the filters and narrows by meaning), its count is what searching its
query finds, and no chip repeats a filter the query already has."""

from __future__ import annotations

import httpx


def _search(client: httpx.Client, query: str, **extra: object) -> dict:
    r = client.post("/v1/search", json={"query": query, "k": 5, "refinements": True, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def test_chips_for_software_engineer_in_seattle_narrow_and_count_right(client: httpx.Client) -> None:
    base = _search(client, "software engineer in Seattle")
    chips = base["refinements"]
    assert {c["kind"] for c in chips} >= {"skill", "company", "workplace"}, chips
    assert all(c["group"].endswith("Seattle, WA") for c in chips)
    for chip in chips:
        after = _search(client, chip["query"])
        # One click does what the chip says: its query resolves to its filters ...
        assert after["query"]["filters"] == chip["filters"], chip
        assert chip["filters"]["location_ids"] == base["query"]["filters"]["location_ids"]
        if chip["count_scope"] == "filtered":
            # ... and leaves exactly the postings it counted, fewer than before.
            assert after["total_matching"] == chip["count"] < base["total_matching"], chip
        else:  # a skill or title: the same filters, ranked by more meaning
            assert after["total_matching"] == base["total_matching"]
            assert chip["value"].lower() in after["query"]["semantic_text"].lower()


def test_chips_never_repeat_a_filter_already_set(client: httpx.Client) -> None:
    body = _search(client, "software engineer in Seattle, remote")
    kinds = {c["kind"] for c in body["refinements"]}
    assert "workplace" not in kinds and body["refinements"]
    for chip in body["refinements"]:
        assert chip["filters"]["workplace"] == ["remote"]  # kept, never widened or repeated
    company = next(c for c in _search(client, "software engineer in Seattle")["refinements"] if c["kind"] == "company")
    narrowed = _search(client, company["query"])
    assert "company" not in {c["kind"] for c in narrowed["refinements"]}
    # The skill just added is not offered again.
    skill = next(c for c in _search(client, "software engineer in Seattle")["refinements"] if c["kind"] == "skill")
    again = _search(client, skill["query"])
    assert skill["value"] not in {c["value"] for c in again["refinements"]}


def test_later_pages_and_empty_answers_carry_no_chips(client: httpx.Client) -> None:
    first = _search(client, "software engineer in Seattle")
    assert first["next_cursor"]
    assert _search(client, "software engineer in Seattle", cursor=first["next_cursor"])["refinements"] == []
    assert _search(client, "software engineer in Seattle paying at least $900,000 a year")["refinements"] == []


def test_chips_only_when_asked(client: httpx.Client) -> None:
    """They cost a few parses and counts: a client that shows none does not pay for them."""
    r = client.post("/v1/search", json={"query": "software engineer in Seattle", "k": 5})
    assert r.status_code == 200 and r.json()["refinements"] == []
    assert "refine" not in r.json()["timings_ms"]
    assert _search(client, "software engineer in Seattle")["refinements"]
