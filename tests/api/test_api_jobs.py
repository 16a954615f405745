"""Job detail, the demo apply page, saved searches and alerts through real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from jobsearch.schema import JobDetail, SearchResponse


def _first(client: httpx.Client, query: str) -> dict:
    r = client.post("/v1/search", json={"query": query, "k": 5})
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def test_job_detail_returns_the_whole_posting(client: httpx.Client) -> None:
    hit = _first(client, "registered nurse")
    r = client.get(f"/v1/jobs/{hit['job_id']}")
    assert r.status_code == 200, r.text
    job = JobDetail.model_validate(r.json())
    assert job.job_id == hit["job_id"] and job.title == hit["title"]
    assert len(job.description) > 100 and job.skills
    assert job.company.id == hit["company"]["id"] and job.company.name
    assert job.places and job.places[0] == hit["location"] and len(job.places) == len(job.location_ids)
    assert job.posted_at.isoformat().startswith(hit["posted_at"][:19])  # the same served date as the card
    assert hit["apply_url"] == job.apply_url
    assert job.apply_url is not None and job.apply_url.startswith(f"/demo/companies/{job.company.id}/jobs/")


def test_generated_postings_apply_on_a_demo_page_of_their_company(client: httpx.Client) -> None:
    hit = _first(client, "software engineer")
    page = client.get(hit["apply_url"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert hit["company"]["name"].split("&")[0] in page.text and "demo" in page.text
    wrong = client.get(f"/demo/companies/not-{hit['company']['id']}/jobs/{hit['job_id']}")
    assert wrong.status_code == 404


def test_unknown_job_is_404_with_a_reason(client: httpx.Client) -> None:
    r = client.get("/v1/jobs/no-such-job")
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "not_found" and "no-such-job" in body["detail"]


def test_saved_search_alerts_list_postings_posted_since_last_seen(client: httpx.Client, pipeline) -> None:  # noqa: ANN001
    member = sorted(pipeline.members)[0]
    query = "registered nurse"
    saved = client.post(f"/v1/members/{member}/searches", json={"query": query})
    assert saved.status_code == 201, saved.text
    search_id = saved.json()["id"]
    again = client.post(f"/v1/members/{member}/searches", json={"query": query})
    assert again.json()["id"] == search_id  # saving the same text twice is one saved search
    listed = client.get(f"/v1/members/{member}/searches").json()["searches"]
    assert [s["id"] for s in listed].count(search_id) == 1

    # Just saved: nothing is new yet.
    alerts = client.get(f"/v1/members/{member}/alerts").json()["alerts"]
    mine = next(a for a in alerts if a["search"]["id"] == search_id)
    assert mine["new"] == []

    # Seen three days ago (as if the member last looked then): what was posted since shows up.
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    from jobsearch.home import data_home
    from jobsearch.results.saved import SavedSearchStore

    SavedSearchStore(data_home() / "saved-searches.sqlite").mark_seen(member, search_id, at=three_days_ago)
    mine = next(a for a in client.get(f"/v1/members/{member}/alerts").json()["alerts"]
                if a["search"]["id"] == search_id)
    full = SearchResponse.model_validate(
        client.post("/v1/search", json={"query": query, "member_id": member, "k": 100, "max_per_company": 0}).json())
    expected = {r.job_id for r in full.results if r.posted_at > three_days_ago
                and (r.match is None or r.match in ("excellent", "good"))}
    assert expected, "the demo corpus has fresh nurse postings (dates follow the clock)"
    assert {r["job_id"] for r in mine["new"]} == expected
    dates = [r["posted_at"] for r in mine["new"]]
    assert dates == sorted(dates, reverse=True)

    # Marked seen over HTTP: the alerts empty again.
    seen = client.post(f"/v1/members/{member}/searches/{search_id}/seen")
    assert seen.status_code == 200
    mine = next(a for a in client.get(f"/v1/members/{member}/alerts").json()["alerts"]
                if a["search"]["id"] == search_id)
    assert mine["new"] == []
    assert client.delete(f"/v1/members/{member}/searches/{search_id}").status_code == 204
    assert client.delete(f"/v1/members/{member}/searches/{search_id}").status_code == 404


def test_saved_searches_refuse_unknown_members_and_bad_queries(client: httpx.Client, pipeline) -> None:  # noqa: ANN001
    r = client.post("/v1/members/nobody/searches", json={"query": "nurse"})
    assert r.status_code == 404 and "nobody" in r.json()["detail"]
    assert client.get("/v1/members/nobody/alerts").status_code == 404
    member = sorted(pipeline.members)[0]
    r = client.post(f"/v1/members/{member}/searches", json={"query": ""})
    assert r.status_code == 422


def test_saved_searches_act_only_for_the_authenticated_member_outside_demo_mode(pipeline) -> None:  # noqa: ANN001
    from jobsearch.api import create_app
    from jobsearch.api.identity import MemberAuth
    from jobsearch.serve import serve_in_background
    from jobsearch.settings import ServeSettings

    secret = b"saved-search-test-secret"
    member, other = sorted(pipeline.members)[:2]
    own = {"Authorization": f"Bearer {MemberAuth(secret).token(member)}"}
    app = create_app(pipeline, ServeSettings(signing_secret=secret, demo=False))
    with serve_in_background(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        anonymous = c.post(f"/v1/members/{member}/searches", json={"query": "nurse"})
        assert anonymous.status_code == 403 and anonymous.json()["error"] == "not_authorized"
        assert c.get(f"/v1/members/{member}/alerts").status_code == 403
        assert c.get(f"/v1/members/{other}/searches", headers=own).status_code == 403  # someone else's
        saved = c.post(f"/v1/members/{member}/searches", json={"query": "nurse"}, headers=own)
        assert saved.status_code == 201, saved.text
        listed = c.get(f"/v1/members/{member}/searches", headers=own).json()["searches"]
        assert saved.json()["id"] in [s["id"] for s in listed]
