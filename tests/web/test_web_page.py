"""The search page in headless Chromium against the real service: type the demo query,
check the chips and that every card satisfies the constraints (through the raw values each
card carries as data attributes), remove chips, see the empty state, take screenshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from helpers import open_page, search_on_page

from jobsearch.api import create_app
from jobsearch.serve import ServeSettings, serve_in_background
from jobsearch.taxonomy.currency import to_annual_usd

DEMO = "data engineer jobs in Berlin paying at least 70k euros, posted this week"
BERLIN = "2950159"
TIMEOUT_MS = 60_000


@pytest.fixture()
def page(browser, web_url: str):  # noqa: ANN001, ANN201 - playwright objects
    context, pg = open_page(browser, width=1200, height=1100)  # pg.errors: uncaught script errors
    pg.foreign = []  # any request that leaves this origin
    pg.on("request", lambda r: None if r.url.startswith((web_url, "data:")) else pg.foreign.append(r.url))
    yield pg
    context.close()


_search = search_on_page


def _cards(page) -> list[dict]:  # noqa: ANN001
    return page.eval_on_selector_all(
        ".results .card",
        "cards => cards.map(c => ({...c.dataset, text: c.innerText,"
        " why: c.querySelectorAll('.why-list li').length}))",
    )


def test_demo_search_shows_chips_and_only_matching_jobs(page, web_url: str, screenshot_dir: Path) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    # The picker fills from /v1/members after the page loads: wait for it, do not race it.
    page.wait_for_function("document.querySelectorAll('#member option').length > 1", timeout=15_000)
    now = datetime.now(UTC)
    got = _search(page, DEMO)
    assert got["request"]["query"] == DEMO and got["request"]["remove"] == []

    chips = page.eval_on_selector_all("#chips .chip", "cs => cs.map(c => ({...c.dataset, label: c.innerText}))")
    assert {"location_ids", "min_salary", "posted_within_days"} <= {c["filter"] for c in chips}
    assert all(c["label"].strip() for c in chips)
    assert page.get_by_role("button", name="Remove filter:").count() == len(chips)

    cards = _cards(page)
    api_ids = [r["job_id"] for r in got["response"]["results"]]
    assert cards and [c["jobId"] for c in cards] == api_ids
    floor_usd = to_annual_usd(70000, "EUR", "year")
    for c in cards:
        assert BERLIN in c["locationIds"].split(), c
        annual = to_annual_usd(float(c["salaryMax"]), c["salaryCurrency"], c["salaryPeriod"])
        assert annual >= floor_usd - 1e-6, c
        assert datetime.fromisoformat(c["postedAt"]) >= now - timedelta(days=7, minutes=5), c
        assert "Posted " in c["text"] and " ago" in c["text"]
        assert c["why"] >= 1
    first = page.locator("#results .card").first
    assert "€" in first.locator(".pay").inner_text() or "EUR" in first.locator(".pay").inner_text()
    assert "match" in page.locator("#status").inner_text()
    page.screenshot(path=str(screenshot_dir / "search.png"), full_page=True)

    # Remove the recency chip: the box is rewritten without its words and the search re-runs.
    narrow_total = got["response"]["total_matching"]
    chip = page.locator('#chips .chip[data-filter="posted_within_days"]')
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        chip.click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    body = json.loads(info.value.request.post_data or "{}")
    assert body["remove"] == [] and "posted this week" not in body["query"]
    assert body["query"] == "data engineer jobs in Berlin paying at least 70k euros"
    assert page.locator("#q").input_value() == body["query"]  # the box says what is searched
    assert "Removed from your search" in page.locator("#removed").inner_text()
    wide = info.value.json()
    assert wide["total_matching"] > narrow_total
    assert page.locator('#chips .chip[data-filter="posted_within_days"]').count() == 0
    assert len(_cards(page)) >= len(cards)

    # A second removal, by keyboard; focus stays among the chips.
    page.locator('#chips .chip[data-filter="min_salary"]').focus()
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        page.keyboard.press("Enter")
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert page.evaluate("document.activeElement.matches('.chip, #reset-filters')")
    body = json.loads(info.value.request.post_data or "{}")
    assert body["query"] == "data engineer jobs in Berlin" == page.locator("#q").input_value()
    assert info.value.json()["total_matching"] >= wide["total_matching"]

    # Restore brings the typed query back.
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        page.locator("#reset-filters").click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert json.loads(info.value.request.post_data or "{}")["query"] == DEMO == page.locator("#q").input_value()
    assert page.errors == [] and page.foreign == []


def test_impossible_search_shows_which_filter_emptied_it(page, web_url: str, screenshot_dir: Path) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    got = _search(page, "software engineer in Berlin paying at least 900k euros")
    assert got["response"]["results"] == []
    empty = page.locator("#empty")
    assert empty.is_visible()
    assert got["response"]["empty_reason"] in empty.inner_text()
    assert "without it" in empty.inner_text()
    assert _cards(page) == [] and not page.locator("#more").is_visible()
    page.screenshot(path=str(screenshot_dir / "empty.png"), full_page=True)
    assert page.errors == []


def test_searching_as_a_member_sends_the_member(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    member_id = page.locator("#member option").nth(1).get_attribute("value")
    page.get_by_label("Search as").select_option(member_id)
    got = _search(page, "jobs where I have a connection")
    assert got["request"]["member_id"] == member_id
    assert got["response"]["query"]["member_id"] == member_id
    assert page.errors == []


def test_apply_opens_the_postings_apply_page_and_sends_feedback(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/?q=registered+nurse")
    page.wait_for_selector(".results .card")
    card = page.locator(".results .card").first
    job_id = card.get_attribute("data-job-id")
    apply = card.locator(".apply")
    assert apply.get_attribute("href").startswith("/demo/companies/")
    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as info, page.context.expect_page() as tab:
        apply.click()
    assert info.value.status == 202
    assert json.loads(info.value.request.post_data or "{}")["job_id"] == job_id
    tab.value.wait_for_load_state()
    assert "demo" in tab.value.content()


def test_page_explains_a_missing_index(browser, screenshot_dir: Path) -> None:  # noqa: ANN001
    with serve_in_background(create_app(None, ServeSettings())) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#health.down")
        page.get_by_label("What job are you looking for?").fill("nurse")
        page.get_by_role("button", name="Search").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "not ready" in alert.inner_text() and "jobsearch index build" in alert.inner_text()
        page.screenshot(path=str(screenshot_dir / "no-index.png"))
        context.close()
        assert httpx.get(url + "/healthz").status_code == 503
