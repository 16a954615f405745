from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from jobsearch.corpus.cli import app
from jobsearch.corpus.table import read_postings

runner = CliRunner()


def test_generate_then_stats(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = runner.invoke(app, ["generate", "--jobs", "300", "--seed", "2", "--out", str(out), "--members", "5",
                                 "--now", "2026-11-20", "-q"])
    assert result.exit_code == 0, result.output
    assert "wrote 300 postings" in result.output
    assert read_postings(out).num_rows == 300
    meta = json.loads((out / "corpus.json").read_text())
    assert meta["now"] == "2026-11-20T00:00:00+00:00" and meta["n_members"] == 5
    stats = runner.invoke(app, ["stats", str(out), "--json"])
    assert stats.exit_code == 0, stats.output
    s = json.loads(stats.output)
    assert s["postings"] == 300 and s["members"] == 5 and s["countries"] >= 5


def test_generate_rejects_bad_now(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--jobs", "10", "--out", str(tmp_path), "--now", "last tuesday"])
    assert result.exit_code != 0 and "not an ISO 8601" in result.output


def test_validate_exit_codes(tmp_path: Path, good_row: Callable[..., dict[str, Any]]) -> None:
    good = good_row
    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps(good("a")) + "\n")
    result = runner.invoke(app, ["validate", str(ok)])
    assert result.exit_code == 0 and "1 rows, 1 valid, 0 rejected" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(good("a")) + "\n{oops\n")
    result = runner.invoke(app, ["validate", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["rejected"] == 1 and report["bad_rows"][0]["line"] == 2


def test_ingest_allow_bad(tmp_path: Path, good_row: Callable[..., dict[str, Any]]) -> None:
    good = good_row
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(good("a")) + "\n" + json.dumps(good("b", workplace="office")) + "\n")
    out = tmp_path / "corpus"
    strict = runner.invoke(app, ["ingest", str(src), "--out", str(out)])
    assert strict.exit_code == 1
    assert "line 2 (job_id 'b')" in strict.output and "workplace:" in strict.output
    assert "1 rejected rows listed in" in strict.output
    lenient = runner.invoke(app, ["ingest", str(src), "--out", str(out), "--allow-bad"])
    assert lenient.exit_code == 0
    assert read_postings(out).column("job_id").to_pylist() == ["a"]


def test_missing_inputs_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["stats", str(tmp_path)])
    assert result.exit_code == 2 and "no corpus at" in result.output


def test_help_teaches() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "jobsearch corpus generate --jobs" in result.output
