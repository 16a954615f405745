"""The Helm chart through the real Helm engine: lint, values schema, and every rendered
object of every scenario validated (built-ins strictly, KServe and JobIndex against
their CRDs); plus what each scenario must produce."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

PROMETHEUS_RULE = ("monitoring.coreos.com/v1", "PrometheusRule")


def test_lint_is_clean_in_strict_mode(chart_dir: Path, values_of: Any, scenario: str) -> None:
    import helm_python as helm

    report = helm.lint(str(chart_dir), values_of(scenario), strict=True, namespace="search")
    assert report["errors"] == [] and report["messages"] == [], report


def test_every_rendered_object_is_valid(
    rendered: dict[str, list[dict[str, Any]]], crd_schemas: Any, scenario: str
) -> None:
    from jobsearch.operator.validation import validate_objects

    objects = rendered[scenario]
    checked = [o for o in objects if (o["apiVersion"], o["kind"]) != PROMETHEUS_RULE]
    assert validate_objects(checked, crd_schemas) == {}
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "InferenceService", "ServingRuntime", "JobIndex"} <= kinds
    assert any(crd_schemas.knows(o) for o in objects if o["kind"] == "InferenceService")


def test_schema_validation_rejects_unsafe_or_unknown_values(chart: Any) -> None:
    import helm_python as helm

    chart.validate_schema(None)
    for bad in (
        {"podSecurityContext": {"runAsUser": 0, "runAsGroup": 1, "fsGroup": 1}},
        {"jobIndex": {"create": True, "name": "jobs", "source": {"uri": "/x"}, "shards": 0}},
        {"models": {"storageUri": "pvc://x", "encoder": {"name": "retriever", "version": "1",
                    "canary": {"enabled": True, "trafficPercent": 150}}}},
        {"replicaCount": 3},
    ):
        with pytest.raises(helm.HelmError):
            chart.validate_schema(bad)


def test_every_values_key_is_commented(chart_dir: Path) -> None:
    lines = (chart_dir / "values.yaml").read_text().splitlines()
    undocumented = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-")) or ":" not in stripped:
            continue
        prev = lines[i - 1].strip() if i else ""
        if not prev.startswith("#"):
            undocumented.append(f"{i + 1}: {stripped}")
    assert undocumented == []


def _pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    specs = []
    for o in objects:
        if o["kind"] == "Deployment":
            specs.append((o["metadata"]["name"], o["spec"]["template"]["spec"]))
        if o["kind"] == "InferenceService":
            for comp in ("predictor", "transformer"):
                if comp in o["spec"]:
                    specs.append((f"{o['metadata']['name']}/{comp}", o["spec"][comp]))
    return specs


def test_pods_run_as_non_root_without_privileges(rendered: dict[str, Any], scenario: str) -> None:
    for name, pod in _pod_specs(rendered[scenario]):
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] > 0, name
        containers = pod.get("containers", []) + ([pod["model"]] if "model" in pod else [])
        for c in containers:
            sc = c.get("securityContext", {})
            assert sc.get("allowPrivilegeEscalation") is False, name
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], name
            assert not sc.get("privileged"), name


def test_operator_rbac_is_least_privilege(rendered: dict[str, Any], of_kind: Any) -> None:
    rules = [r for o in of_kind(rendered["default"], "ClusterRole") for r in o["rules"]]
    resources = {res for r in rules for res in r["resources"]}
    assert resources == {"customresourcedefinitions", "namespaces", "jobindices", "jobindices/status",
                         "jobs", "configmaps", "events"}
    assert not any("*" in r["verbs"] or "*" in r["resources"] for r in rules)
    assert not any(res in ("secrets", "pods") for res in resources)
    # Namespaced operator: its write rights live in Roles of the watched namespace only.
    cpu = rendered["cpu-only"]
    cluster = {res for o in of_kind(cpu, "ClusterRole") for r in o["rules"] for res in r["resources"]}
    assert cluster == {"customresourcedefinitions", "namespaces"}
    (role,) = of_kind(cpu, "Role")
    assert role["metadata"]["namespace"] == "search"
    assert any("jobs" in r["resources"] and "create" in r["verbs"] for r in role["rules"])


def test_gpu_scenario_requests_gpus_only_for_triton(rendered: dict[str, Any], of_kind: Any,
                                                    by_name: Any) -> None:
    objects = rendered["gpu"]
    for name in ("retriever", "ranker"):
        pred = by_name(objects, "InferenceService", name)["spec"]["predictor"]
        assert pred["model"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
        assert pred["tolerations"][0]["key"] == "nvidia.com/gpu"
    shards = [o for o in of_kind(objects, "InferenceService") if "-shard-" in o["metadata"]["name"]]
    assert len(shards) == 4
    for o in shards:
        assert "nvidia.com/gpu" not in yaml.safe_dump(o)
    assert "nvidia.com/gpu" not in yaml.safe_dump(rendered["cpu-only"])


def test_canary_scenario_splits_traffic(rendered: dict[str, Any], by_name: Any) -> None:
    enc = by_name(rendered["canary"], "InferenceService", "retriever")["spec"]["predictor"]
    assert enc["canaryTrafficPercent"] == 10
    assert enc["model"]["storageUri"] == "pvc://jobsearch-data/models/retriever-v2"
    ranker = by_name(rendered["canary"], "InferenceService", "ranker")["spec"]["predictor"]
    assert ranker["canaryTrafficPercent"] == 25
    default_enc = by_name(rendered["default"], "InferenceService", "retriever")["spec"]["predictor"]
    assert "canaryTrafficPercent" not in default_enc


def test_transformer_targets_every_shard_and_the_jobindex_matches(
    rendered: dict[str, Any], scenario: str, of_kind: Any, by_name: Any
) -> None:
    objects = rendered[scenario]
    (ji,) = of_kind(objects, "JobIndex")
    shards = ji["spec"]["shards"]
    args = by_name(objects, "InferenceService", "search")["spec"]["transformer"]["containers"][0]["args"]
    shard_urls = [a for a in args if a.startswith("--shard-url=")]
    assert len(shard_urls) == shards
    for i in range(shards):
        isvc = by_name(objects, "InferenceService", f"{ji['metadata']['name']}-shard-{i}")
        model_args = isvc["spec"]["predictor"]["model"]["args"]
        assert f"--shard={i}" in model_args and f"--shards={shards}" in model_args
        cm = next(v for v in isvc["spec"]["predictor"]["volumes"] if v["name"] == "active")
        assert cm["configMap"]["name"] == f"{ji['metadata']['name']}-active"
    assert ji["spec"]["encoder"]["inferenceService"] == "retriever"


def test_crd_helm_ships_is_the_file_the_operator_tests_load(
    own_crds: list[dict[str, Any]], chart_dir: Path
) -> None:
    (crd,) = own_crds
    path = chart_dir.parents[1] / "charts" / "jobsearch" / "crds" / "jobindices.jobsearch.io.yaml"
    assert crd == yaml.safe_load(path.read_text())
    assert crd["spec"]["names"]["kind"] == "JobIndex"
