"""Operator fixtures: the CRD the chart ships (the one source of the JobIndex schema),
a strict validator built from it, and a sample JobIndex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CRD_PATH = REPO / "charts" / "jobsearch" / "crds" / "jobindices.jobsearch.io.yaml"


@pytest.fixture(scope="session")
def crd() -> dict[str, Any]:
    return yaml.safe_load(CRD_PATH.read_text())


@pytest.fixture(scope="session")
def jobindex_validator(crd: dict[str, Any]) -> Any:
    import jsonschema
    from jobsearch.operator.validation import strict_schema

    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return jsonschema.Draft7Validator(strict_schema(schema), format_checker=jsonschema.FormatChecker())


@pytest.fixture()
def jobindex() -> dict[str, Any]:
    return {
        "apiVersion": "jobsearch.io/v1alpha1",
        "kind": "JobIndex",
        "metadata": {"name": "jobs", "namespace": "search", "uid": "u-1", "generation": 1},
        "spec": {
            "source": {"uri": "/data/corpus/postings", "format": "parquet"},
            "encoder": {"inferenceService": "retriever", "modelVersion": "1"},
            "shards": 2,
            "precision": "fp16",
            "keepPrevious": 1,
        },
    }


class OperatorHarness:
    """kopf running our registry against kmock, plus a stand-in for the Job controller:
    the test decides how each build Job ends, and a succeeded build leaves a shard set on
    the 'shared volume' (a temp folder) exactly where the operator verifies it."""

    def __init__(self, kmock: Any, root: Path, make_set: Any) -> None:
        self.kmock = kmock
        self.root = root
        self.make_set = make_set
        self.task: Any = None

    def job(self, ns: str, name: str) -> Any:
        try:
            obj = self.kmock.objects["batch/v1/jobs", ns, name]
        except KeyError:
            return None
        return None if obj.deleted else obj

    def jobindex(self, ns: str, name: str) -> dict[str, Any]:
        return dict(self.kmock.objects["jobsearch.io/v1alpha1/jobindices", ns, name, -1])

    async def finish_job(self, ns: str, name: str, *, ok: bool, corrupt: bool = False) -> None:
        job = self.kmock.objects["batch/v1/jobs", ns, name, -1]
        if ok:
            args = job["spec"]["template"]["spec"]["containers"][0]["args"]
            out = Path(args[args.index("--out") + 1])
            self.make_set(self.root / out.relative_to("/data"), corrupt=corrupt)
            cond = {"type": "Complete", "status": "True"}
        else:
            cond = {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                    "message": "Job has reached the specified backoff limit"}
        await self.kmock.patch(
            f"/apis/batch/v1/namespaces/{ns}/jobs/{name}/status",
            json={"status": {"conditions": [cond]}},
            headers={"Content-Type": "application/merge-patch+json"},
        )

    async def wait_for(self, predicate: Any, timeout: float = 60.0) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.task is not None and self.task.done():
                self.task.result()  # surface the operator's crash
            if loop.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
            await asyncio.sleep(0.05)


@pytest.fixture()
async def operator_env(kmock: Any, tmp_path: Path, crd: dict[str, Any], shard_set_factory: Any) -> Any:
    """kmock with the built-in resources and our CRD declared, and a function that
    starts (or restarts) the real kopf operator with our handlers."""
    import asyncio

    import kopf
    from jobsearch.operator.handlers import make_registry
    from jobsearch.operator.kube import Kube, load_api_client
    from jobsearch.operator.settings import OperatorSettings

    kmock.resources.load_bundled()
    names = crd["spec"]["names"]
    for ver in crd["spec"]["versions"]:
        kmock.resources[f"{crd['spec']['group']}/{ver['name']}/{names['plural']}"] = {
            "kind": names["kind"], "singular": names["singular"], "namespaced": True,
            "shortnames": names["shortNames"], "categories": names.get("categories", []),
            "subresources": set(ver.get("subresources", {})),
            "verbs": {"get", "list", "watch", "create", "patch", "update", "delete"},
        }
    kmock.resources["batch/v1/jobs"].subresources = {"status"}
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: kmock\n"
        f"clusters: [{{name: kmock, cluster: {{server: '{kmock.url}'}}}}]\n"
        "contexts: [{name: kmock, context: {cluster: kmock, user: kmock}}]\n"
        "users: [{name: kmock, user: {token: test}}]\n"
    )
    root = tmp_path / "volume"
    settings = OperatorSettings(shard_root=root / "shardsets", interval_s=0.2)
    harness = OperatorHarness(kmock, root, shard_set_factory.make)

    async def start() -> None:
        # A fresh client per start, as a restarted operator process would have.
        kube = Kube(load_api_client(str(kubeconfig)))
        registry = make_registry(settings, kube, verify=shard_set_factory.verify)

        @kopf.on.login(registry=registry)
        def login(**_: Any) -> kopf.ConnectionInfo:
            return kopf.ConnectionInfo(server=str(kmock.url), token="test")

        ksettings = kopf.OperatorSettings()
        ksettings.scanning.disabled = True
        ksettings.persistence.finalizer = "jobsearch.io/cleanup"
        ksettings.posting.enabled = False
        ksettings.watching.server_timeout = 5
        harness.task = asyncio.create_task(
            kopf.operator(registry=registry, settings=ksettings, clusterwide=True, standalone=True)
        )

    async def stop() -> None:
        if harness.task is not None:
            harness.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await harness.task
            harness.task = None

    import contextlib

    harness.start = start  # type: ignore[attr-defined]
    harness.stop = stop  # type: ignore[attr-defined]
    try:
        yield harness
    finally:
        await stop()


class RealShardSets:
    """What a build Job leaves on the volume: a real index root (ACTIVE + one shard set)
    written by the index package from seeded unit vectors, so the operator's gate is the
    index's own verification. `corrupt` flips bytes in a vectors file after writing."""

    rows = 64

    def make(self, path: Path, *, corrupt: bool = False) -> None:
        from datetime import UTC, datetime

        import numpy as np

        from jobsearch.corpus.table import posting_to_row
        from jobsearch.index.build import build_from_arrays
        from jobsearch.schema import Company, Posting

        rng = np.random.default_rng(7)
        vectors = rng.standard_normal((self.rows, 16)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = [
            posting_to_row(Posting(
                job_id=f"job-{i}", title=f"Engineer {i}", description="Builds things.",
                company=Company(id=f"c{i % 5}", name=f"Company {i % 5}"),
                location_ids=["5391959"], workplace="onsite", remote_share=0.0,
                posted_at=datetime(2026, 11, 1, tzinfo=UTC), seniority="mid",
                employment_type="full_time",
            ))
            for i in range(self.rows)
        ]
        set_dir = build_from_arrays(path, vectors, rows, model_id="test-encoder", shards=2)
        if corrupt:
            victim = next(set_dir.glob("shard-000/vectors*.npy"))
            data = bytearray(victim.read_bytes())
            data[-8:] = b"\xff" * 8
            victim.write_bytes(bytes(data))

    def verify(self, path: Path, recall_min: float) -> Any:
        from jobsearch.operator.verify import verify_shard_set

        return verify_shard_set(path, recall_min)


@pytest.fixture()
def shard_set_factory() -> Any:
    return RealShardSets()
