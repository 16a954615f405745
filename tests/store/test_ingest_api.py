"""The ingestion API over real HTTP on loopback, with the real pipeline (ONNX encoder, query
engine, FlatIndex copied from the session's demo index) and a SQLite store: auth (403
without a configured token, 401 for a wrong one), validation like `corpus validate`,
writes searchable when acknowledged, deletes never returned after theirs, idempotent
retries, external versions, NDJSON batches with per-line results, bounded bodies."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def posting(job_id: str, title: str, **over: object) -> dict[str, object]:
    p: dict[str, object] = {
        "job_id": job_id, "title": title,
        "description": f"{title}. Lead underwater work with a small crew, train divers, keep equipment safe.",
        "company": {"id": "deepco", "name": "Deep Water Works", "type": "direct"},
        "location_ids": ["5809844"], "workplace": "hybrid", "remote_share": 0.4,
        "salary": {"min": 90000, "max": 120000, "currency": "USD", "period": "year"},
        "posted_at": "2026-11-28T09:00:00Z", "seniority": "senior", "employment_type": "full_time",
        "skills": ["diving", "welding"],
    }
    p.update(over)
    return p


@pytest.fixture(scope="module")
def server(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    from jobsearch.api import create_app
    from jobsearch.pipeline import open_pipeline
    from jobsearch.serve import serve_in_background
    from jobsearch.store.settings import IngestSettings

    tmp = tmp_path_factory.mktemp("ingest-api")
    shutil.copytree(demo_home / "index", tmp / "index", symlinks=True)
    pipeline = open_pipeline(tmp / "index", demo_home / "corpus", warm=False)
    app = create_app(pipeline)
    app.state.ingest_settings = IngestSettings(store=str(tmp / "store.sqlite"), admin_token=TOKEN,
                                               visible_timeout_s=10.0, sweep_every_s=0.2)
    with serve_in_background(app) as url:
        yield url, app
    app.state.ingest.stop()


def search_ids(url: str, query: str, k: int = 10) -> list[str]:
    r = httpx.post(f"{url}/v1/search", json={"query": query, "k": k}, timeout=30)
    assert r.status_code == 200, r.text
    return [x["job_id"] for x in r.json()["results"]]


def test_mutations_need_the_token(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    body = posting("auth-1", "Commercial diver")
    missing = httpx.put(f"{url}/v1/postings/auth-1", json=body, timeout=30)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = httpx.put(f"{url}/v1/postings/auth-1", json=body, headers={"Authorization": "Bearer nope"}, timeout=30)
    assert wrong.status_code == 401 and "admin token" in wrong.json()["detail"]
    assert httpx.delete(f"{url}/v1/postings/auth-1", timeout=30).status_code == 401
    assert httpx.post(f"{url}/v1/postings:batch", content=b"{}", timeout=30).status_code == 401


def test_without_a_configured_token_mutations_are_disabled(demo_home: Path, tmp_path: Path) -> None:
    from jobsearch.api import create_app
    from jobsearch.serve import serve_in_background
    from jobsearch.store.settings import IngestSettings

    app = create_app(None)
    app.state.ingest_settings = IngestSettings(store=str(tmp_path / "s.sqlite"))
    with serve_in_background(app) as url:
        r = httpx.put(f"{url}/v1/postings/x", json={}, headers=AUTH, timeout=30)
    assert r.status_code == 403 and "JOBSEARCH_ADMIN_TOKEN" in r.json()["detail"]


def test_a_put_is_searchable_when_acknowledged_and_a_delete_gone(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    query = "commercial saturation diver welding underwater"
    before = search_ids(url, query)  # also fills the response cache for this query
    r = httpx.put(f"{url}/v1/postings/dive-1", json=posting("dive-1", "Commercial Saturation Diver"),
                  headers=AUTH, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "created" and r.json()["visible"] is True and r.json()["version"] == 1
    assert "dive-1" not in before and "dive-1" in search_ids(url, query)
    again = httpx.put(f"{url}/v1/postings/dive-1", json=posting("dive-1", "Commercial Saturation Diver"),
                      headers=AUTH, timeout=60)
    assert again.status_code == 200 and again.json()["status"] == "unchanged" and again.json()["version"] == 1
    got = httpx.get(f"{url}/v1/postings/dive-1", headers=AUTH, timeout=30).json()
    assert got["version"] == 1 and got["posting"]["title"] == "Commercial Saturation Diver"
    gone = httpx.delete(f"{url}/v1/postings/dive-1", headers=AUTH, timeout=30)
    assert gone.status_code == 200 and gone.json()["status"] == "deleted" and gone.json()["version"] == 2
    assert "dive-1" not in search_ids(url, query)
    retry = httpx.delete(f"{url}/v1/postings/dive-1", headers=AUTH, timeout=30)
    assert retry.status_code == 200 and retry.json()["status"] == "not_found"
    assert httpx.get(f"{url}/v1/postings/dive-1", headers=AUTH, timeout=30).status_code == 404


def test_bad_postings_are_refused_with_reasons(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    bad = posting("bad-1", "Diver", location_ids=["999999999"], workplace="onsite", remote_share=0.5)
    r = httpx.put(f"{url}/v1/postings/bad-1", json=bad, headers=AUTH, timeout=30)
    assert r.status_code == 422
    reasons = r.json()["result"]["reasons"]
    assert any("onsite" in x for x in reasons) or any("GeoNames" in x for x in reasons)
    other = httpx.put(f"{url}/v1/postings/bad-2", json=posting("bad-3", "Diver"), headers=AUTH, timeout=30)
    assert other.status_code == 422 and "differs from the path" in other.json()["detail"]
    junk = httpx.put(f"{url}/v1/postings/bad-4", content=b"{not json", headers=AUTH, timeout=30)
    assert junk.status_code == 400
    big = httpx.put(f"{url}/v1/postings/bad-5", content=b"x" * (300 * 1024), headers=AUTH, timeout=30)
    assert big.status_code == 413


def test_external_versions_and_conflicts(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    p = posting("ver-1", "Harbour diver", version=5)
    assert httpx.put(f"{url}/v1/postings/ver-1", json=p, headers=AUTH, timeout=60).json()["version"] == 5
    old = httpx.put(f"{url}/v1/postings/ver-1", json={**p, "version": 4, "title": "Older"}, headers=AUTH, timeout=60)
    assert old.status_code == 409 and "not above" in old.json()["detail"]
    stale = httpx.delete(f"{url}/v1/postings/ver-1", params={"version": 5}, headers=AUTH, timeout=30)
    assert stale.status_code == 409


def test_ndjson_batch_reports_every_line(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    lines = [
        json.dumps(posting("b-1", "Offshore ROV pilot")),
        "{broken",
        json.dumps(posting("b-2", "Hyperbaric welder", valid_through="2020-01-01T00:00:00Z")),
        "",
        json.dumps(posting("b-3", "Dive supervisor", remote_share=3)),
        json.dumps(posting("b-1", "Duplicate of line 1")),
        json.dumps({"op": "delete", "job_id": "never-existed"}),
        json.dumps(posting("b-4", "Diving instructor", salary={"min": 1, "max": 2, "currency": "ZZZ", "period": "year"})),
    ]
    r = httpx.post(f"{url}/v1/postings:batch", content="\n".join(lines).encode(),
                   headers={**AUTH, "Content-Type": "application/x-ndjson"}, timeout=120)
    assert r.status_code == 200, r.text
    out = r.json()
    by_line = {x["line"]: x for x in out["results"]}
    assert out["rows"] == 7 and out["errors"] is True
    assert by_line[1]["status"] == "created" and by_line[3]["status"] == "created"
    assert by_line[2]["status"] == "rejected" and "malformed JSON" in by_line[2]["reasons"][0]
    assert by_line[5]["status"] == "rejected" and any("remote_share" in x for x in by_line[5]["reasons"])
    assert by_line[6]["reasons"] == ["job_id: duplicate of line 1"]
    assert by_line[7]["status"] == "not_found"
    assert by_line[8]["status"] == "rejected" and any("currency" in x for x in by_line[8]["reasons"])
    ids = search_ids(url, "offshore ROV pilot hyperbaric welder", k=20)
    assert "b-1" in ids and "b-2" not in ids  # b-2 was stored already expired
    expired = httpx.post(f"{url}/v1/postings:expire", headers=AUTH, timeout=30).json()
    assert "b-2" in expired["job_ids"] or httpx.get(f"{url}/v1/postings/b-2", headers=AUTH, timeout=30).status_code == 404
    status = httpx.get(f"{url}/v1/postings:status", headers=AUTH, timeout=30).json()
    assert status["following"] and status["applied"] == status["head"] and status["postings"]["live"] >= 3000
