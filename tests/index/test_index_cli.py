"""`jobsearch index ...` commands on a real index folder."""

from __future__ import annotations

import json
from pathlib import Path

from index_fixtures import clustered, make_rows
from typer.testing import CliRunner

from jobsearch.index import build_from_arrays
from jobsearch.index.cli import app

runner = CliRunner()


def test_info_list_verify_activate_rollback(tmp_path: Path) -> None:
    rows = make_rows(200, seed=51)
    first = build_from_arrays(tmp_path, clustered(200, seed=51), rows, model_id="m")
    second = build_from_arrays(tmp_path, clustered(200, seed=52), rows, model_id="m", activate=False)

    out = runner.invoke(app, ["info", "--index", str(tmp_path), "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["version"] in first.name
    assert runner.invoke(app, ["verify", str(second)]).exit_code == 0
    assert runner.invoke(app, ["activate", str(second)]).exit_code == 0
    listing = runner.invoke(app, ["list", "--index", str(tmp_path)]).stdout
    assert f"* {second.name}" in listing and f"  {first.name}" in listing
    out = runner.invoke(app, ["rollback", "--index", str(tmp_path)])
    assert out.exit_code == 0 and first.name in out.stdout

    (second / "shard-000" / "col.workplace.npy").unlink()
    bad = runner.invoke(app, ["verify", str(second)])
    assert bad.exit_code == 1 and "missing" in bad.output
    assert runner.invoke(app, ["activate", str(second)]).exit_code == 1


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    out = runner.invoke(app, ["info", "--index", str(tmp_path / "none")])
    assert out.exit_code == 1 and "jobsearch index build" in out.output


def test_gc_keeps_active_and_recent(tmp_path: Path) -> None:
    rows = make_rows(50, seed=53)
    sets = [build_from_arrays(tmp_path, clustered(50, seed=53 + i), rows, model_id="m") for i in range(4)]
    out = runner.invoke(app, ["gc", "--index", str(tmp_path), "--keep", "1"])
    assert out.exit_code == 0 and "2 shard set(s) removed" in out.stdout
    assert [s.exists() for s in sets] == [False, False, True, True]
