"""The top-level commands a newcomer types: parse, search, demo. Run through typer's
runner in-process, against the session's demo home or a fresh tiny one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobsearch.cli import _mount, app

_mount()
runner = CliRunner()

CONTRACT_KEYS = {
    "location_ids",
    "workplace",
    "min_remote_share",
    "min_salary",
    "posted_within_days",
    "exclude_company_types",
    "company_ids",
    "exclude_company_ids",
    "seniority",
    "employment_type",
}


def test_parse_json_follows_the_contract() -> None:
    text = (
        "software engineer jobs in Silicon Valley or Seattle, mostly remote, not from staffing "
        "agencies, posted recently, above median pay"
    )
    result = runner.invoke(app, ["parse", text, "--json", "--corpus", "/nonexistent"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["text"] == text and out["semantic_text"] == "software engineer"
    f = out["filters"]
    assert set(f) >= CONTRACT_KEYS
    assert "5809844" in f["location_ids"]  # Seattle
    assert f["workplace"] == ["remote", "hybrid"] and f["min_remote_share"] == 0.5
    assert f["min_salary"] == {"relative": "median"}
    assert f["posted_within_days"] == 7 and f["exclude_company_types"] == ["staffing"]
    assert out["unresolved"] == [] and isinstance(out["suggestions"], list)


def test_search_json_results_carry_every_filterable_field(demo_home: Path) -> None:
    result = runner.invoke(
        app, ["search", "registered nurse jobs, full-time", "--k", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["query"]["filters"]["employment_type"] == ["full_time"]
    assert out["results"]
    for r in out["results"]:
        assert {
            "location_ids",
            "workplace",
            "remote_share",
            "salary",
            "posted_at",
            "company",
            "seniority",
            "employment_type",
            "title",
            "score",
            "why",
        } <= set(r)
        assert r["employment_type"] == "full_time"
        assert {"id", "name", "type"} <= set(r["company"])


def test_search_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "nurse", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "jobsearch index build" in result.output
    assert "Traceback" not in result.output


def test_empty_query_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["parse", "  ", "--corpus", "/nonexistent"])
    assert result.exit_code == 2 and "empty" in result.output


@pytest.mark.slow
def test_demo_prepares_a_home_that_search_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBSEARCH_HOME", str(tmp_path))
    result = runner.invoke(app, ["demo", "--jobs", "300", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index" / "ACTIVE").exists() and (
        tmp_path / "corpus" / "postings.parquet"
    ).exists()
    again = runner.invoke(app, ["demo", "--no-serve"])  # reuses what is there
    assert again.exit_code == 0 and "generating" not in again.output
    found = runner.invoke(app, ["search", "accountant", "--k", "3", "--json"])
    assert found.exit_code == 0 and len(json.loads(found.output)["results"]) == 3
