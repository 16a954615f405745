"""The pure reconcile step: every rule of the JobIndex lifecycle, without an API server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jobsearch.operator.plan import (
    CreateBuildJob,
    DeleteJob,
    DeleteShardSet,
    JobState,
    Observed,
    PatchStatus,
    PublishActive,
    Verification,
    check_spec,
    plan,
    plan_delete,
    spec_hash,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPEC: dict[str, Any] = {
    "source": {"uri": "/data/corpus"},
    "encoder": {"inferenceService": "retriever", "modelVersion": "1"},
}


def obs(**kw: Any) -> Observed:
    return Observed(**{"generation": 1, "now": NOW, **kw})


def step(spec: dict[str, Any], status: dict[str, Any], o: Observed) -> tuple[list[Any], dict[str, Any]]:
    actions = plan(spec, status, o, name="jobs")
    assert isinstance(actions[-1], PatchStatus)
    assert sum(isinstance(a, PatchStatus) for a in actions) == 1
    new = {**status, **actions[-1].patch}
    return actions[:-1], {k: v for k, v in new.items() if v is not None}


def cond(status: dict[str, Any], ctype: str) -> str:
    return next(c["status"] for c in status["conditions"] if c["type"] == ctype)


def build_to_ready(spec: dict[str, Any], status: dict[str, Any], rows: int = 100) -> dict[str, Any]:
    actions, status = step(spec, status, obs())
    assert [type(a) for a in actions] == [CreateBuildJob]
    version = status["building"]["version"]
    actions, status = step(spec, status, obs(job=JobState("succeeded"),
                                             verification=Verification(True, rows=rows),
                                             stored_versions=(version,)))
    assert PublishActive(version) in actions
    return status


def test_new_index_builds_then_promotes_after_verification() -> None:
    actions, status = step(SPEC, {}, obs())
    digest = spec_hash(SPEC)
    assert actions == [CreateBuildJob(f"v0001-{digest}", f"jobs-build-v0001-{digest}")]
    assert status["phase"] == "Building" and cond(status, "Building") == "True"
    assert status["observedGeneration"] == 1

    # Job still running: nothing to do, nothing re-created.
    actions, status = step(SPEC, status, obs(job=JobState("running")))
    assert actions == [] and status["phase"] == "Building"

    # Job done, verification pending (the handler verifies): not promoted yet.
    actions, status2 = step(SPEC, status, obs(job=JobState("succeeded")))
    assert actions == [] and "activeShardSet" not in status2

    actions, status = step(SPEC, status, obs(job=JobState("succeeded"),
                                             verification=Verification(True, rows=3000)))
    v = f"v0001-{digest}"
    assert PublishActive(v) in actions and DeleteJob(f"jobs-build-{v}") in actions
    assert status["activeShardSet"]["version"] == v and status["activeShardSet"]["rows"] == 3000
    assert status["phase"] == "Ready" and cond(status, "Ready") == "True"
    assert cond(status, "Degraded") == "False" and "building" not in status

    # Steady state: no builds, no deletes.
    actions, status = step(SPEC, status, obs(stored_versions=(v,)))
    assert actions == []


def test_failed_build_degrades_and_keeps_the_active_set() -> None:
    status = build_to_ready(SPEC, {})
    good = status["activeShardSet"]["version"]
    _, status = step(SPEC, status, obs(rebuild_token="again"))
    bad = status["building"]["version"]
    actions, status = step(SPEC, status, obs(job=JobState("failed", "BackoffLimitExceeded"),
                                             stored_versions=(good, bad)))
    assert actions == [DeleteShardSet(bad)]  # the partial output goes; the good set stays
    assert status["activeShardSet"]["version"] == good
    assert status["phase"] == "Degraded" and cond(status, "Degraded") == "True"
    assert cond(status, "Ready") == "True"
    # Not retried on its own (no build loop on a bad source) ...
    actions, status = step(SPEC, status, obs(stored_versions=(good,)))
    assert actions == [] and status["phase"] == "Degraded"
    # ... but a spec change builds again.
    spec2 = {**SPEC, "shards": 4}
    actions, _ = step(spec2, status, obs(stored_versions=(good,)))
    assert [type(a) for a in actions] == [CreateBuildJob]


def test_corrupt_set_is_never_promoted() -> None:
    status = build_to_ready(SPEC, {})
    good = status["activeShardSet"]["version"]
    _, status = step(SPEC, status, obs(rebuild_token="t2"))
    bad = status["building"]["version"]
    actions, status = step(SPEC, status, obs(job=JobState("succeeded"),
                                             verification=Verification(False, message="checksum"),
                                             stored_versions=(good, bad)))
    assert not any(isinstance(a, PublishActive) for a in actions)
    assert DeleteShardSet(bad) in actions
    assert status["activeShardSet"]["version"] == good
    degraded = next(c for c in status["conditions"] if c["type"] == "Degraded")
    assert degraded["reason"] == "VerificationFailed" and "checksum" in degraded["message"]


def test_spec_change_rebuilds_but_keep_previous_does_not() -> None:
    status = build_to_ready(SPEC, {})
    actions, _ = step({**SPEC, "keepPrevious": 3}, status, obs())
    assert actions == []
    actions, status = step({**SPEC, "precision": "int8"}, status, obs())
    assert [type(a) for a in actions] == [CreateBuildJob]
    assert status["building"]["version"].startswith("v0002-")


def test_restart_mid_build_recreates_a_missing_job_with_the_same_name() -> None:
    _, status = step(SPEC, {}, obs())
    job = status["building"]["job"]
    actions, again = step(SPEC, status, obs(job=JobState("missing")))
    assert actions == [CreateBuildJob(status["building"]["version"], job)]
    assert again["building"] == status["building"] and again["buildSeq"] == 1


def test_keep_previous_and_garbage_collection() -> None:
    status = build_to_ready(SPEC, {})
    v1 = status["activeShardSet"]["version"]
    versions = [v1]
    for token in ("a", "b"):
        _, status = step(SPEC, status, obs(rebuild_token=token))
        v = status["building"]["version"]
        actions, status = step(SPEC, status, obs(job=JobState("succeeded"), rebuild_token=token,
                                                 verification=Verification(True, rows=1),
                                                 stored_versions=(*versions, v)))
        versions.append(v)
    # keepPrevious=1 (default): the oldest set is deleted once two newer ones exist.
    assert status["activeShardSet"]["version"] == versions[2]
    assert [p["version"] for p in status["previousShardSets"]] == [versions[1]]
    assert DeleteShardSet(versions[0]) in actions
    assert not any(isinstance(a, DeleteShardSet) and a.version != versions[0] for a in actions)


def test_rollback_to_a_kept_set_and_back() -> None:
    status = build_to_ready(SPEC, {})
    v1 = status["activeShardSet"]["version"]
    _, status = step(SPEC, status, obs(rebuild_token="x"))
    v2 = status["building"]["version"]
    _, status = step(SPEC, status, obs(job=JobState("succeeded"), rebuild_token="x",
                                       verification=Verification(True, rows=5)))
    assert status["activeShardSet"]["version"] == v2

    actions, status = step(SPEC, status, obs(rollback_to=v1, rebuild_token="x"))
    assert PublishActive(v1) in actions
    assert status["activeShardSet"]["version"] == v1
    assert [p["version"] for p in status["previousShardSets"]] == [v2]
    # Pinned: a rebuild request does nothing while rollbackTo is set.
    actions, status = step(SPEC, status, obs(rollback_to=v1, rebuild_token="y",
                                             stored_versions=(v1, v2)))
    assert actions == [] and status["phase"] == "Ready"

    actions, status = step(SPEC, status, obs(rollback_to="v0099-deadbeef", rebuild_token="x"))
    assert status["activeShardSet"]["version"] == v1 and status["phase"] == "Degraded"


def test_schedule_and_source_change_trigger_builds() -> None:
    spec = {**SPEC, "rebuild": {"everyMinutes": 60}}
    _, status = step(spec, {}, obs(source_fingerprint="fp1"))
    _, status = step(spec, status, obs(job=JobState("succeeded"), source_fingerprint="fp1",
                                       verification=Verification(True, rows=1)))
    assert status["activeShardSet"]["sourceFingerprint"] == "fp1"
    assert step(spec, status, obs(source_fingerprint="fp1"))[0] == []
    actions, _ = step(spec, status, obs(source_fingerprint="fp2"))
    assert [type(a) for a in actions] == [CreateBuildJob]
    later = Observed(generation=1, now=NOW + timedelta(minutes=61), source_fingerprint="fp1")
    actions, _ = step(spec, status, later)
    assert [type(a) for a in actions] == [CreateBuildJob]


def test_conditions_keep_transition_time_when_unchanged() -> None:
    status = build_to_ready(SPEC, {})
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    later = Observed(generation=2, now=NOW + timedelta(hours=1))
    _, status2 = step(SPEC, status, later)
    assert next(c for c in status2["conditions"] if c["type"] == "Ready") == ready
    assert status2["observedGeneration"] == 2


def test_plan_is_deterministic_and_applying_twice_is_stable() -> None:
    status = build_to_ready(SPEC, {})
    o = obs(stored_versions=(status["activeShardSet"]["version"],))
    assert plan(SPEC, status, o, name="jobs") == plan(SPEC, status, o, name="jobs")


def test_delete_plan_honours_retention() -> None:
    acts = plan_delete(SPEC, {}, stored_versions=("v0001-aaaaaaaa", "junk"), job_names=("j1", "j1"))
    assert acts == [DeleteJob("j1"), DeleteShardSet("v0001-aaaaaaaa")]
    keep = plan_delete({**SPEC, "deletionPolicy": "Retain"}, {}, stored_versions=("v0001-aaaaaaaa",),
                       job_names=())
    assert keep == []


@pytest.mark.parametrize(("change", "field"), [
    ({"shards": 0}, "spec.shards"), ({"shards": "2"}, "spec.shards"), ({"precision": "fp8"}, "spec.precision"),
    ({"recallCheck": 1.5}, "spec.recallCheck"), ({"source": {"uri": ""}}, "spec.source.uri"),
    ({"source": {"uri": "/x", "format": "csv"}}, "spec.source.format"),
])
def test_an_invalid_spec_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    from jobsearch.errors import InvalidSpecError

    check_spec(SPEC)  # the valid one passes
    with pytest.raises(InvalidSpecError, match=field.replace(".", r"\.")):
        check_spec({**SPEC, **change})
