"""Bad input through real HTTP: every mistake is a 4xx with a JSON reason, counted as a
client error and never logged as a server error; nothing answers 500 or a traceback."""

from __future__ import annotations

import logging

import httpx
import pytest

from jobsearch.api.errors import ERROR_STATUS, status_for
from jobsearch.api.models import SearchRequest
from jobsearch.errors import (
    BadQueryError,
    CorruptShardSetError,
    IndexMismatchError,
    IndexNotFoundError,
    JobSearchError,
    UnknownMemberError,
)
from jobsearch.metrics import REQUESTS

BAD_SEARCHES: list[tuple[str, object, int, str]] = [
    ("empty query", {"query": ""}, 422, "invalid_request"),
    ("blank query", {"query": "   \n "}, 422, "invalid_request"),
    ("10k-character query", {"query": "data engineer " * 715}, 422, "invalid_request"),
    ("missing query", {"k": 5}, 422, "invalid_request"),
    ("query is a number", {"query": 42}, 422, "invalid_request"),
    ("k is a string", {"query": "nurse", "k": "ten"}, 422, "invalid_request"),
    ("k is a float", {"query": "nurse", "k": 2.5}, 422, "invalid_request"),
    ("k = 0", {"query": "nurse", "k": 0}, 422, "invalid_request"),
    ("k = 101", {"query": "nurse", "k": 101}, 422, "invalid_request"),
    ("remove is a string", {"query": "nurse", "remove": "workplace"}, 422, "invalid_request"),
    ("unknown remove filter", {"query": "nurse", "remove": ["salary_cap"]}, 422, "invalid_request"),
    ("remove a value not in the query", {"query": "nurse in Berlin", "remove": ["location_ids:1"]}, 422, "bad_query"),
    ("unknown member", {"query": "nurse", "member_id": "nobody-at-all"}, 422, "unknown_member"),
    ("unknown field", {"query": "nurse", "limit": 5}, 422, "invalid_request"),
    ("body is a list", ["nurse"], 422, "invalid_request"),
]


@pytest.mark.parametrize(("case", "body", "status", "code"), BAD_SEARCHES, ids=[c[0] for c in BAD_SEARCHES])
def test_bad_search_is_a_4xx_with_a_reason(
    client: httpx.Client, caplog: pytest.LogCaptureFixture, case: str, body: object, status: int, code: str
) -> None:
    counter = REQUESTS.labels(endpoint="/v1/search", outcome="client_error")
    before = counter._value.get()
    with caplog.at_level(logging.INFO):
        r = client.post("/v1/search", json=body)
    assert r.status_code == status, r.text
    err = r.json()
    assert err["error"] == code and err["detail"]
    assert "Traceback" not in r.text
    assert len(r.text) < 5000, "the reason must not echo a huge input back"
    assert counter._value.get() == before + 1
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR], "a 4xx is not a server error"


@pytest.mark.parametrize(
    "raw",
    [b'{"query": "nurse"', b"query=nurse", b"", b'{"query": "nurse",}', b"\xff\xfe"],
    ids=["truncated", "form-encoded", "empty", "trailing comma", "not utf-8"],
)
def test_malformed_json_is_400(client: httpx.Client, raw: bytes) -> None:
    r = client.post("/v1/search", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert r.json()["error"] in ("malformed_json", "invalid_request")
    if raw.startswith(b"{"):
        assert r.status_code == 400 and r.json()["error"] == "malformed_json"


def test_an_oversized_body_is_413(client: httpx.Client) -> None:
    r = client.post("/v1/search", content=b'{"query": "' + b"a" * 200_000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"


def test_parse_refuses_bad_input_too(client: httpx.Client) -> None:
    assert client.post("/v1/parse", json={"query": ""}).status_code == 422
    assert client.post("/v1/parse", json={"query": "x" * 10_000}).status_code == 422
    r = client.post("/v1/parse", json={"query": "nurse", "member_id": "ghost"})
    assert r.status_code == 422 and r.json()["error"] == "unknown_member"


def test_feedback_refuses_unknown_events(client: httpx.Client) -> None:
    r = client.post("/v1/feedback", json={"query_id": "q", "job_id": "j1", "event": "like"})
    assert r.status_code == 422 and r.json()["fields"][0]["loc"] == ["body", "event"]
    assert client.post("/v1/feedback", json={"event": "click"}).status_code == 422


def test_unknown_route_and_method_are_json(client: httpx.Client) -> None:
    r = client.get("/v2/nothing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = client.get("/v1/search")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert client.get("/static/__init__.py").status_code == 404


def test_error_table_follows_the_class_hierarchy() -> None:
    class NoSuchShard(IndexNotFoundError):
        pass

    assert status_for(BadQueryError("x")) == (422, "bad_query")
    assert status_for(UnknownMemberError("x")) == (422, "unknown_member")
    assert status_for(NoSuchShard("x")) == (503, "index_not_loaded")
    assert status_for(IndexMismatchError("x")) == (503, "index_mismatch")
    assert status_for(CorruptShardSetError("x"))[0] == 503
    assert status_for(JobSearchError("x")) == (500, "internal_error")
    assert status_for(ValueError("x")) == (500, "internal_error")
    assert all(400 <= s < 600 for s, _ in ERROR_STATUS.values())


def test_remove_items_of_scalar_filters_drop_the_whole_filter() -> None:
    req = SearchRequest(query="x", remove=["min_salary:70000 EUR", "location_ids:2950159", "workplace"])
    assert req.remove == ["min_salary", "location_ids:2950159", "workplace"]
    with pytest.raises(ValueError, match="unknown filter"):
        SearchRequest(query="x", remove=["pay"])
