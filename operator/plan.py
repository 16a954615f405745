"""The JobIndex reconciler's brain: a pure function from (spec, status, what was observed)
to the actions that move the cluster one step towards the spec. No I/O here, so every
rule (build, verify, promote, keep, roll back, collect garbage) is unit-tested directly;
`handlers.py` only observes, calls `plan()`, and applies what it returns."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from jobsearch.errors import InvalidSpecError

# Defaults mirror the CRD's; kmock (and old API servers) do not apply CRD defaults.
DEFAULTS: dict[str, Any] = {
    "shards": 1,
    "precision": "fp16",
    "keepPrevious": 1,
    "recallCheck": 0.99,
    "deletionPolicy": "Delete",
}
# Only these fields change what a build produces; a new keepPrevious must not rebuild.
BUILD_FIELDS = ("source", "encoder", "shards", "precision")
VERSION_RE = re.compile(r"^v(\d{4,})-([0-9a-f]{8})$")
CONDITION_TYPES = ("Ready", "Building", "Degraded")

JobPhase = Literal["missing", "running", "succeeded", "failed"]


@dataclass(frozen=True)
class JobState:
    phase: JobPhase
    message: str = ""


@dataclass(frozen=True)
class Verification:
    ok: bool
    rows: int = 0
    message: str = ""


@dataclass(frozen=True)
class Observed:
    """What the handler saw this round; every field is a plain value."""

    generation: int
    now: datetime
    job: JobState | None = None  # the Job of status.building, if one is recorded
    verification: Verification | None = None  # of status.building's set, once its Job succeeded
    source_fingerprint: str | None = None
    stored_versions: tuple[str, ...] = ()
    rebuild_token: str | None = None  # annotation jobsearch.io/rebuild
    rollback_to: str | None = None  # spec.rollbackTo, else annotation jobsearch.io/rollback-to


@dataclass(frozen=True)
class CreateBuildJob:
    version: str
    job_name: str


@dataclass(frozen=True)
class DeleteJob:
    job_name: str


@dataclass(frozen=True)
class DeleteShardSet:
    version: str


@dataclass(frozen=True)
class PublishActive:
    """Point shard servers at a set (the `<name>-active` ConfigMap they watch)."""

    version: str


@dataclass(frozen=True)
class PatchStatus:
    patch: dict[str, Any] = field(default_factory=dict)


Action = CreateBuildJob | DeleteJob | DeleteShardSet | PublishActive | PatchStatus


# The CRD's bounds (charts/jobsearch/crds): an API server enforces them; kmock and a
# hand-edited object do not, and no retry fixes a spec outside them.
SOURCE_FORMATS = ("parquet", "jsonl")
PRECISIONS = ("fp16", "int8")
MAX_SHARDS = 64


def check_spec(spec: dict[str, Any]) -> None:
    """Raise InvalidSpecError naming the first field the operator cannot act on."""
    full = with_defaults(spec)
    uri = full["source"].get("uri")
    store = full["source"].get("postgres")
    if store is not None:
        if not isinstance(store, dict) or not store.get("secretName"):
            raise InvalidSpecError("spec.source.postgres.secretName is required (the Secret holding the store's DSN)")
    elif not isinstance(uri, str) or not uri:
        raise InvalidSpecError("spec.source.uri (a corpus) or spec.source.postgres (a posting store) is required")
    if full["source"]["format"] not in SOURCE_FORMATS:
        raise InvalidSpecError(f"spec.source.format must be one of {SOURCE_FORMATS}, got {full['source']['format']!r}")
    shards = full["shards"]
    if isinstance(shards, bool) or not isinstance(shards, int) or not 1 <= shards <= MAX_SHARDS:
        raise InvalidSpecError(f"spec.shards must be an integer in 1..{MAX_SHARDS}, got {shards!r}")
    if full["precision"] not in PRECISIONS:
        raise InvalidSpecError(f"spec.precision must be one of {PRECISIONS}, got {full['precision']!r}")
    recall = full["recallCheck"]
    if isinstance(recall, bool) or not isinstance(recall, int | float) or not 0 <= recall <= 1:
        raise InvalidSpecError(f"spec.recallCheck must be a number in [0, 1], got {recall!r}")


def with_defaults(spec: dict[str, Any]) -> dict[str, Any]:
    out = {**DEFAULTS, **spec}
    out["source"] = {"format": "parquet", **spec.get("source", {})}
    out["rebuild"] = {"onSourceChange": True, **spec.get("rebuild", {})}
    return out


def spec_hash(spec: dict[str, Any]) -> str:
    """8 hex digits over the build-relevant fields, stable across key order."""
    full = with_defaults(spec)
    relevant = {k: full.get(k) for k in BUILD_FIELDS}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:8]


def version_name(seq: int, digest: str) -> str:
    return f"v{seq:04d}-{digest}"


def job_name(index_name: str, version: str) -> str:
    # Job names are DNS labels (63 chars); the version is at most 14 of them.
    return f"{index_name[:40]}-build-{version}"


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(ts: str | None) -> datetime | None:
    if not ts:
        return None
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _build_reason(
    spec: dict[str, Any], status: dict[str, Any], obs: Observed, digest: str
) -> str | None:
    active = status.get("activeShardSet")
    token_changed = bool(obs.rebuild_token) and obs.rebuild_token != status.get("rebuildToken")
    if token_changed:
        return "Requested"
    # A failed spec is not retried on its own: that would loop forever on a bad source.
    if status.get("failedSpecHash") == digest:
        return None
    if not active:
        return "Initial"
    if active.get("specHash") != digest:
        return "SpecChanged"
    fp = obs.source_fingerprint
    if spec["rebuild"].get("onSourceChange") and fp and active.get("sourceFingerprint") not in (None, fp):
        return "SourceChanged"
    every = spec["rebuild"].get("everyMinutes")
    built = _parse(active.get("builtAt"))
    if every and built and obs.now - built >= timedelta(minutes=every):
        return "Scheduled"
    return None


def _conditions(
    old: list[dict[str, Any]], now: datetime, wanted: dict[str, tuple[bool, str, str]]
) -> list[dict[str, Any]]:
    """Keep lastTransitionTime when a condition's status does not change."""
    previous = {c["type"]: c for c in old or []}
    out = []
    for ctype in CONDITION_TYPES:
        value, reason, message = wanted[ctype]
        status = "True" if value else "False"
        before = previous.get(ctype)
        since = before["lastTransitionTime"] if before and before.get("status") == status else _iso(now)
        out.append(
            {"type": ctype, "status": status, "reason": reason, "message": message,
             "lastTransitionTime": since}
        )
    return out


def plan(
    spec: dict[str, Any], status: dict[str, Any], observed: Observed, *, name: str
) -> list[Action]:
    """One reconcile step. Returns side-effect actions first and exactly one PatchStatus
    last; applying them twice in a row is harmless (every action is idempotent)."""
    spec = with_defaults(spec)
    status = dict(status or {})
    now = observed.now
    digest = spec_hash(spec)
    actions: list[Action] = []
    active: dict[str, Any] | None = status.get("activeShardSet")
    previous: list[dict[str, Any]] = list(status.get("previousShardSets") or [])
    building: dict[str, Any] | None = status.get("building")
    patch: dict[str, Any] = {"observedGeneration": observed.generation}
    degraded: tuple[bool, str, str] = (
        bool(status.get("failedSpecHash")), "BuildFailed" if status.get("failedSpecHash") else "AsExpected",
        _last_message(status, "Degraded"),
    )
    building_msg = ""

    def promote(record: dict[str, Any]) -> None:
        nonlocal active, previous
        if active and active["version"] != record["version"]:
            previous = [active] + [p for p in previous if p["version"] != active["version"]]
        previous = [p for p in previous if p["version"] != record["version"]]
        active = {**record, "activatedAt": _iso(now)}
        actions.append(PublishActive(record["version"]))

    if building:
        job = observed.job or JobState("missing")
        version = building["version"]
        if job.phase == "missing":
            # Intent was recorded but the Job is gone or was never created (restart): (re)create.
            actions.append(CreateBuildJob(version, building["job"]))
            building_msg = f"build Job {building['job']} (re)created"
        elif job.phase == "running":
            building_msg = f"build Job {building['job']} running"
        elif job.phase == "failed":
            building = None
            patch["failedSpecHash"] = digest_of(version)
            degraded = (True, "BuildFailed", f"build {version} failed: {job.message}".strip())
        else:  # succeeded
            ver = observed.verification
            if ver is None:
                building_msg = f"verifying {version}"
            elif not ver.ok:
                building = None
                patch["failedSpecHash"] = digest_of(version)
                degraded = (True, "VerificationFailed", f"set {version} refused: {ver.message}")
            else:
                record = {
                    "version": version,
                    "specHash": building.get("specHash", digest_of(version)),
                    "rows": ver.rows,
                    "builtAt": _iso(now),
                }
                if building.get("sourceFingerprint"):
                    record["sourceFingerprint"] = building["sourceFingerprint"]
                actions.append(DeleteJob(building["job"]))
                building = None
                if observed.rollback_to:
                    # Pinned: keep the new set as the first rollback candidate, do not serve it.
                    previous = [record] + previous
                else:
                    promote(record)
                patch["failedSpecHash"] = None
                degraded = (False, "AsExpected", "")
    elif observed.rollback_to:
        target = observed.rollback_to
        if active and active["version"] == target:
            pass
        elif any(p["version"] == target for p in previous):
            promote(next(p for p in previous if p["version"] == target))
        else:
            degraded = (True, "RollbackTargetMissing", f"no kept shard set {target}")
    else:
        reason = _build_reason(spec, status, observed, digest)
        if reason:
            seq = int(status.get("buildSeq") or 0) + 1
            version = version_name(seq, digest)
            building = {
                "version": version, "job": job_name(name, version), "specHash": digest,
                "startedAt": _iso(now),
            }
            if observed.source_fingerprint:
                building["sourceFingerprint"] = observed.source_fingerprint
            patch["buildSeq"] = seq
            if reason == "Requested":
                patch["rebuildToken"] = observed.rebuild_token
            actions.append(CreateBuildJob(version, building["job"]))
            building_msg = f"{reason}: building {version}"

    # At least one: shard servers may still be swapping away from the set just replaced.
    keep_n = max(1, int(spec["keepPrevious"]))
    previous = previous[:keep_n]
    keep = {r["version"] for r in previous} | ({active["version"]} if active else set())
    if building:
        keep.add(building["version"])
    for stored in sorted(observed.stored_versions):
        if VERSION_RE.match(stored) and stored not in keep:
            actions.append(DeleteShardSet(stored))

    patch["activeShardSet"] = active
    patch["previousShardSets"] = previous
    patch["building"] = building
    ready_msg = f"serving {active['version']}" if active else "no verified shard set yet"
    patch["conditions"] = _conditions(
        status.get("conditions") or [], now,
        {
            "Ready": (active is not None, "Active" if active else "NoShardSet", ready_msg),
            "Building": (building is not None, "Building" if building else "Idle", building_msg),
            "Degraded": degraded,
        },
    )
    if building:
        patch["phase"] = "Building"
    elif degraded[0]:
        patch["phase"] = "Degraded"
    else:
        patch["phase"] = "Ready" if active else "Pending"
    actions.append(PatchStatus(patch))
    return actions


def digest_of(version: str) -> str:
    m = VERSION_RE.match(version)
    return m.group(2) if m else ""


def _last_message(status: dict[str, Any], ctype: str) -> str:
    for c in status.get("conditions") or []:
        if c.get("type") == ctype:
            return str(c.get("message", ""))
    return ""


def plan_delete(spec: dict[str, Any], status: dict[str, Any], *, stored_versions: tuple[str, ...],
                job_names: tuple[str, ...]) -> list[Action]:
    """Finalizer step: stop builds, and drop the sets unless the policy retains them."""
    spec = with_defaults(spec)
    actions: list[Action] = [DeleteJob(j) for j in sorted(set(job_names))]
    if spec["deletionPolicy"] == "Delete":
        actions += [DeleteShardSet(v) for v in sorted(stored_versions) if VERSION_RE.match(v)]
    return actions
