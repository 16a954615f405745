"""The objects the operator creates: right shape, least privilege, and valid against the
real Kubernetes schemas; the CRD itself is a valid CRD and accepts/rejects JobIndexes."""

from __future__ import annotations

import copy
from typing import Any

from jobsearch.operator import manifests
from jobsearch.operator.settings import OperatorSettings
from jobsearch.operator.validation import builtin_errors

SETTINGS = OperatorSettings(image="registry.example/jobsearch:1.2.3", pvc_name="shared")


def test_build_job_runs_the_index_builder_in_the_same_image(jobindex: dict[str, Any]) -> None:
    job = manifests.build_job(jobindex, version="v0003-0123abcd", job_name="jobs-build-v0003-0123abcd",
                              settings=SETTINGS)
    assert builtin_errors(job) == []
    pod = job["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert c["image"] == "registry.example/jobsearch:1.2.3"
    assert c["args"] == ["index", "build", "--corpus", "/data/corpus/postings",
                         "--out", "/data/shardsets/search/jobs/v0003-0123abcd",
                         "--shards", "2", "--dtype", "float16"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert env["JOBSEARCH_ENCODER_SERVICE"] == "retriever"
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "shared"
    owner = job["metadata"]["ownerReferences"][0]
    assert owner["kind"] == "JobIndex" and owner["uid"] == "u-1" and owner["controller"] is True
    assert job["metadata"]["labels"][manifests.LABEL_INDEX] == "jobs"


def test_active_configmap_points_at_the_set(jobindex: dict[str, Any]) -> None:
    cm = manifests.build_active_configmap(jobindex, version="v0001-0123abcd", settings=SETTINGS)
    assert builtin_errors(cm) == []
    assert cm["metadata"]["name"] == "jobs-active"
    assert cm["data"] == {"version": "v0001-0123abcd",
                          "path": "/data/shardsets/search/jobs/v0001-0123abcd"}


def test_job_phase_reads_job_conditions() -> None:
    assert manifests.job_phase(None) == ("missing", "")
    assert manifests.job_phase({"status": {"active": 1}})[0] == "running"
    done = {"status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    assert manifests.job_phase(done)[0] == "succeeded"
    failed = {"status": {"conditions": [{"type": "Failed", "status": "True",
                                         "reason": "BackoffLimitExceeded"}]}}
    assert manifests.job_phase(failed) == ("failed", "BackoffLimitExceeded")


def test_crd_is_a_valid_structural_crd(crd: dict[str, Any]) -> None:
    assert builtin_errors(crd) == []
    version = crd["spec"]["versions"][0]
    assert version["subresources"] == {"status": {}}
    assert "ji" in crd["spec"]["names"]["shortNames"]
    assert {c["name"] for c in version["additionalPrinterColumns"]} >= {"Phase", "Active"}
    spec_schema = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert "x-kubernetes-preserve-unknown-fields" not in spec_schema

    def no_additional_beside_properties(node: Any) -> None:
        if isinstance(node, dict):
            assert not ("properties" in node and "additionalProperties" in node)
            for v in node.values():
                no_additional_beside_properties(v)
        elif isinstance(node, list):
            for v in node:
                no_additional_beside_properties(v)

    no_additional_beside_properties(version["schema"])


def test_crd_schema_accepts_good_and_rejects_bad_jobindexes(
    jobindex: dict[str, Any], jobindex_validator: Any
) -> None:
    assert list(jobindex_validator.iter_errors(jobindex)) == []
    bad_cases = [
        ("spec", "shards", 0),
        ("spec", "precision", "fp32"),
        ("spec", "unknownField", 1),
        ("spec", "rollbackTo", "latest"),
    ]
    for *path, key, value in bad_cases:
        obj = copy.deepcopy(jobindex)
        node = obj
        for p in path:
            node = node[p]
        node[key] = value
        assert list(jobindex_validator.iter_errors(obj)), f"{key}={value!r} should be rejected"
    no_encoder = copy.deepcopy(jobindex)
    del no_encoder["spec"]["encoder"]
    assert list(jobindex_validator.iter_errors(no_encoder))
