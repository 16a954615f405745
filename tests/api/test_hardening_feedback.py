"""Feedback tied to served answers and members from an authenticated context, on the real
app and pipeline (not demo mode), plus the error bodies and schema rules of issue 18:
forged, expired or foreign query ids are refused, repeats are not counted, a flood is
rate-limited, body member_ids need a token, 503 details name no server path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobsearch.api import create_app
from jobsearch.api.identity import MemberAuth, QueryIds
from jobsearch.errors import BadFeedbackError
from jobsearch.serve import serve_in_background
from jobsearch.settings import ServeSettings

SECRET = b"test-secret-of-issue-18"


@pytest.fixture(scope="module")
def locked_url(pipeline) -> Iterator[str]:  # noqa: ANN001 - SearchPipeline from the root conftest
    settings = ServeSettings(signing_secret=SECRET, feedback_burst=1000, trusted_member_header="X-Member-Id")
    with serve_in_background(create_app(pipeline, settings)) as url:
        yield url


@pytest.fixture()
def c(locked_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=locked_url, timeout=60) as client:
        yield client


def _search(c: httpx.Client, query: str = "registered nurse", **kw: object) -> httpx.Response:
    r = c.post("/v1/search", json={"query": query, "k": 5, **kw})
    assert r.status_code == 200, r.text
    return r


def _counted(c: httpx.Client, event: str, version: str) -> float:
    pat = re.compile(rf'^jobsearch_feedback_events_total{{event="{event}",model_version="{re.escape(version)}"}} (\S+)$', re.M)
    m = pat.search(c.get("/metrics").text)
    return float(m.group(1)) if m else 0.0


def test_feedback_for_a_served_job_counts_once(c: httpx.Client) -> None:
    r = _search(c)
    qid, version = r.headers["X-Query-Id"], r.headers["X-Model-Version"]
    job = r.json()["results"][1]["job_id"]
    before = _counted(c, "click", version)
    first = c.post("/v1/feedback", json={"query_id": qid, "job_id": job, "event": "click"})
    again = c.post("/v1/feedback", json={"query_id": qid, "job_id": job, "event": "click"})
    assert first.status_code == 202 and first.json()["counted"] is True
    assert again.status_code == 202 and again.json()["counted"] is False
    assert _counted(c, "click", version) == before + 1


@pytest.mark.parametrize("make", [
    lambda qid, job: {"query_id": "0" * 32, "job_id": job},  # the old unsigned uuid form
    lambda qid, job: {"query_id": qid[:-2] + ("AA" if not qid.endswith("AA") else "BB"), "job_id": job},  # forged mac
    lambda qid, job: {"query_id": qid, "job_id": "job-that-was-not-shown"},
    lambda qid, job: {"query_id": QueryIds(b"another-server").issue([job]), "job_id": job},
])
def test_feedback_not_vouched_for_is_refused(c: httpx.Client, make) -> None:  # noqa: ANN001
    r = _search(c)
    body = {**make(r.headers["X-Query-Id"], r.json()["results"][0]["job_id"]), "event": "click"}
    before = _counted(c, "click", r.headers["X-Model-Version"])
    bad = c.post("/v1/feedback", json=body)
    assert bad.status_code == 422 and bad.json()["error"] == "bad_feedback", bad.text
    assert _counted(c, "click", r.headers["X-Model-Version"]) == before


def test_query_ids_expire() -> None:
    ids = QueryIds(SECRET, ttl_s=3600)
    qid = ids.issue(["j1", "j2"], now=1_000_000)
    assert ids.check(qid, "j2", now=1_000_000 + 3599)
    with pytest.raises(BadFeedbackError, match="expired"):
        ids.check(qid, "j2", now=1_000_000 + 3601)


def test_a_feedback_flood_is_rate_limited(pipeline) -> None:  # noqa: ANN001
    settings = ServeSettings(signing_secret=SECRET, feedback_rate_per_s=0.01, feedback_burst=3)
    with serve_in_background(create_app(pipeline, settings)) as url, httpx.Client(base_url=url, timeout=60) as c:
        r = _search(c)
        job = r.json()["results"][0]["job_id"]
        codes = [c.post("/v1/feedback", json={"query_id": r.headers["X-Query-Id"], "job_id": job, "event": e}).status_code
                 for e in ("click", "apply", "click", "apply", "click")]
        assert codes[:3] == [202, 202, 202] and codes[3:] == [429, 429]
        limited = c.post("/v1/feedback", json={"query_id": r.headers["X-Query-Id"], "job_id": job, "event": "click"})
        assert limited.json()["error"] == "rate_limited" and limited.headers["retry-after"]


def test_member_id_needs_a_token_outside_demo_mode(c: httpx.Client, pipeline) -> None:  # noqa: ANN001
    member = sorted(pipeline.members)[0]
    free = c.post("/v1/search", json={"query": "jobs where I have a connection", "member_id": member})
    assert free.status_code == 403 and free.json()["error"] == "not_authorized"
    assert c.post("/v1/parse", json={"query": "nurse", "member_id": member}).status_code == 403
    token = MemberAuth(SECRET).token(member)
    signed = c.post("/v1/search", json={"query": "jobs where I have a connection"},
                    headers={"Authorization": f"Bearer {token}"})
    assert signed.status_code == 200 and signed.json()["query"]["member_id"] == member
    forged = MemberAuth(b"not-the-secret").token(member)
    assert c.post("/v1/search", json={"query": "nurse"}, headers={"Authorization": f"Bearer {forged}"}).status_code == 403
    gateway = c.post("/v1/search", json={"query": "jobs where I have a connection"}, headers={"X-Member-Id": member})
    assert gateway.status_code == 200 and gateway.json()["query"]["member_id"] == member
    other = sorted(pipeline.members)[1]
    mismatch = c.post("/v1/search", json={"query": "nurse", "member_id": other}, headers={"X-Member-Id": member})
    assert mismatch.status_code == 403


def test_member_list_only_in_demo_mode(c: httpx.Client, client: httpx.Client) -> None:
    assert c.get("/v1/members").status_code == 403
    assert client.get("/v1/members").status_code == 200  # the demo-mode app of tests/api/conftest.py


def test_negative_amounts_are_refused_with_a_reason(c: httpx.Client) -> None:
    r = c.post("/v1/search", json={"query": "nurse jobs paying at least -50000"})
    assert r.status_code == 422 and "negative" in r.json()["detail"]


def test_503_details_name_no_server_path(tmp_path: Path) -> None:
    from jobsearch.index import FlatIndex

    hidden = tmp_path / "secret-folder" / "index"
    app = create_app(None, ServeSettings(index_retry_s=0), loader=lambda: FlatIndex.open(hidden))  # type: ignore[arg-type,return-value]
    with serve_in_background(app) as url:
        for r in (httpx.get(f"{url}/healthz", timeout=30),
                  httpx.post(f"{url}/v1/search", json={"query": "nurse"}, timeout=30)):
            assert r.status_code == 503
            assert str(tmp_path) not in r.text and "secret-folder" not in r.text, r.text
            assert "jobsearch index build" in r.text  # still says what to do


def test_openapi_states_the_validation_rules(c: httpx.Client) -> None:
    spec = c.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    query = schemas["SearchRequest"]["properties"]["query"]
    assert query["minLength"] == 1 and query["pattern"] == r"\S" and "non-blank" in query["description"]
    remove = schemas["SearchRequest"]["properties"]["remove"]
    assert remove["items"]["pattern"].startswith("^(") and "workplace" in remove["items"]["pattern"]
    assert re.fullmatch(remove["items"]["pattern"], "location_ids:2950159")
    assert not re.fullmatch(remove["items"]["pattern"], "nonsense")
    feedback = schemas["FeedbackRequest"]
    assert "query_id" in feedback["required"]
    codes = spec["paths"]["/v1/search"]["post"]["responses"]
    assert {"403", "413", "422", "503"} <= codes.keys()
    assert "429" in spec["paths"]["/v1/feedback"]["post"]["responses"]
