"""Thin kopf handlers for JobIndex: observe (Job phase, shard sets on the volume, the
verification of a finished build), call the pure `plan()`, apply its actions, patch status.
Handlers go into an explicit registry built by `make_registry()`, never at import time."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from typing import Any

import kopf
from jobsearch.operator import manifests
from jobsearch.operator.ingest import register_change_lag
from jobsearch.operator.kube import Kube
from jobsearch.operator.plan import (
    VERSION_RE,
    Action,
    CreateBuildJob,
    DeleteJob,
    DeleteShardSet,
    JobState,
    Observed,
    PatchStatus,
    PublishActive,
    check_spec,
    plan,
    plan_delete,
    with_defaults,
)
from jobsearch.operator.settings import OperatorSettings
from jobsearch.operator.verify import Verifier, source_fingerprint, verify_shard_set

from jobsearch.errors import InvalidSpecError
from jobsearch.metrics import INDEX_BUILD_DURATION, OPERATOR_RECONCILES

RESOURCE = (manifests.GROUP, manifests.VERSION, manifests.PLURAL)


def stored_versions(settings: OperatorSettings, namespace: str, name: str) -> tuple[str, ...]:
    root = settings.set_dir(namespace, name)
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and VERSION_RE.match(p.name)))


async def observe(
    body: kopf.Body, *, kube: Kube, settings: OperatorSettings, verify: Verifier
) -> Observed:
    meta, spec, status = body["metadata"], with_defaults(dict(body["spec"])), dict(body.get("status") or {})
    name, ns = meta["name"], meta.get("namespace", "default")
    annotations = meta.get("annotations") or {}
    building = status.get("building")
    job = verification = None
    if building:
        phase, message = manifests.job_phase(await kube.get_job(ns, building["job"]))
        job = JobState(phase, message)
        if phase == "succeeded":
            path = settings.set_dir(ns, name) / building["version"]
            verification = await asyncio.to_thread(verify, path, float(spec["recallCheck"]))
    return Observed(
        generation=int(meta.get("generation") or 0),
        now=datetime.now(UTC),
        job=job,
        verification=verification,
        # A posting store has no fingerprint: its changes reach the shard servers through the
        # change log; rebuild.everyMinutes schedules its compactions.
        source_fingerprint=(await asyncio.to_thread(source_fingerprint, spec["source"]["uri"])
                            if spec["source"].get("uri") else None),
        stored_versions=stored_versions(settings, ns, name),
        rebuild_token=annotations.get(manifests.ANNOTATION_REBUILD),
        rollback_to=spec.get("rollbackTo") or annotations.get(manifests.ANNOTATION_ROLLBACK),
    )


async def apply(
    actions: list[Action], body: kopf.Body, patch: kopf.Patch, *, kube: Kube,
    settings: OperatorSettings, logger: Any,
) -> None:
    meta = body["metadata"]
    name, ns = meta["name"], meta.get("namespace", "default")
    for action in actions:
        if isinstance(action, CreateBuildJob):
            job = manifests.build_job(
                dict(body), version=action.version, job_name=action.job_name, settings=settings
            )
            await kube.create_job(job)
            logger.info(f"build Job {action.job_name} for shard set {action.version}")
        elif isinstance(action, DeleteJob):
            await kube.delete_job(ns, action.job_name)
        elif isinstance(action, DeleteShardSet):
            path = settings.set_dir(ns, name) / action.version
            await asyncio.to_thread(shutil.rmtree, path, True)
            logger.info(f"deleted shard set {action.version}")
        elif isinstance(action, PublishActive):
            cm = manifests.build_active_configmap(dict(body), version=action.version, settings=settings)
            await kube.apply_configmap(cm)
            logger.info(f"shard set {action.version} is active")
        elif isinstance(action, PatchStatus):
            for key, value in action.patch.items():
                patch.status[key] = value


def _step_of(actions: list[Action]) -> str:
    kinds = {type(a) for a in actions}
    if PublishActive in kinds:
        return "promote"
    if CreateBuildJob in kinds:
        return "build"
    if DeleteShardSet in kinds:
        return "gc"
    return "verify"


def make_registry(
    settings: OperatorSettings, kube: Kube, *, verify: Verifier = verify_shard_set
) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()

    @kopf.timer(*RESOURCE, interval=settings.interval_s, registry=registry, id="reconcile")
    async def reconcile(body: kopf.Body, patch: kopf.Patch, logger: Any, **_: Any) -> None:
        if body["metadata"].get("deletionTimestamp"):
            return
        step = "observe"
        try:
            check_spec(dict(body["spec"]))
        except InvalidSpecError as exc:
            # No retry fixes a spec: stop until the object changes (kopf reruns on a new spec).
            OPERATOR_RECONCILES.labels(step=step, outcome="permanent_error").inc()
            raise kopf.PermanentError(f"invalid spec: {exc}") from exc
        try:
            observed = await observe(body, kube=kube, settings=settings, verify=verify)
            actions = plan(dict(body["spec"]), dict(body.get("status") or {}), observed,
                           name=body["metadata"]["name"])
            step = _step_of(actions)
            _record_build_duration(dict(body.get("status") or {}), observed)
            await apply(actions, body, patch, kube=kube, settings=settings, logger=logger)
        except Exception as exc:
            # Every step is idempotent, so a retry after an API hiccup is always safe.
            OPERATOR_RECONCILES.labels(step=step, outcome="temporary_error").inc()
            raise kopf.TemporaryError(f"{step}: {exc}", delay=settings.interval_s) from exc
        OPERATOR_RECONCILES.labels(step=step, outcome="success").inc()

    register_change_lag(registry, kube, settings, resource=RESOURCE)  # status.changeLag of posting-store sources

    @kopf.on.delete(*RESOURCE, registry=registry, id="cleanup")
    async def cleanup(body: kopf.Body, logger: Any, **_: Any) -> None:
        meta = body["metadata"]
        name, ns = meta["name"], meta.get("namespace", "default")
        jobs = await kube.list_job_names(ns, {manifests.LABEL_INDEX: name})
        building = (body.get("status") or {}).get("building")
        if building:
            jobs.append(building["job"])
        actions = plan_delete(dict(body["spec"]), dict(body.get("status") or {}),
                              stored_versions=stored_versions(settings, ns, name),
                              job_names=tuple(jobs))
        for action in actions:
            if isinstance(action, DeleteJob):
                await kube.delete_job(ns, action.job_name)
            elif isinstance(action, DeleteShardSet):
                await asyncio.to_thread(shutil.rmtree, settings.set_dir(ns, name) / action.version, True)
        await kube.delete_configmap(ns, manifests.active_configmap_name(name))
        root = settings.set_dir(ns, name)
        if root.is_dir() and not any(root.iterdir()):
            root.rmdir()
        OPERATOR_RECONCILES.labels(step="gc", outcome="success").inc()
        logger.info(f"cleaned up {len(actions)} objects of {name}")

    return registry


def _record_build_duration(status: dict[str, Any], observed: Observed) -> None:
    building = status.get("building")
    if not building or observed.job is None or not building.get("startedAt"):
        return
    if observed.job.phase == "failed" or (observed.job.phase == "succeeded" and observed.verification):
        ok = observed.job.phase == "succeeded" and observed.verification is not None and observed.verification.ok
        started = datetime.fromisoformat(building["startedAt"].replace("Z", "+00:00"))
        INDEX_BUILD_DURATION.labels(outcome="success" if ok else "failure").observe(
            (observed.now - started).total_seconds()
        )
