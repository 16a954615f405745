"""The index shard server: a KServe model serving exact filtered top-K over shard i of
the active shard set, hot-swapping when the operator's active pointer changes. Each
request reads the current index reference once, so a swap never fails or mixes a request;
a set that fails verification is refused and the old one keeps serving."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import kserve
import numpy as np
from jobsearch.runtimes.catalog import resolve_index_dir
from jobsearch.runtimes.kserve_io import domain_errors, inputs_of, int_of, response, text_of

from jobsearch.errors import CorruptShardSetError, IndexNotFoundError
from jobsearch.metrics import SWAP_DURATION, SWAP_FAILURES
from jobsearch.schema import Filters

log = logging.getLogger(__name__)


def open_shard(index_dir: Path, shard: int, shards: int) -> Any:
    """A FlatIndex over one shard (segment) of the set at `index_dir`, verified first."""
    from jobsearch.index import FlatIndex

    whole = FlatIndex.open(index_dir)
    base = whole.view.base
    if len(base.segments) != shards:
        raise CorruptShardSetError(f"{index_dir}: {len(base.segments)} shards, this deployment expects {shards}")
    return FlatIndex(replace(base, segments=(base.segments[shard],)))


def _following(store: str, name: str, shard: int, shards: int) -> Any:
    from jobsearch.store.shard import ShardFollowing

    return ShardFollowing(store, shard=shard, shards=shards, name=name)


def _json_default(v: object) -> str:
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(f"cannot serialise {type(v).__name__}")


class ShardServer(kserve.Model):
    def __init__(self, name: str, *, shard: int, shards: int, active_file: Path | None = None,
                 index_dir: Path | None = None, poll_s: float = 1.0, store: str | None = None) -> None:
        super().__init__(name)
        if not 0 <= shard < shards:
            raise ValueError(f"shard {shard} is not in [0, {shards})")
        self.shard, self.shards = shard, shards
        self.active_file, self.index_dir, self.poll_s = active_file, index_dir, poll_s
        self._index: Any = None
        self._target: Path | None = None
        self._stop = threading.Event()
        # With a posting store, each published set follows its change log (this shard's rows).
        self._following = None if store is None else _following(store, name, shard, shards)

    def load(self) -> bool:
        self.swap_if_changed()
        if self._index is None:
            raise IndexNotFoundError("no shard set to serve yet")
        if self.active_file is not None:
            threading.Thread(target=self._watch, name="shard-swap", daemon=True).start()
        self.ready = True
        return True

    def stop(self) -> None:
        self._stop.set()

    def swap_if_changed(self) -> bool:
        try:
            target = resolve_index_dir(index_dir=self.index_dir, active_file=self.active_file)
        except OSError:
            return False  # no pointer yet (the ConfigMap appears at the first promotion)
        if target == self._target:
            return False
        t0 = time.perf_counter()
        try:
            index = open_shard(target, self.shard, self.shards)
        except (CorruptShardSetError, IndexNotFoundError) as exc:
            SWAP_FAILURES.inc()
            log.error("refusing shard set %s: %s", target, exc)
            self._target = target  # do not retry a refused set on every poll
            return False
        follower = None if self._following is None else self._following.prepare(index)  # caught up first
        self._index, self._target = index, target  # one reference assignment: the swap
        if follower is not None:
            self._following.publish(follower)
        SWAP_DURATION.observe(time.perf_counter() - t0)
        log.info("serving shard %d/%d of %s (%d rows)", self.shard, self.shards, index.version, index.rows)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.swap_if_changed()
            except Exception:  # a watcher that dies silently would pin the old set forever
                log.exception("shard set watcher")

    def predict(self, payload: Any, headers: dict[str, str] | None = None,
                response_headers: dict[str, str] | None = None) -> Any:
        index = self._index  # this request's set, whatever a swap does meanwhile
        with domain_errors():
            inputs = inputs_of(payload)
            op = text_of(inputs, "op", "search")
            out: dict[str, Any] = {"version": [index.version]}
            if op == "search":
                q = np.asarray(inputs["vectors"], dtype=np.float32)
                k = int_of(inputs, "k", 20)
                hits = index.search(q, _filters(inputs), k, now=_now(inputs))
                width = max((len(h) for h in hits), default=0)
                ids = np.full((len(hits), width), "", dtype=object)
                scores = np.zeros((len(hits), width), dtype=np.float32)
                for i, h in enumerate(hits):
                    ids[i, : len(h)] = h.job_ids
                    scores[i, : len(h)] = h.scores
                out |= {"job_ids": ids, "scores": scores,
                        "counts": np.array([len(h) for h in hits], dtype=np.int64),
                        "n_matching": np.array([h.n_matching for h in hits], dtype=np.int64)}
            elif op == "records":
                docs = []
                for jid in np.asarray(inputs["job_ids"]).reshape(-1):
                    jid = jid.decode() if isinstance(jid, bytes) else str(jid)
                    try:
                        docs.append(json.dumps(index.records([jid])[0], default=_json_default))
                    except KeyError:
                        docs.append("")  # on another shard
                out["records"] = docs
            elif op == "count":
                out["count"] = np.array([index.count(_filters(inputs), now=_now(inputs))], dtype=np.int64)
            elif op == "info":
                out |= {"rows": np.array([index.rows], dtype=np.int64), "model_id": [index.model_id],
                        "shard": np.array([self.shard], dtype=np.int64)}
            else:
                raise ValueError(f"unknown op {op!r} (search, records, count, info)")
            return response(self.name, out)


def _filters(inputs: dict[str, np.ndarray]) -> Filters:
    return Filters.model_validate_json(text_of(inputs, "filters", "{}") or "{}")


def _now(inputs: dict[str, np.ndarray]) -> datetime | None:
    value = text_of(inputs, "now", "")
    return datetime.fromisoformat(value) if value else None
