"""On a real cluster: install the chart, wait for the operator to build and promote the
JobIndex, and search through the KServe transformer. Polls with timeouts, never sleeps
blindly; skipped (with the reason) without KUBECONFIG."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def poll(what: str, fn: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def test_jobindex_is_built_verified_and_promoted(cluster: Any, release: dict[str, str]) -> None:
    api = cluster.CustomObjectsApi()

    def ready() -> dict[str, Any] | None:
        ji = api.get_namespaced_custom_object("jobsearch.io", "v1alpha1", release["namespace"],
                                              "jobindices", "jobs")
        status = ji.get("status") or {}
        return status if status.get("phase") == "Ready" else None

    status = poll("JobIndex jobs Ready", ready, timeout=1800)
    assert status["activeShardSet"]["rows"] > 0
    cm = cluster.CoreV1Api().read_namespaced_config_map("jobs-active", release["namespace"])
    assert cm.data["version"] == status["activeShardSet"]["version"]


def test_search_through_the_transformer(cluster: Any, release: dict[str, str]) -> None:
    import httpx

    api = cluster.CustomObjectsApi()

    def url() -> str | None:
        isvc = api.get_namespaced_custom_object("serving.kserve.io", "v1beta1", release["namespace"],
                                                "inferenceservices", "search")
        conds = {c["type"]: c["status"] for c in (isvc.get("status") or {}).get("conditions", [])}
        return (isvc.get("status") or {}).get("url") if conds.get("Ready") == "True" else None

    base = os.environ.get("JOBSEARCH_E2E_SEARCH_URL") or poll("InferenceService search Ready", url, 900)
    body = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES",
                        "data": ["remote python developer, not from staffing agencies"]}]}
    resp = httpx.post(f"{base}/v2/models/search/infer", json=body, timeout=60.0)
    assert resp.status_code == 200, resp.text
    result = json.loads(resp.json()["outputs"][0]["data"][0])
    assert result["query"]["filters"]["exclude_company_types"] == ["staffing"]
    assert all(r["company"]["type"] != "staffing" for r in result["results"])
