"""The index shard server: a KServe model serving exact filtered top-K over shard i of
the active shard set, hot-swapping when the operator's active pointer changes. It loads
and verifies its own shard only (`load_set(only=i)`), never the set's other shards.

Each request reads the current index reference once, so a swap never fails or mixes a
request. The previous set stays held after a swap: a request that names a version (the
transformer's retry when shards disagree mid-swap) is answered from that version while
this server still holds it. A set that fails verification is refused and the old one
keeps serving."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import kserve
import numpy as np
import pydantic
from jobsearch.runtimes.catalog import resolve_index_dir
from jobsearch.runtimes.kserve_io import domain_errors, inputs_of, int_of, response, text_of

from jobsearch.errors import BadRequestError, CorruptShardSetError, IndexNotFoundError
from jobsearch.index import FlatIndex
from jobsearch.metrics import SWAP_DURATION, SWAP_FAILURES
from jobsearch.schema import Filters

log = logging.getLogger(__name__)


def open_shard(index_dir: Path, shard: int, shards: int) -> FlatIndex:
    """A FlatIndex over shard `shard` of the set at `index_dir` (that shard alone loaded and
    verified); refused when the set has another shard count than this deployment."""
    from jobsearch.index.flat import index_device
    from jobsearch.index.layout import Manifest, active_set
    from jobsearch.index.shardset import load_set

    set_dir = active_set(Path(index_dir))
    n = len(Manifest.read(set_dir).shards)
    if n != shards:
        raise CorruptShardSetError(f"{set_dir}: {n} shards, this deployment expects {shards}")
    return FlatIndex(load_set(set_dir, verify=True, only=shard), device=index_device())


def _changed(index: FlatIndex) -> bool:
    """Whether files of a held set changed on disk since it was loaded (then reload it)."""
    from jobsearch.index.shardset import changed_files

    return bool(changed_files(index.view.base))


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
        # (current, previous): swapped as one tuple, so a reader sees a consistent pair.
        self._held: tuple[FlatIndex | None, FlatIndex | None] = (None, None)
        self._paths: tuple[Path | None, Path | None] = (None, None)  # where each held set came from
        self._target: Path | None = None
        self._stop = threading.Event()
        # With a posting store, each published set follows its change log (this shard's rows).
        self._following = None if store is None else _following(store, name, shard, shards)

    def load(self) -> bool:
        self.swap_if_changed()
        if self._held[0] is None:
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
        previous = self._held[1]
        if previous is not None and target == self._paths[1] and not _changed(previous):
            index = previous  # back to the set held since the last swap (a rollback): verified already
        else:
            try:
                index = open_shard(target, self.shard, self.shards)
            except (CorruptShardSetError, IndexNotFoundError) as exc:
                SWAP_FAILURES.inc()
                log.error("refusing shard set %s: %s", target, exc)
                self._target = target  # do not retry a refused set on every poll
                return False
        follower = None if self._following is None else self._following.prepare(index)  # caught up first
        # One assignment each: readers take `_held` once per request.
        self._held, self._paths, self._target = (index, self._held[0]), (target, self._paths[0]), target
        if follower is not None and self._following is not None:
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

    def _pick(self, wanted: str) -> FlatIndex:
        """This request's set: the one `wanted` names while held, else the current one."""
        current, previous = self._held
        if current is None:
            raise IndexNotFoundError("no shard set loaded")
        if wanted and current.version != wanted and previous is not None and previous.version == wanted:
            return previous
        return current

    async def predict(self, payload: Any, headers: dict[str, str] | None = None,
                      response_headers: dict[str, str] | None = None) -> Any:
        # Off the event loop: requests overlap (the scan releases the GIL in numba).
        return await asyncio.to_thread(self._predict, payload)

    def _predict(self, payload: Any) -> Any:
        with domain_errors():
            inputs = inputs_of(payload)
            index = self._pick(text_of(inputs, "version", "") or "")
            held = [i.version for i in self._held if i is not None]
            op = text_of(inputs, "op", "search")
            out: dict[str, Any] = {"version": [index.version], "held": held}
            if op == "search":
                out |= _search(index, inputs)
            elif op == "records":
                out["records"] = _records(index, inputs)
            elif op == "count":
                out["count"] = np.array([index.count(_filters(inputs), now=_now(inputs))], dtype=np.int64)
            elif op == "info":
                out |= {"rows": np.array([index.rows], dtype=np.int64), "model_id": [index.model_id],
                        "shard": np.array([self.shard], dtype=np.int64)}
            else:
                raise BadRequestError(f"unknown op {op!r} (search, records, count, info)")
            return response(self.name, out)


def _search(index: FlatIndex, inputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """Exact top-k of each query vector, with the hits' records (JSON, one per hit) read
    from the same snapshot when `with_records` is set: the transformer needs no second call."""
    q = np.asarray(inputs["vectors"], dtype=np.float32) if "vectors" in inputs else None
    if q is None:
        raise BadRequestError("missing input 'vectors'")
    k = int_of(inputs, "k", 20)
    with_records = bool(int_of(inputs, "with_records", 0))
    hits = index.search(q, _filters(inputs), k, now=_now(inputs), with_records=with_records)
    width = max((len(h) for h in hits), default=0)
    ids = np.full((len(hits), width), "", dtype=object)
    scores = np.zeros((len(hits), width), dtype=np.float32)
    docs = np.full((len(hits), width), "", dtype=object)
    for i, h in enumerate(hits):
        ids[i, : len(h)] = h.job_ids
        scores[i, : len(h)] = h.scores
        for j, rec in enumerate(h.records or []):
            docs[i, j] = json.dumps(rec, default=_json_default)
    out: dict[str, Any] = {"job_ids": ids, "scores": scores,
                           "counts": np.array([len(h) for h in hits], dtype=np.int64),
                           "n_matching": np.array([h.n_matching for h in hits], dtype=np.int64)}
    if with_records:
        out["records"] = docs
    return out


def _records(index: FlatIndex, inputs: dict[str, np.ndarray]) -> list[str]:
    docs = []
    for jid in np.asarray(inputs.get("job_ids", np.zeros(0, dtype=object))).reshape(-1):
        jid = jid.decode() if isinstance(jid, bytes) else str(jid)
        try:
            docs.append(json.dumps(index.records([jid])[0], default=_json_default))
        except KeyError:
            docs.append("")  # on another shard
    return docs


def _filters(inputs: dict[str, np.ndarray]) -> Filters:
    try:
        return Filters.model_validate_json(text_of(inputs, "filters", "{}") or "{}")
    except pydantic.ValidationError as exc:
        raise BadRequestError(f"input 'filters' is not a Filters document: {exc.errors()[0]['msg']}") from exc


def _now(inputs: dict[str, np.ndarray]) -> datetime | None:
    value = text_of(inputs, "now", "")
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError as exc:
        raise BadRequestError(f"input 'now' is not an ISO time: {value!r}") from exc
