"""The chart ships the monitoring folder's rules and dashboards: the copies under
charts/jobsearch/files are current, and the rendered PrometheusRule and dashboard
ConfigMap carry exactly them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml


def test_chart_copies_match_the_monitoring_sources(chart_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(chart_dir / "hack" / "sync_monitoring.py"), "--check"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, f"stale copies (run the sync script):\n{proc.stdout}"
    assert list((chart_dir / "files" / "rules").glob("*.yaml"))
    assert list((chart_dir / "files" / "dashboards").glob("*.json"))


def test_prometheus_rule_carries_availability_index_and_one_latency_profile(
    rendered: dict[str, Any], repo_root: Path, of_kind: Any
) -> None:
    (rule,) = of_kind(rendered["default"], "PrometheusRule")
    groups = rule["spec"]["groups"]
    rules_dir = repo_root / "monitoring" / "prometheus" / "rules"
    expected = []
    for f in ("slo-availability.yaml", "index.yaml", "slo-latency-cluster.yaml"):
        expected += yaml.safe_load((rules_dir / f).read_text())["groups"]
    assert groups == expected
    for g in groups:
        for r in g["rules"]:
            assert ("record" in r) != ("alert" in r) and r["expr"]
    assert "release" in of_kind(rendered["canary"], "PrometheusRule")[0]["metadata"]["labels"]


def test_dashboards_configmap_is_labelled_for_the_grafana_sidecar(
    rendered: dict[str, Any], repo_root: Path, of_kind: Any
) -> None:
    (cm,) = [c for c in of_kind(rendered["default"], "ConfigMap") if c["metadata"]["name"].endswith("-dashboards")]
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    sources = sorted((repo_root / "monitoring" / "dashboards").glob("*.json"))
    assert sorted(cm["data"]) == [p.name for p in sources]
    for p in sources:
        assert json.loads(cm["data"][p.name]) == json.loads(p.read_text())
