"""`jobsearch show` and the text of `jobsearch search` (typer's runner, in-process, over the
session's demo home): the whole posting, a clear error for an unknown id, and search output
that names grades, the divider and relaxations as the page does."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from jobsearch.cli import _mount, app
from jobsearch.results.text import RELATED, search_lines
from jobsearch.schema import Company, ParsedQuery, Relaxation, SearchResponse, SearchResult

_mount()
runner = CliRunner()


def test_show_prints_the_whole_posting(demo_home: Path, pipeline) -> None:  # noqa: ANN001
    hit = pipeline.search("registered nurse", k=1).results[0]
    result = runner.invoke(app, ["show", hit.job_id])
    assert result.exit_code == 0, result.output
    job = pipeline.job(hit.job_id)
    assert job.title in result.output and job.company.name in result.output
    assert job.description[:60] in result.output and f"apply: {job.apply_url}" in result.output
    as_json = runner.invoke(app, ["show", hit.job_id, "--json"])
    assert json.loads(as_json.output)["job_id"] == hit.job_id


def test_show_unknown_id_is_a_message_not_a_traceback(demo_home: Path) -> None:
    result = runner.invoke(app, ["show", "no-such-job"])
    assert result.exit_code == 1
    assert "no posting with id 'no-such-job'" in result.output and "Traceback" not in result.output


def _result(job_id: str, match: str | None, now: datetime) -> SearchResult:
    return SearchResult(job_id=job_id, title=f"Nurse {job_id}", company=Company(id="c", name="Care Co"),
                        location_ids=["2643743"], location="London", workplace="onsite", remote_share=0.0,
                        salary=None, posted_at=now - timedelta(hours=30), seniority="mid",
                        employment_type="full_time", score=0.5, match=match, similar_count=2 if job_id == "a" else 0)


def test_search_text_puts_strong_matches_first_then_the_divider() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    res = SearchResponse(query=ParsedQuery(text="nurse", semantic_text="nurse"), total_matching=40, total_strong=1,
                         results=[_result("a", "good", now), _result("b", "fair", now)])
    lines = search_lines(res, now=now)
    assert lines[0] == "40 postings pass every filter, 1 strong matches; showing 2"
    assert lines[1].startswith("[good] Nurse a") and "posted 1 day ago (+2 similar)" in lines[1]
    assert lines[2] == RELATED and lines[3].startswith("[fair] Nurse b")


def test_search_text_says_when_nothing_is_strong_and_offers_relaxations() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rx = Relaxation(kind="place", label="Within 50 km of Lyon", query="nurse within 50 km of Lyon",
                    total_matching=9, total_strong=3)
    res = SearchResponse(query=ParsedQuery(text="nurse in Lyon", semantic_text="nurse"), total_matching=1,
                         total_strong=0, results=[_result("b", "poor", now)], relaxations=[rx])
    lines = search_lines(res, now=now)
    assert lines[1].startswith("No strong match") and RELATED not in lines
    assert lines[-1] == "try: Within 50 km of Lyon (9 matching, 3 strong): jobsearch search 'nurse within 50 km of Lyon'"
