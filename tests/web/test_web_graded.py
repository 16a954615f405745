"""The page when results carry calibrated grades (a real `ScoreCalibration` on retrieval
scores, cut points chosen for this small corpus, not a relevance claim): strong matches
first, then "Related jobs" under a divider; the meaning line has a check mark only for a
strong match; with no strong match the page says so and offers one-click relaxations."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from helpers import open_page, search_on_page

from jobsearch.api import create_app
from jobsearch.pipeline import SearchPipeline
from jobsearch.rank.calibration import ScoreCalibration
from jobsearch.serve import ServeSettings, serve_in_background

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def graded_url(pipeline) -> Iterator[str]:  # noqa: ANN001 - the session's SearchPipeline
    cal = ScoreCalibration([0.3, 0.5, 0.65], [0.3, 0.5, 0.65], [0.1, 0.5, 0.9], scale="retrieval-cosine")
    graded = SearchPipeline(pipeline.engine, pipeline.encoder, pipeline.retriever, None, members=pipeline.members,
                            calibration=cal, display_name=pipeline._display_name, clock=pipeline.clock)
    with serve_in_background(create_app(graded, ServeSettings())) as url:
        yield url


@pytest.fixture()
def page(browser, graded_url: str):  # noqa: ANN001, ANN201 - playwright objects
    context, pg = open_page(browser, width=1200, height=1000)
    yield pg
    context.close()


def _search(page, text: str) -> dict:  # noqa: ANN001
    return search_on_page(page, text)["response"]


def test_strong_matches_first_then_related_jobs(page, graded_url: str) -> None:  # noqa: ANN001
    page.goto(graded_url + "/")
    data = _search(page, "registered nurse")
    grades = [r["match"] for r in data["results"]]
    strong = [g in ("excellent", "good") for g in grades]
    assert any(strong) and not all(strong), grades
    assert strong == sorted(strong, reverse=True)  # strong ones first in the API's order too
    assert page.locator("#results .card").count() == sum(strong)
    assert page.locator("#related .card").count() == len(strong) - sum(strong)
    assert page.locator("#related-title").is_visible()
    assert "weaker matches" in page.locator("#related-title").inner_text()
    for card in page.locator("#related .card").all():
        meaning = card.locator(".why-list li.meaning")
        assert "weak" in meaning.get_attribute("class") and "✓" not in meaning.evaluate(
            "li => getComputedStyle(li, '::before').content")
        assert card.locator(".badge.grade").inner_text() in ("Fair match", "Weak match")
    first = page.locator("#results .card .why-list li.meaning").first
    assert "✓" in first.evaluate("li => getComputedStyle(li, '::before').content")
    assert f"{data['total_strong']} strong match" in page.locator("#status").inner_text()
    assert page.errors == []


def test_no_strong_match_says_so_and_offers_relaxations(page, graded_url: str) -> None:  # noqa: ANN001
    page.goto(graded_url + "/")
    weak = _search(page, "registered nurse in Lyon")  # a few nurses there, none a strong match
    assert weak["results"] and weak["total_strong"] == 0
    assert page.locator("#no-strong").is_visible()
    assert "No strong match" in page.locator("#no-strong-title").inner_text()
    assert page.locator("#related .card").count() == len(weak["results"]) and page.locator("#results .card").count() == 0

    data = _search(page, "software engineer in Potsdam")
    assert data["results"] == [] and data["relaxations"]
    box = page.locator("#no-strong")
    assert box.is_visible()
    relax = box.locator("button.relax").first
    rx = data["relaxations"][0]
    assert rx["label"] in relax.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        relax.click()
    page.wait_for_selector('#search-form[aria-busy="false"]')
    assert json.loads(info.value.request.post_data or "{}")["query"] == rx["query"] == page.locator("#q").input_value()
    assert info.value.json()["total_matching"] == rx["total_matching"]
    assert page.errors == []
