"""`jobsearch eval` commands that need no model: help, query generation, run comparison."""

from __future__ import annotations

import json

from jobsearch.models.cli import app
from typer.testing import CliRunner

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    out = runner.invoke(app, ["--help"]).output
    for cmd in ("queries", "run", "compare", "grade", "train-teacher", "serve-policy", "llm-agreement"):
        assert cmd in out


def test_queries_command_writes_both_formats(small_corpus, tmp_path) -> None:
    r = runner.invoke(app, ["queries", "--corpus-dir", str(small_corpus), "--out", str(tmp_path), "--n", "60"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "queries.parquet").exists()
    assert len((tmp_path / "queries.jsonl").read_text().splitlines()) == 60


def test_compare_prints_per_type_deltas(tmp_path) -> None:
    def run(name: str, ndcg: float) -> dict:
        row = {"n": 3, "ndcg@10": ndcg, "mrr": 0.5, "recall@100": 0.5, "violation_rate": 0.0}
        return {"system": name, "overall": row, "by_type": {"role": row}}

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(run("bm25", 0.4)))
    b.write_text(json.dumps(run("minilm", 0.65)))
    r = runner.invoke(app, ["compare", str(a), str(b)])
    assert r.exit_code == 0, r.output
    assert "minilm vs bm25" in r.output and "0.650 (+0.250)" in r.output
