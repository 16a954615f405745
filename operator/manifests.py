"""Kubernetes objects the operator creates, as pure `build_*` functions of the JobIndex and
the settings, so their shape is unit-tested (and schema-validated) without an API server."""

from __future__ import annotations

from typing import Any

from jobsearch.operator.plan import JobPhase, with_defaults
from jobsearch.operator.settings import OperatorSettings

GROUP = "jobsearch.io"
VERSION = "v1alpha1"
PLURAL = "jobindices"
KIND = "JobIndex"
LABEL_INDEX = "jobsearch.io/jobindex"
LABEL_VERSION = "jobsearch.io/shard-set"
ANNOTATION_REBUILD = "jobsearch.io/rebuild"
ANNOTATION_ROLLBACK = "jobsearch.io/rollback-to"
# JobIndex precision -> `jobsearch index build --dtype` (int8 keeps fp16 rows for re-scoring).
DTYPES = {"fp16": "float16", "int8": "int8"}


def owner_reference(body: dict[str, Any]) -> dict[str, Any]:
    meta = body["metadata"]
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": KIND,
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _labels(name: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "jobsearch",
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": "jobsearch-operator",
        LABEL_INDEX: name,
    }


def job_output_path(settings: OperatorSettings, namespace: str, name: str, version: str) -> str:
    """Where the build Job writes the set (inside its own mount of the shared volume)."""
    return f"{settings.job_mount_path}/{settings.job_shard_subdir}/{namespace}/{name}/{version}"


def build_job(
    body: dict[str, Any], *, version: str, job_name: str, settings: OperatorSettings
) -> dict[str, Any]:
    """The build Job: `jobsearch index build` in the same image as the runtimes, writing one
    immutable shard set; the operator verifies it before anything serves it."""
    meta = body["metadata"]
    name, namespace = meta["name"], meta.get("namespace", "default")
    spec = with_defaults(body.get("spec", {}))
    out = job_output_path(settings, namespace, name, version)
    labels = {**_labels(name, "index-build"), LABEL_VERSION: version}
    env = [
        {"name": "JOBSEARCH_HOME", "value": f"{settings.job_mount_path}/home"},
        {"name": "HF_HUB_OFFLINE", "value": "1"},
        {"name": "JOBSEARCH_ENCODER_SERVICE", "value": spec["encoder"]["inferenceService"]},
        {"name": "JOBSEARCH_ENCODER_VERSION", "value": str(spec["encoder"]["modelVersion"])},
        {"name": "JOBSEARCH_SOURCE_FORMAT", "value": spec["source"]["format"]},
    ]
    args = [
        "index", "build", "--corpus", spec["source"].get("uri", ""), "--out", out,
        "--shards", str(spec["shards"]), "--dtype", DTYPES[spec["precision"]],
    ]
    if spec["source"].get("postgres"):  # a posting store: a compaction (stored vectors, no encoding)
        from jobsearch.operator.ingest import store_build

        args, env = store_build(spec, out, env)
    container = {
        "name": "build",
        "image": settings.image,
        "imagePullPolicy": "IfNotPresent",
        "args": args,
        "env": env,
        "resources": {
            "requests": {"cpu": settings.build_cpu, "memory": settings.build_memory},
            "limits": {"memory": settings.build_memory},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "data", "mountPath": settings.job_mount_path},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": job_name,
            "namespace": namespace,
            "labels": labels,
            "ownerReferences": [owner_reference(body)],
        },
        "spec": {
            "backoffLimit": settings.build_backoff_limit,
            "activeDeadlineSeconds": settings.build_deadline_s,
            "ttlSecondsAfterFinished": settings.build_ttl_s,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": settings.service_account,
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 10001,
                        "runAsGroup": 10001,
                        "fsGroup": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": [
                        {"name": "data", "persistentVolumeClaim": {"claimName": settings.pvc_name}},
                        {"name": "tmp", "emptyDir": {}},
                    ],
                },
            },
        },
    }


def active_configmap_name(name: str) -> str:
    return f"{name[:50]}-active"


def build_active_configmap(
    body: dict[str, Any], *, version: str, settings: OperatorSettings
) -> dict[str, Any]:
    """The pointer shard servers watch (mounted as a file): which set to serve, and where."""
    meta = body["metadata"]
    name, namespace = meta["name"], meta.get("namespace", "default")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": active_configmap_name(name),
            "namespace": namespace,
            "labels": _labels(name, "active-shard-set"),
            "ownerReferences": [owner_reference(body)],
        },
        "data": {
            "version": version,
            "path": job_output_path(settings, namespace, name, version),
        },
    }


def job_phase(job: dict[str, Any] | None) -> tuple[JobPhase, str]:
    """(missing | running | succeeded | failed, message) from a Job's status conditions."""
    if job is None:
        return "missing", ""
    status = job.get("status") or {}
    for cond in status.get("conditions") or []:
        if cond.get("status") != "True":
            continue
        if cond.get("type") == "Complete":
            return "succeeded", cond.get("message", "")
        if cond.get("type") == "Failed":
            return "failed", cond.get("message") or cond.get("reason", "")
    if status.get("succeeded"):
        return "succeeded", ""
    return "running", ""
