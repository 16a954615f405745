"""The Prometheus rule files: generated output is current, promtool accepts them, every
alert has firing and non-firing unit tests, and every expression names real metrics."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "monitoring" / "prometheus" / "rules"
RULE_TESTS_DIR = ROOT / "monitoring" / "prometheus" / "tests"

RULE_FILES = sorted(RULES_DIR.glob("*.yaml"))
TEST_FILES = sorted(RULE_TESTS_DIR.glob("*_test.yaml"))


def _generator():
    spec = importlib.util.spec_from_file_location("rules_generate", ROOT / "monitoring/prometheus/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rules(path: Path) -> list[dict]:
    return [r for g in yaml.safe_load(path.read_text())["groups"] for r in g["rules"]]


def test_generated_rules_are_current() -> None:
    assert _generator().main(["--check"]) == 0, "run python monitoring/prometheus/generate.py"
    assert {p.name for p in RULE_FILES} == set(_generator().rule_files())


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_promtool_check_rules(promtool: str, path: Path) -> None:
    out = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"SUCCESS: {len(_rules(path))} rules found" in out.stdout


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests(promtool: str, path: Path) -> None:
    out = subprocess.run([promtool, "test", "rules", path.name], cwd=path.parent, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS" in out.stdout


def test_promtool_catches_a_wrong_expectation(promtool: str, tmp_path: Path) -> None:
    """Guards the harness: flipping an expectation must make promtool fail."""
    src = RULE_TESTS_DIR / "slo-availability_test.yaml"
    doc = yaml.safe_load(src.read_text())
    doc["rule_files"] = [str(RULES_DIR / "slo-availability.yaml")]
    quiet = next(t for t in doc["tests"] if t["alert_rule_test"][0]["exp_alerts"] == [])
    quiet["alert_rule_test"][0]["exp_alerts"] = [{"exp_labels": {"severity": "page"}}]
    doc["tests"] = [quiet]
    (tmp_path / "broken_test.yaml").write_text(yaml.safe_dump(doc))
    out = subprocess.run([promtool, "test", "rules", "broken_test.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode != 0 and "FAILED" in out.stdout + out.stderr


def test_every_alert_has_firing_and_quiet_cases() -> None:
    alerts = {r["alert"] for p in RULE_FILES for r in _rules(p) if "alert" in r}
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in TEST_FILES:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check["exp_alerts"] else quiet).add(check["alertname"])
    assert alerts - firing == set(), "alerts without a firing test"
    assert alerts - quiet == set(), "alerts without a non-firing test"


def test_every_rule_file_has_unit_tests() -> None:
    tested = {Path(f).name for t in TEST_FILES for f in yaml.safe_load(t.read_text())["rule_files"]}
    assert tested == {p.name for p in RULE_FILES}


def test_rules_only_name_real_metrics(known_names: set[str], names_in) -> None:
    for path in RULE_FILES:
        for rule in _rules(path):
            unknown = names_in(rule["expr"]) - known_names
            assert not unknown, f"{path.name}: {rule.get('record') or rule.get('alert')} uses {unknown}"


def test_burn_rate_windows_follow_the_sre_workbook() -> None:
    alerts = [r for r in _rules(RULES_DIR / "slo-availability.yaml") if "alert" in r]
    got = {(a["labels"]["long_window"], a["labels"]["severity"], a["expr"].split()[2]) for a in alerts}
    assert got == {("1h", "page", "0.0144"), ("6h", "page", "0.006"), ("3d", "ticket", "0.001")}
    for a in alerts:  # each long window is paired with its short window
        short = {"1h": "5m", "6h": "30m", "3d": "6h"}[a["labels"]["long_window"]]
        assert f"ratio_rate{short} >" in a["expr"]


def test_latency_thresholds_are_histogram_buckets() -> None:
    from jobsearch.metrics import LATENCY_BUCKETS, LATENCY_THRESHOLDS

    for profile, threshold in LATENCY_THRESHOLDS.items():
        assert threshold in LATENCY_BUCKETS, profile
        text = (RULES_DIR / f"slo-latency-{profile}.yaml").read_text()
        assert f'le="{threshold:g}"' in text


def test_embedded_prometheus_config_is_valid(promtool: str) -> None:
    config = ROOT / "monitoring" / "prometheus" / "prometheus-embedded.yml"
    out = subprocess.run([promtool, "check", "config", str(config)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    loaded = yaml.safe_load(config.read_text())["rule_files"]
    assert sorted(loaded) == ["rules/index.yaml", "rules/slo-availability.yaml", "rules/slo-latency-embedded.yaml"]
