"""The Grafana dashboards: generated JSON is current, well-formed for Grafana's dashboard
model, panel ids unique, and every query is valid PromQL naming metrics that exist."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS_DIR = ROOT / "monitoring" / "dashboards"
FILES = sorted(DASHBOARDS_DIR.glob("*.json"))
# Grafana's variables, replaced by what Grafana would send so promtool can parse them.
GRAFANA_VARS = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "30s", "$job": ".*"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _queries(board: dict) -> list[tuple[str, str]]:
    return [(p["title"], t["expr"]) for p in board["panels"] for t in p.get("targets", [])]


def _substitute(expr: str) -> str:
    for var, value in GRAFANA_VARS.items():
        expr = expr.replace(var, value)
    return expr


def test_generated_dashboards_are_current() -> None:
    spec = importlib.util.spec_from_file_location("dash_generate", DASHBOARDS_DIR / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, "run python monitoring/dashboards/generate.py"
    assert {p.name for p in FILES} == set(module.DASHBOARDS)


def test_the_four_dashboards_exist_with_unique_uids() -> None:
    boards = [_load(p) for p in FILES]
    uids = [b["uid"] for b in boards]
    assert len(uids) == len(set(uids))
    assert set(uids) == {"jobsearch-slo", "jobsearch-search", "jobsearch-index", "jobsearch-canary"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_dashboard_structure(path: Path) -> None:
    board = _load(path)
    for key in ("uid", "title", "schemaVersion", "panels", "templating", "time"):
        assert key in board, key
    assert len(board["uid"]) <= 40  # Grafana's uid limit
    names = [v["name"] for v in board["templating"]["list"]]
    assert names[:2] == ["datasource", "job"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids)), "duplicate panel ids"
    occupied: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["h"] > 0, panel["title"]
        cells = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & occupied, f"{panel['title']} overlaps another panel"
        occupied |= cells
        if panel["type"] == "row":
            continue
        assert panel["type"] in {"timeseries", "stat", "table", "heatmap", "gauge"}
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        refs = [t["refId"] for t in panel["targets"]]
        assert refs and len(refs) == len(set(refs)), panel["title"]
        assert all(t["expr"].strip() for t in panel["targets"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_queries_name_real_metrics(path: Path, known_names: set[str], names_in) -> None:
    for title, expr in _queries(_load(path)):
        names = names_in(expr)
        assert names, f"{title}: no metric in {expr}"
        assert not names - known_names, f"{title}: unknown {names - known_names} in {expr}"


def test_queries_are_valid_promql(promtool: str, tmp_path: Path) -> None:
    """promtool parses every dashboard query, wrapped as a recording rule."""
    rules = [
        {"record": f"dashboard:q{i}", "expr": _substitute(expr)}
        for i, (_, expr) in enumerate(q for p in FILES for q in _queries(_load(p)))
    ]
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    out = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"SUCCESS: {len(rules)} rules found" in out.stdout


def test_dashboards_cover_the_issue() -> None:
    titles = {p.name: [x["title"] for x in _load(p)["panels"]] for p in FILES}
    slo = " ".join(titles["jobsearch-slo.json"])
    assert "budget left" in slo and "burn rate" in slo
    search = " ".join(titles["jobsearch-search.json"])
    assert "latency by stage" in search and "Cache hit ratio" in search
    index = " ".join(titles["jobsearch-index.json"])
    assert "Index age" in index and "Swap failures" in index
    exprs = " ".join(e for _, e in _queries(_load(DASHBOARDS_DIR / "jobsearch-canary.json")))
    assert "by (model_version" in exprs and "jobsearch_feedback_events_total" in exprs


def test_name_checker_sees_through_promql(names_in) -> None:
    expr = ('histogram_quantile(0.99, sum by (stage, le) (rate(foo_bucket{job=~"$job",le="0.5"}[5m]))) '
            '/ on (job) group_left (model_version) bar_info and time() - baz > 3600')
    assert names_in(expr) == {"foo_bucket", "bar_info", "baz"}
