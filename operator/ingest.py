"""JobIndex sources that are a posting store (PostgreSQL, DSN in a Secret): the build Job
becomes a compaction (a shard set from one store snapshot, stored vectors, no encoding;
`rebuild.everyMinutes` schedules it), and a timer reports how far the shard servers lag
behind the change log (`status.changeLag`, `jobsearch_ingest_lag_seconds`)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import kopf
from jobsearch.operator.kube import Kube
from jobsearch.operator.settings import OperatorSettings

from jobsearch.store.metrics import INGEST_LAG

STALE_S = 600.0  # a follower silent this long is gone (a deleted pod), not lagging
DTYPES = {"fp16": "float16", "int8": "int8"}


def store_build(spec: dict[str, Any], out: str, env: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Args and env of the build Job for a posting-store source; the DSN comes from the Secret."""
    pg = spec["source"]["postgres"]
    dsn = {"name": "JOBSEARCH_STORE",
           "valueFrom": {"secretKeyRef": {"name": pg["secretName"], "key": pg.get("key", "dsn")}}}
    args = ["postings", "compact", "--index", out, "--shards", str(spec["shards"]),
            "--dtype", DTYPES.get(spec.get("precision", "fp16"), "float16")]
    return args, [*env, dsn]


def change_lag(store: Any, *, now_s: float | None = None) -> dict[str, Any]:
    """How far the slowest live follower is behind the store's change log: seconds (age of
    the oldest change it has not applied), changes, and which follower."""
    now = time.time() if now_s is None else now_s
    head = store.head()
    live = {n: seq for n, (seq, at) in store.consumers().items() if now - at / 1000 <= STALE_S}
    if not live:
        return {"seconds": 0.0, "changes": 0, "followers": 0, "head": head}
    slowest = min(live, key=lambda n: live[n])
    oldest = store.oldest_change_after(live[slowest])
    seconds = 0.0 if oldest is None else max(0.0, now - oldest.at_ms / 1000)
    return {"seconds": round(seconds, 3), "changes": head - live[slowest], "followers": len(live),
            "slowest": slowest, "head": head}


def _lag_of(dsn: str, stores: dict[str, Any]) -> dict[str, Any]:
    from jobsearch.store import open_store

    if dsn not in stores:
        stores[dsn] = open_store(dsn)
    return change_lag(stores[dsn])


def register_change_lag(registry: kopf.OperatorRegistry, kube: Kube, settings: OperatorSettings, *,
                        resource: tuple[str, str, str]) -> None:
    stores: dict[str, Any] = {}  # one connection per DSN, kept between rounds

    def has_store(spec: kopf.Spec, **_: Any) -> bool:
        return bool((spec.get("source") or {}).get("postgres"))

    # Only JobIndexes with a store get this timer: the others' handling stays exactly as it was.
    @kopf.timer(*resource, interval=settings.interval_s, registry=registry, id="change-lag", when=has_store)
    async def report_change_lag(body: kopf.Body, patch: kopf.Patch, logger: Any, **_: Any) -> None:
        pg = ((body.get("spec") or {}).get("source") or {}).get("postgres")
        meta = body["metadata"]
        if not pg or meta.get("deletionTimestamp"):
            return
        ns, name = meta.get("namespace", "default"), meta["name"]
        observed = datetime.now(UTC).isoformat()
        dsn = await kube.get_secret_value(ns, pg["secretName"], pg.get("key", "dsn"))
        if dsn is None:
            patch.status["changeLag"] = {"error": f"Secret {pg['secretName']} has no key {pg.get('key', 'dsn')!r}",
                                         "observedAt": observed}
            return
        try:
            lag = await asyncio.to_thread(_lag_of, dsn, stores)
        except Exception as exc:  # noqa: BLE001 - a store outage is reported, never crashes the timer
            stores.pop(dsn, None)
            logger.warning(f"change lag of {ns}/{name}: {exc}")
            patch.status["changeLag"] = {"error": str(exc)[:300], "observedAt": observed}
            return
        INGEST_LAG.labels(consumer=f"{ns}/{name}").set(lag["seconds"])
        patch.status["changeLag"] = {**lag, "observedAt": observed}
