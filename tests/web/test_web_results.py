"""The page beyond the first search, in headless Chromium against the real service: the
job detail panel (shareable URL, keyboard), facets and refinements that add chips, sort and "show more"
through the cursor, chips in the unit typed, one relative-time wording, compact phone
cards, and an axe-core audit (no serious or critical violations) of the page and panel."""

from __future__ import annotations

import json
import re

import pytest
from helpers import open_page, search_on_page

TIMEOUT_MS = 60_000


@pytest.fixture()
def page(browser, web_url: str):  # noqa: ANN001, ANN201 - playwright objects
    context, pg = open_page(browser, width=1280, height=900)
    yield pg
    context.close()


_search = search_on_page


def _axe(page, context: str | None = None) -> list[dict]:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, context=context)
    return [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def test_detail_panel_opens_with_a_shareable_url_and_closes_by_keyboard(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    _search(page, "registered nurse")
    title = page.locator(".results .title-button").first
    job_id = page.locator(".results .card").first.get_attribute("data-job-id")
    with page.expect_response(lambda r: f"/v1/jobs/{job_id}" in r.url) as info:
        title.click()
    job = info.value.json()
    panel = page.get_by_role("dialog")
    panel.wait_for()
    assert panel.locator("#detail-title").inner_text() == job["title"]
    assert job["description"][:40] in panel.inner_text()
    assert all(s in panel.inner_text() for s in job["skills"])
    assert panel.locator("#detail-apply").get_attribute("href") == job["apply_url"]
    assert f"job={job_id}" in page.url
    assert page.evaluate("document.activeElement.id") == "detail-close"
    assert not _axe(page, "#detail"), "the detail panel passes axe-core"
    page.keyboard.press("Escape")
    assert panel.is_hidden() and "job=" not in page.url
    assert page.evaluate("document.activeElement.classList.contains('title-button')")

    # The URL is shareable: opening it shows the same posting.
    shared = page.context.new_page()
    shared.goto(f"{web_url}/?q=registered+nurse&job={job_id}")
    shared.get_by_role("dialog").wait_for()
    assert shared.locator("#detail-title").inner_text() == job["title"]
    assert page.errors == []


def test_clicking_a_facet_adds_a_chip_and_rewrites_the_box(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    got = _search(page, "software engineer")
    assert got["request"]["facets"] is True
    facets = got["response"]["facets"]
    assert page.locator("#facets").is_visible()
    remote = next(v for v in facets["workplace"] if v["value"] == "remote")
    button = page.locator('.facet[data-facet="workplace"][data-value="remote"]')
    assert str(remote["count"]) in button.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        button.click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert page.locator("#q").input_value() == "software engineer, remote"
    assert page.locator('#chips .chip[data-filter="workplace"]').count() == 1
    assert info.value.json()["total_matching"] == remote["count"]
    assert {c.get_attribute("data-workplace") for c in page.locator(".results .card").all()} == {"remote"}
    assert page.errors == []


def test_clicking_a_refinement_narrows_the_search_by_keyboard(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    got = _search(page, "software engineer in Seattle")
    chips = got["response"]["refinements"]
    box = page.get_by_role("region", name="Narrow it down")
    assert box.is_visible() and chips
    buttons = box.locator("button.refinement")
    assert buttons.all_inner_texts() == [c["label"] for c in chips]
    assert chips[0]["group"] in box.inner_text()
    company = next(c for c in chips if c["kind"] == "company")
    button = box.locator(f'button.refinement[data-kind="company"][data-value="{company["value"]}"]')
    assert f"{company['count']} job" in (button.get_attribute("aria-label") or "")
    button.focus()  # a keyboard user: Tab to it, Enter
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        page.keyboard.press("Enter")
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert page.locator("#q").input_value() == company["query"]
    answer = info.value.json()
    assert answer["total_matching"] == company["count"]
    assert page.locator('#chips .chip[data-filter="company_ids"]').count() == 1
    assert {c.get_attribute("data-company-id") for c in page.locator(".card").all()} == {company["value"]}
    # The company is in the query now: no company chip is offered again.
    assert box.locator('button.refinement[data-kind="company"]').count() == 0
    assert page.errors == []


def test_sort_and_show_more_follow_the_cursor(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    page.get_by_label("Sort by").select_option("date")
    got = _search(page, "nurse")
    assert got["request"]["sort"] == "date" and "sort=date" in page.url
    first_ids = [c.get_attribute("data-job-id") for c in page.locator(".results .card").all()]
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        page.locator("#more").click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    body = json.loads(info.value.request.post_data or "{}")
    assert body["cursor"] == got["response"]["next_cursor"]
    ids = [c.get_attribute("data-job-id") for c in page.locator(".results .card").all()]
    assert ids[: len(first_ids)] == first_ids and len(ids) > len(first_ids) and len(set(ids)) == len(ids)
    dates = [c.get_attribute("data-posted-at") for c in page.locator(".results .card").all()]
    assert dates == sorted(dates, reverse=True)


def test_chips_keep_the_unit_typed_and_one_time_wording(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    _search(page, "jobs within 25 miles of Austin posted today")
    labels = page.locator("#chips .chip-label").all_inner_texts()
    assert "Within 25 miles of Austin, TX" in labels, labels
    assert "Posted in the last 24 hours" in labels, labels
    for text in page.locator(".results time").all_inner_texts():
        assert re.fullmatch(r"Posted (less than an hour|\d+ hours?) ago", text), text
    # Removing the place chip removes its words, radius included.
    with page.expect_response(lambda r: r.url.endswith("/v1/search")):
        page.locator('#chips .chip[data-filter="location_ids"]').click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert page.locator("#q").input_value() == "jobs posted today"


def test_phone_cards_are_compact(browser, web_url: str, screenshot_dir) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(web_url + "/?q=registered+nurse")
    page.wait_for_selector(".results .card")
    heights = page.eval_on_selector_all(".results .card", "cs => cs.slice(0, 5).map(c => c.getBoundingClientRect().height)")
    gap = 8
    assert sum(heights[:3]) + 2 * gap <= 844, heights  # three jobs fit one screen
    assert page.locator(".results .why").first.get_attribute("open") is None  # why-it-matched is collapsed
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    page.screenshot(path=str(screenshot_dir / "mobile.png"))
    context.close()


def test_search_page_passes_axe(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    assert not _axe(page), "the empty page passes axe-core"
    _search(page, "data engineer jobs in Berlin paying at least 70k euros, posted this week")
    violations = _axe(page)
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]


def test_arrow_keys_move_between_results_and_slash_focuses_the_box(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    _search(page, "software engineer")
    titles = page.locator(".results .title-button")
    titles.nth(0).focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == titles.nth(1).inner_text()
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.textContent") == titles.nth(0).inner_text()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_a_member_saves_a_search(page, web_url: str) -> None:  # noqa: ANN001
    page.goto(web_url + "/")
    member_id = page.locator("#member option").nth(1).get_attribute("value")
    page.get_by_label("Search as").select_option(member_id)
    _search(page, "nurse jobs posted this week")
    save = page.get_by_role("button", name="Save search")
    with page.expect_response(lambda r: r.url.endswith(f"/v1/members/{member_id}/searches")) as info:
        save.click()
    assert info.value.status == 201 and info.value.json()["query"] == "nurse jobs posted this week"
    assert "Saved" in page.locator("#status").inner_text()
    alerts = page.request.get(f"{web_url}/v1/members/{member_id}/alerts").json()["alerts"]
    assert "nurse jobs posted this week" in [a["search"]["query"] for a in alerts]
