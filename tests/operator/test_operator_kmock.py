"""The real kopf operator against the kmock API server: the JobIndex lifecycle end to end
(create, build Job, promotion, failure, rebuild, rollback, restart, deletion)."""

from __future__ import annotations

from typing import Any

import pytest
from jobsearch.operator.plan import spec_hash

# The first test pays the index package's numba start-up (~6 s); the rest take 1-2 s each.
pytestmark = pytest.mark.slow

NS, NAME = "search", "jobs"
RES = "jobsearch.io/v1alpha1/jobindices"
URL = f"/apis/jobsearch.io/v1alpha1/namespaces/{NS}/jobindices/{NAME}"
SPEC = {
    "source": {"uri": "/data/corpus/postings", "format": "parquet"},
    "encoder": {"inferenceService": "retriever", "modelVersion": "1"},
    "shards": 2,
}


def create(env: Any, spec: dict[str, Any] = SPEC) -> None:
    env.kmock.objects[RES, NS, NAME] = {
        "apiVersion": "jobsearch.io/v1alpha1", "kind": "JobIndex",
        "metadata": {"name": NAME, "namespace": NS, "uid": "uid-1", "generation": 1,
                     "resourceVersion": "1"},
        "spec": spec,
    }


async def patch_jobindex(env: Any, body: dict[str, Any]) -> None:
    resp = await env.kmock.patch(URL, json=body, headers={"Content-Type": "application/merge-patch+json"})
    assert resp.status == 200, await resp.text()


def status(env: Any) -> dict[str, Any]:
    return env.jobindex(NS, NAME).get("status") or {}


def building_job(env: Any) -> str | None:
    b = status(env).get("building")
    return b["job"] if b and env.job(NS, b["job"]) is not None else None


def active(env: Any) -> str | None:
    a = status(env).get("activeShardSet")
    return a["version"] if a else None


def condition(env: Any, ctype: str) -> str | None:
    return next((c["status"] for c in status(env).get("conditions", []) if c["type"] == ctype), None)


async def build_ok(env: Any) -> str:
    job = await env.wait_for(lambda: building_job(env))
    version = status(env)["building"]["version"]
    await env.finish_job(NS, job, ok=True)
    await env.wait_for(lambda: active(env) == version)
    return version


async def test_create_builds_then_promotes_and_publishes(operator_env: Any) -> None:
    env = operator_env
    create(env)
    await env.start()
    job_name = await env.wait_for(lambda: building_job(env))
    job = env.kmock.objects["batch/v1/jobs", NS, job_name, -1]
    container = job["spec"]["template"]["spec"]["containers"][0]
    version = f"v0001-{spec_hash(SPEC)}"
    assert job_name == f"{NAME}-build-{version}"
    assert container["args"][:4] == ["index", "build", "--corpus", "/data/corpus/postings"]
    out = container["args"][container["args"].index("--out") + 1]
    assert out == f"/data/shardsets/{NS}/{NAME}/{version}"
    assert job["metadata"]["ownerReferences"][0]["uid"] == "uid-1"
    assert status(env)["phase"] == "Building" and condition(env, "Building") == "True"

    await env.finish_job(NS, job_name, ok=True)
    await env.wait_for(lambda: active(env) == version)
    st = status(env)
    assert st["phase"] == "Ready" and condition(env, "Ready") == "True"
    assert st["activeShardSet"]["rows"] == 64 and st["observedGeneration"] == 1
    cm = env.kmock.objects["v1/configmaps", NS, f"{NAME}-active", -1]
    assert cm["data"]["version"] == version
    await env.wait_for(lambda: env.job(NS, job_name) is None)  # finished Job removed


async def test_failed_or_corrupt_build_degrades_and_keeps_the_old_set(operator_env: Any) -> None:
    env = operator_env
    create(env)
    await env.start()
    good = await build_ok(env)

    await patch_jobindex(env, {"metadata": {"annotations": {"jobsearch.io/rebuild": "1"}}})
    job = await env.wait_for(lambda: building_job(env))
    await env.finish_job(NS, job, ok=False)
    await env.wait_for(lambda: status(env).get("phase") == "Degraded")
    assert active(env) == good and condition(env, "Ready") == "True"
    assert env.kmock.objects["v1/configmaps", NS, f"{NAME}-active", -1]["data"]["version"] == good

    await patch_jobindex(env, {"metadata": {"annotations": {"jobsearch.io/rebuild": "2"}}})
    job = await env.wait_for(lambda: building_job(env))
    bad = status(env)["building"]["version"]
    await env.finish_job(NS, job, ok=True, corrupt=True)
    await env.wait_for(lambda: not status(env).get("building"))
    degraded = next(c for c in status(env)["conditions"] if c["type"] == "Degraded")
    assert degraded["status"] == "True" and degraded["reason"] == "VerificationFailed"
    assert active(env) == good
    # The refused set is garbage-collected from the volume; the good one stays.
    set_root = env.root / "shardsets" / NS / NAME
    await env.wait_for(lambda: not (set_root / bad).exists())
    assert (set_root / good).is_dir()


async def test_spec_change_rebuilds_and_rollback_pins_the_previous_set(operator_env: Any) -> None:
    env = operator_env
    create(env)
    await env.start()
    first = await build_ok(env)

    await patch_jobindex(env, {"metadata": {"generation": 2}, "spec": {"precision": "int8"}})
    second = await build_ok(env)
    assert second.startswith("v0002-") and second != first
    assert [p["version"] for p in status(env)["previousShardSets"]] == [first]
    await env.wait_for(lambda: status(env).get("observedGeneration") == 2)

    await patch_jobindex(env, {"metadata": {"generation": 3}, "spec": {"rollbackTo": first}})
    await env.wait_for(lambda: active(env) == first)
    cm = env.kmock.objects["v1/configmaps", NS, f"{NAME}-active", -1]
    assert cm["data"]["version"] == first
    assert [p["version"] for p in status(env)["previousShardSets"]] == [second]
    assert not status(env).get("building")


async def test_operator_restart_mid_build_changes_nothing(operator_env: Any) -> None:
    env = operator_env
    create(env)
    await env.start()
    job = await env.wait_for(lambda: building_job(env))
    before = status(env)["building"]
    await env.stop()

    await env.start()
    await env.wait_for(lambda: env.kmock[env.kmock.resource(RES)] and status(env).get("building"))
    # Same build, same Job: no second Job, no new version.
    jobs = [r for r in env.kmock[env.kmock.resource("batch/v1/jobs")] if r.method == "POST"]
    assert status(env)["building"] == before and status(env)["buildSeq"] == 1
    await env.finish_job(NS, job, ok=True)
    await env.wait_for(lambda: active(env) == before["version"])
    jobs = [r for r in env.kmock[env.kmock.resource("batch/v1/jobs")] if r.method == "POST"]
    assert len(jobs) == 1


async def test_delete_cleans_up_through_the_finalizer(operator_env: Any) -> None:
    env = operator_env
    create(env)
    await env.start()
    version = await build_ok(env)
    set_root = env.root / "shardsets" / NS / NAME
    assert (set_root / version).is_dir()
    await patch_jobindex(env, {"metadata": {"annotations": {"jobsearch.io/rebuild": "x"}}})
    job = await env.wait_for(lambda: building_job(env))
    meta = env.jobindex(NS, NAME)["metadata"]
    assert "jobsearch.io/cleanup" in meta.get("finalizers", [])

    resp = await env.kmock.delete(URL)
    assert resp.status in (200, 202)
    await env.wait_for(lambda: env.kmock.objects[RES, NS, NAME].deleted)
    assert env.job(NS, job) is None
    assert not set_root.exists()
    assert env.kmock.objects["v1/configmaps", NS, f"{NAME}-active"].deleted


async def test_the_operator_command_runs_against_the_api(operator_env: Any, tmp_path: Any) -> None:
    """`jobsearch operator run` as its own process (settings from the environment, login
    from the kubeconfig) creates the build Job for a new JobIndex."""
    import asyncio
    import os
    import signal
    import sys

    from helpers import free_port

    env = operator_env
    create(env)
    port = free_port()
    code = "from jobsearch.operator.main import app; app()"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, "run", "--kubeconfig", str(tmp_path / "kubeconfig"),
        "--liveness", f"http://127.0.0.1:{port}/healthz", "--metrics-port", "0",
        env={**os.environ, "JOBSEARCH_OPERATOR_SHARD_ROOT": str(env.root / "shardsets"),
             "JOBSEARCH_OPERATOR_IMAGE": "registry.example/jobsearch:9", "JOBSEARCH_OPERATOR_INTERVAL_S": "0.5"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
    )
    try:
        job = await env.wait_for(lambda: building_job(env) or proc.returncode is not None, timeout=60)
        assert proc.returncode is None, (await proc.stdout.read()).decode()[-3000:]  # type: ignore[union-attr]
        spec = env.kmock.objects["batch/v1/jobs", NS, job, -1]["spec"]["template"]["spec"]
        assert spec["containers"][0]["image"] == "registry.example/jobsearch:9"
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), timeout=15)
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        print((await proc.stdout.read()).decode()[-6000:])  # type: ignore[union-attr]


async def test_an_invalid_spec_is_a_permanent_error_and_builds_nothing(operator_env: Any) -> None:
    """kopf.PermanentError, not a TemporaryError retried every interval: the reconcile
    counter says so and no build Job appears."""
    from jobsearch.metrics import OPERATOR_RECONCILES

    env = operator_env
    permanent = OPERATOR_RECONCILES.labels(step="observe", outcome="permanent_error")
    before = permanent._value.get()
    create(env, {**SPEC, "shards": 0})
    await env.start()
    await env.wait_for(lambda: permanent._value.get() > before)
    assert building_job(env) is None
