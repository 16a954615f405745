"""Chart fixtures: the chart loaded with the real Helm engine (helm-python-sdk), its
rendered objects per ci/*-values.yaml scenario, and schema validators for them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "jobsearch"
KSERVE_SCHEMAS = (REPO / ".." / "shared" / "schemas" / "kserve").resolve()
SCENARIOS = ["default"] + sorted(p.stem.removesuffix("-values") for p in (CHART / "ci").glob("*-values.yaml"))
NAMESPACE = "search"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Every test taking `scenario` runs once per ci/*-values.yaml (and the defaults).
    if "scenario" in metafunc.fixturenames:
        metafunc.parametrize("scenario", SCENARIOS)


@pytest.fixture(scope="session")
def chart_dir() -> Path:
    return CHART


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def values_of() -> Any:
    """scenario name -> the values it passes to Helm (None: the chart's defaults)."""
    return scenario_values


def scenario_values(name: str) -> dict[str, Any] | None:
    if name == "default":
        return None
    return yaml.safe_load((CHART / "ci" / f"{name}-values.yaml").read_text())


@pytest.fixture(scope="session")
def chart() -> Iterator[Any]:
    helm = pytest.importorskip("helm_python", reason="helm-python-sdk is not installed")
    with helm.Chart.load(str(CHART)) as c:
        yield c


def render(chart: Any, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every object the chart renders (NOTES.txt and empty documents left out)."""
    out = chart.render(values=values, name="js", namespace=NAMESPACE, is_install=True)
    objects: list[dict[str, Any]] = []
    for template, text in sorted(out.items()):
        if template.endswith(".yaml"):
            objects += [d for d in yaml.safe_load_all(text) if d]
    return objects


@pytest.fixture(scope="session")
def rendered(chart: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: render(chart, scenario_values(name)) for name in SCENARIOS}


@pytest.fixture(scope="session")
def own_crds(chart: Any) -> list[dict[str, Any]]:
    """The CRDs as Helm itself loads them from the chart's crds/ folder (render omits them)."""
    return [yaml.safe_load(c["data"]) for c in chart.crds]


@pytest.fixture(scope="session")
def kserve_crd_paths() -> list[Path]:
    if not KSERVE_SCHEMAS.is_dir():
        pytest.skip(f"KServe CRD schemas not found at {KSERVE_SCHEMAS} (../shared/schemas/kserve)")
    return sorted(KSERVE_SCHEMAS.glob("*.yaml"))


@pytest.fixture(scope="session")
def crd_schemas(own_crds: list[dict[str, Any]], kserve_crd_paths: list[Path]) -> Any:
    from jobsearch.operator.validation import CrdSchemas, load_yaml_documents

    docs = list(own_crds)
    for p in kserve_crd_paths:
        docs += load_yaml_documents(p)
    return CrdSchemas(docs)


@pytest.fixture(scope="session")
def of_kind() -> Any:
    return _of_kind


@pytest.fixture(scope="session")
def by_name() -> Any:
    return _by_name


def _of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def _by_name(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in _of_kind(objects, kind) if o["metadata"]["name"] == name)
