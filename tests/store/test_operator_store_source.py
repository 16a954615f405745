"""A JobIndex whose source is a PostgreSQL posting store: the CRD accepts it (and refuses a
source with neither or both of uri and postgres per its rule), the operator's spec check,
the build Job becomes a compaction with the DSN from the Secret, and the change lag the
operator reports, computed from a real store's followers."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from store_fixtures import posting, unit_vectors, upsert

CRD = Path(__file__).resolve().parents[2] / "charts" / "jobsearch" / "crds" / "jobindices.jobsearch.io.yaml"


def body(source: dict[str, object]) -> dict[str, object]:
    return {"apiVersion": "jobsearch.io/v1alpha1", "kind": "JobIndex",
            "metadata": {"name": "jobs", "namespace": "search", "uid": "u1", "resourceVersion": "1"},
            "spec": {"source": source, "encoder": {"inferenceService": "retriever", "modelVersion": "1"},
                     "shards": 2, "rebuild": {"everyMinutes": 30}}}


def test_the_crd_takes_a_postgres_source() -> None:
    import jsonschema

    crd = yaml.safe_load(CRD.read_text())
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    jsonschema.validate(body({"postgres": {"secretName": "jobs-store", "key": "dsn"}}), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body({"postgres": {"key": "dsn"}}), schema)  # the Secret is required
    rule = schema["properties"]["spec"]["properties"]["source"]["x-kubernetes-validations"][0]["rule"]
    assert rule == "has(self.uri) != has(self.postgres)"
    status = schema["properties"]["status"]["properties"]["changeLag"]["properties"]
    assert {"seconds", "changes", "observedAt"} <= set(status)


def test_spec_check_and_the_compaction_job() -> None:
    from jobsearch.operator.manifests import build_job
    from jobsearch.operator.plan import check_spec
    from jobsearch.operator.settings import OperatorSettings

    from jobsearch.errors import InvalidSpecError

    check_spec(body({"postgres": {"secretName": "jobs-store"}})["spec"])  # type: ignore[arg-type]
    with pytest.raises(InvalidSpecError, match="secretName"):
        check_spec(body({"postgres": {}})["spec"])  # type: ignore[arg-type]
    with pytest.raises(InvalidSpecError, match="posting store"):
        check_spec(body({})["spec"])  # type: ignore[arg-type]
    job = build_job(body({"postgres": {"secretName": "jobs-store"}}), version="v0001-abcdef12",
                    job_name="jobs-build-v0001", settings=OperatorSettings())
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][:2] == ["postings", "compact"] and "--shards" in container["args"]
    dsn = next(e for e in container["env"] if e["name"] == "JOBSEARCH_STORE")
    assert dsn["valueFrom"]["secretKeyRef"] == {"name": "jobs-store", "key": "dsn"}
    assert not any("postgresql://" in str(e) for e in container["env"])  # the DSN never lands in a manifest


def test_change_lag_of_the_slowest_live_follower(tmp_path: Path) -> None:
    from jobsearch.operator.ingest import change_lag

    from jobsearch.store import open_store

    store = open_store(tmp_path / "s.sqlite")
    assert change_lag(store) == {"seconds": 0.0, "changes": 0, "followers": 0, "head": 0}
    v = unit_vectors(5, 2)
    for i in range(5):
        store.upsert([upsert(posting(i), v[i])])
    store.set_consumer("shard-0", 5)
    store.set_consumer("shard-1", 2)
    lag = change_lag(store, now_s=time.time() + 3)
    assert lag["slowest"] == "shard-1" and lag["changes"] == 3 and lag["followers"] == 2
    assert 2.5 <= lag["seconds"] <= 60
    later = change_lag(store, now_s=time.time() + 3600)  # both followers silent for an hour: gone
    assert later["followers"] == 0 and np.isclose(later["seconds"], 0.0)
    store.close()
