"""`jobsearch postings ...` against a SQLite store (real encoder from the demo home) and
against a real server on loopback (token, batches, per-line reports, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_fixtures import posting
from typer.testing import CliRunner

from jobsearch.cli import _mount
from jobsearch.cli import app as cli_app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):  # noqa: ANN201 - click Result
    _mount()
    return runner.invoke(cli_app, ["postings", *args], env=env)


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    rows = [json.dumps(posting(1)), "{oops", json.dumps({**posting(2), "workplace": "onsite"}),
            json.dumps({**posting(3), "valid_through": "2020-01-01T00:00:00Z"}), json.dumps(posting(1))]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_import_put_delete_expire_status_on_a_store(demo_home: Path, tmp_path: Path, lines: Path) -> None:
    store = str(tmp_path / "store.sqlite")
    r = run("import", str(lines), "--store", store, "--json")
    assert r.exit_code == 1, r.output  # some rows were rejected
    out = {x["line"]: x for x in json.loads(r.output)["results"]}
    assert out[1]["status"] == "created" and out[4]["status"] == "created"
    assert "malformed JSON" in out[2]["reasons"][0]
    assert any("onsite" in x for x in out[3]["reasons"])
    assert out[5]["reasons"] == ["job_id: duplicate of line 1"]
    one = tmp_path / "one.json"
    one.write_text(json.dumps({**posting(1), "title": "Retitled role"}))
    r = run("put", str(one), "--store", store)
    assert r.exit_code == 0 and "1 updated" in r.output
    assert run("put", str(one), "--store", store).output.startswith("1 unchanged")
    r = run("expire", "--store", store)
    assert r.exit_code == 0 and "1 postings expired" in r.output  # job-3 was stored already past its time
    r = run("expire", "job-1", "--at", "2030-01-01T00:00:00Z", "--store", store, "--json")
    assert json.loads(r.output)["results"][0]["status"] == "updated"
    r = run("delete", "job-1", "nope", "--store", store)
    assert r.exit_code == 0 and "1 deleted" in r.output and "1 not_found" in r.output
    status = json.loads(run("status", "--store", store).output)
    assert status["postings"] == {"live": 0, "deleted": 2, "expiring": 0} and status["head"] == 6


def test_against_a_server_needs_the_token(demo_home: Path, tmp_path: Path, lines: Path) -> None:
    from jobsearch.api import create_app
    from jobsearch.serve import serve_in_background
    from jobsearch.store.settings import IngestSettings

    app = create_app(None)  # no index: writes are durable, answered 202 (not yet searchable)
    app.state.ingest_settings = IngestSettings(store=str(tmp_path / "s.sqlite"), admin_token="tok",
                                               visible_timeout_s=0.1)
    with serve_in_background(app) as url:
        denied = run("import", str(lines), "--url", url, env={"JOBSEARCH_ADMIN_TOKEN": "wrong"})
        assert denied.exit_code == 2 and "401" in denied.output
        r = run("import", str(lines), "--url", url, "--json", env={"JOBSEARCH_ADMIN_TOKEN": "tok"})
        assert r.exit_code == 1
        out = {x["line"]: x["status"] for x in json.loads(r.output)["results"]}
        assert out == {1: "created", 2: "rejected", 3: "rejected", 4: "created", 5: "rejected"}
        r = run("delete", "job-1", "--url", url, env={"JOBSEARCH_ADMIN_TOKEN": "tok"})
        assert r.exit_code == 0 and "1 deleted" in r.output
    app.state.ingest.stop()


def test_compact_builds_a_set_from_the_store(tmp_path: Path) -> None:
    from store_fixtures import MODEL, unit_vectors, upsert

    from jobsearch.index import FlatIndex
    from jobsearch.store import open_store
    from jobsearch.store.watermark import read_watermark

    store = open_store(tmp_path / "s.sqlite")
    v = unit_vectors(5, 1)
    store.upsert([upsert(posting(i), v[i]) for i in range(5)])
    store.delete(["job-2"])
    r = run("compact", "--index", str(tmp_path / "index"), "--store", str(tmp_path / "s.sqlite"),
            "--model-id", MODEL)
    assert r.exit_code == 0, r.output
    index = FlatIndex.open(tmp_path / "index")
    assert index.rows == 4 and str(index.set_dir) == r.output.strip()
    assert read_watermark(index.set_dir, store.store_id) == store.head()
