"""Fixtures for the monitoring tests: the promtool/prometheus binaries (Debian package
`prometheus`), a real Prometheus on 127.0.0.1 with a temporary TSDB, a real
prometheus-client exporter process, and the PromQL name checker the rule and dashboard
tests share."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from helpers import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "monitoring" / "prometheus" / "rules"
RULE_TESTS_DIR = ROOT / "monitoring" / "prometheus" / "tests"
DASHBOARDS_DIR = ROOT / "monitoring" / "dashboards"
EXPORTER = Path(__file__).resolve().parent / "exporter.py"
# Labels that never name a metric in PromQL, plus the functions and keywords we use.
PROMQL_WORDS = {
    "sum", "avg", "min", "max", "count", "by", "without", "on", "ignoring", "group_left",
    "group_right", "and", "or", "unless", "rate", "increase", "irate", "histogram_quantile",
    "time", "vector", "round", "label_values", "absent", "offset", "bool", "topk", "clamp_min",
    "clamp_max", "avg_over_time", "max_over_time", "sum_over_time", "humanize", "inf", "nan",
}


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"`{name}` not installed (Debian: apt-get install -y prometheus)")
    return path


@pytest.fixture(scope="session")
def promtool() -> str:
    return _binary("promtool")


@pytest.fixture(scope="session")
def prometheus_bin() -> str:
    return _binary("prometheus")


def metric_names_in(expr: str) -> set[str]:
    """Metric (and recording rule) names an expression selects. Strips strings, label
    matchers, ranges, grouping clauses and Grafana variables, then drops PromQL words."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", text)
    text = re.sub(r"\$\w+", "", text)
    names = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", text))
    return {n for n in names if n not in PROMQL_WORDS and not re.fullmatch(r"\d+[smhdwy]?", n)}


def exported_metric_names() -> set[str]:
    """Every sample name the jobsearch processes can expose, from the real collectors."""
    from prometheus_client.metrics import MetricWrapperBase

    import jobsearch.api.metrics as api_metrics
    import jobsearch.metrics as metrics

    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "info": ("_info",),
        "gauge": ("",),
    }
    names: set[str] = set()
    for module in (metrics, api_metrics):
        for obj in vars(module).values():
            if isinstance(obj, MetricWrapperBase):
                kind = obj._type  # prometheus-client's own type name
                names.update(obj._name + s for s in suffixes[kind])
    return names


def recorded_names() -> set[str]:
    names = set()
    for path in RULES_DIR.glob("*.yaml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names.update(r["record"] for r in group["rules"] if "record" in r)
    return names


@pytest.fixture(scope="session")
def known_names() -> set[str]:
    return exported_metric_names() | recorded_names()


@pytest.fixture(scope="session")
def poll() -> Callable[..., Any]:
    """`wait_until` as a fixture (tests here never import conftest by name)."""
    return wait_until


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def names_in() -> Callable[[str], set[str]]:
    return metric_names_in


class Prometheus:
    """A real prometheus on 127.0.0.1 with a temporary TSDB and a 1 s scrape interval."""

    def __init__(self, binary: str, workdir: Path, targets: dict[str, list[str]], rule_files: list[Path]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(p) for p in rule_files],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": hosts}]} for job, hosts in targets.items()
            ],
        }
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.log = (workdir / "prometheus.log").open("w")
        self.proc = subprocess.Popen(
            [
                binary, f"--config.file={workdir / 'prometheus.yml'}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn",
            ],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_until(lambda: httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200,
                   timeout_s=30, what="prometheus /-/ready")

    def query(self, expr: str) -> list[dict[str, Any]]:
        body = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=5).json()
        assert body["status"] == "success", body
        return body["data"]["result"]

    def value(self, expr: str) -> float | None:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def start_prometheus(prometheus_bin: str, tmp_path: Path) -> Iterator[Callable[..., Prometheus]]:
    started: list[Prometheus] = []

    def start(targets: dict[str, list[str]], rule_files: list[Path] | None = None) -> Prometheus:
        prom = Prometheus(prometheus_bin, tmp_path, targets, rule_files or [])
        started.append(prom)
        return prom

    yield start
    for prom in started:
        prom.stop()


@pytest.fixture
def start_exporter() -> Iterator[Callable[..., str]]:
    """Start tests/monitoring/exporter.py (real jobsearch collectors, synthetic traffic);
    returns its host:port once it serves /metrics."""
    procs: list[subprocess.Popen[str]] = []

    def start(**options: Any) -> str:
        args = [sys.executable, str(EXPORTER)]
        for key, val in options.items():
            args += [f"--{key.replace('_', '-')}", str(val)]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the exporter prints its port once it listens
        assert line.strip().isdigit(), f"exporter did not start: {line!r}"
        return f"127.0.0.1:{line.strip()}"

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
