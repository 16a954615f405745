"""Cluster e2e fixtures: only with KUBECONFIG pointing at a reachable cluster that runs
KServe; otherwise every test here is skipped with the reason."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "jobsearch"


@pytest.fixture(scope="session")
def cluster() -> Any:
    kubeconfig = os.environ.get("KUBECONFIG")
    if not kubeconfig:
        pytest.skip("no KUBECONFIG: the cluster e2e suite needs a real Kubernetes cluster with KServe")
    from kubernetes import client, config

    try:
        config.load_kube_config(config_file=kubeconfig)
        client.VersionApi().get_code(_request_timeout=10)
        client.ApiextensionsV1Api().read_custom_resource_definition(
            "inferenceservices.serving.kserve.io", _request_timeout=10
        )
    except Exception as exc:  # noqa: BLE001 - any failure means "no usable cluster"
        pytest.skip(f"cluster at KUBECONFIG={kubeconfig} is unreachable or lacks KServe: {exc}")
    return client


@pytest.fixture(scope="session")
def release(cluster: Any) -> Iterator[dict[str, str]]:
    """The chart installed (CRD first, as `helm install` does) in a fresh namespace."""
    import helm_python as helm
    import yaml

    namespace = os.environ.get("JOBSEARCH_E2E_NAMESPACE", "jobsearch-e2e")
    values = {
        "image": {"repository": os.environ.get("JOBSEARCH_E2E_IMAGE", "ghcr.io/jobsearch/jobsearch"),
                  "tag": os.environ.get("JOBSEARCH_E2E_TAG", "0.1.0")},
        "jobIndex": {"create": True, "name": "jobs", "source": {"uri": "/data/corpus"}, "shards": 2},
        "monitoring": {"prometheusRule": {"enabled": False}},
    }
    crd = yaml.safe_load((CHART / "crds" / "jobindices.jobsearch.io.yaml").read_text())
    ext = cluster.ApiextensionsV1Api()
    try:
        ext.create_custom_resource_definition(crd)
    except cluster.ApiException as exc:
        if exc.status != 409:
            raise
    cfg = helm.Config(namespace=namespace)
    cfg.install(str(CHART), "jobsearch-e2e", values, namespace=namespace, create_namespace=True,
                wait="watcher", timeout=900)
    try:
        yield {"namespace": namespace, "release": "jobsearch-e2e"}
    finally:
        cfg.uninstall("jobsearch-e2e", wait="watcher", timeout=300, ignore_not_found=True)
