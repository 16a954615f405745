"""Operations endpoints through real HTTP: health (and 503 before an index exists), the
Prometheus exposition, feedback counting, OpenAPI docs served without any CDN, the page."""

from __future__ import annotations

import re

import httpx
from prometheus_client.parser import text_string_to_metric_families

from jobsearch.api import create_app
from jobsearch.errors import IndexNotFoundError
from jobsearch.serve import ServeSettings, serve_in_background


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_healthz_reports_index_and_models(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok"
    assert h["index_rows"] > 0 and h["index_version"]
    assert h["encoder"]


def test_healthz_is_503_without_an_index(no_index_url: str) -> None:
    with httpx.Client(base_url=no_index_url) as c:
        r = c.get("/healthz")
        assert r.status_code == 503 and r.json()["status"] == "unavailable"
        r = c.post("/v1/search", json={"query": "nurse"})
        assert r.status_code == 503 and r.json()["error"] == "index_not_loaded"
        assert "jobsearch index build" in r.json()["detail"]
        assert c.get("/").status_code == 200, "the page still loads and explains"


def test_an_index_built_later_is_picked_up_without_restart(pipeline) -> None:  # noqa: ANN001
    ready = {"built": False}

    def loader():  # noqa: ANN202 - the real pipeline once "built"
        if not ready["built"]:
            raise IndexNotFoundError("no shard set under the data home")
        return pipeline

    app = create_app(None, ServeSettings(index_retry_s=0.0), loader=loader)
    with serve_in_background(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        assert c.get("/healthz").status_code == 503
        ready["built"] = True
        assert c.get("/healthz").status_code == 200
        assert c.post("/v1/search", json={"query": "nurse", "k": 2}).status_code == 200


def test_an_unforeseen_failure_is_a_json_500(pipeline) -> None:  # noqa: ANN001
    def broken():  # noqa: ANN202
        raise RuntimeError("disk on fire")

    app = create_app(None, ServeSettings(index_retry_s=0.0), loader=broken)
    with serve_in_background(app) as url, httpx.Client(base_url=url) as c:
        r = c.post("/v1/search", json={"query": "nurse"})
        assert r.status_code == 500
        assert r.json()["error"] == "internal_error" and "disk on fire" not in r.text


def test_metrics_expose_stage_latency_and_requests(client: httpx.Client) -> None:
    assert client.post("/v1/search", json={"query": "accountant in Paris", "k": 3}).status_code == 200
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    s = _samples(r.text)
    for stage in ("parse", "encode", "retrieve", "total"):
        assert s[("jobsearch_stage_latency_seconds_count", (("stage", stage),))] >= 1
    assert s[("jobsearch_requests_total", (("endpoint", "/v1/search"), ("outcome", "ok")))] >= 1


def test_feedback_is_counted_per_model_version(client: httpx.Client) -> None:
    search = client.post("/v1/search", json={"query": "registered nurse", "k": 1})
    job_id = search.json()["results"][0]["job_id"]
    version = search.headers["X-Model-Version"]
    key = ("jobsearch_feedback_events_total", (("event", "apply"), ("model_version", version)))
    before = _samples(client.get("/metrics").text).get(key, 0.0)
    r = client.post(
        "/v1/feedback", json={"query_id": search.headers["X-Query-Id"], "job_id": job_id, "event": "apply"}
    )
    assert r.status_code == 202 and r.json() == {"accepted": True, "counted": True, "model_version": version}
    after = _samples(client.get("/metrics").text)
    assert after[key] == before + 1
    # The same version is published as jobsearch_model_info, which dashboards join on.
    assert any(n == "jobsearch_model_info" and ("model_version", version) in labels for n, labels in after)


def test_openapi_docs_load_nothing_external(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/search", "/v1/parse", "/v1/feedback", "/v1/members", "/healthz"} <= spec["paths"].keys()
    html = client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(r"url: ?'([^']+)'", html)
    assert urls and all(u.startswith("/") for u in urls if not u.startswith("data:")), urls
    for u in urls:
        if u.startswith("/static-docs/"):
            assert client.get(u).status_code == 200


def test_page_and_assets_are_served_with_a_strict_policy(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert re.findall(r"""(?:src|href)=["'](https?:)?//""", r.text) == [], "no external URL in the page"
    for asset, kind in (("app.js", "javascript"), ("style.css", "css")):
        a = client.get(f"/static/{asset}")
        assert a.status_code == 200 and kind in a.headers["content-type"]
