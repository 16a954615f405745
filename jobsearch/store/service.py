"""Ingestion inside a running `serve`: the store, the writer, and one background thread that
attaches the follower to the served index as soon as there is one, sweeps expired postings
and schedules compaction. The HTTP layer (`jobsearch.api.postings`) calls `write`."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from jobsearch.stages import Encoder
from jobsearch.store import open_store
from jobsearch.store.compaction import compact_following
from jobsearch.store.follower import Follower
from jobsearch.store.metrics import INGEST_EXPIRED, INGEST_WRITES
from jobsearch.store.settings import IngestSettings
from jobsearch.store.writer import Mutation, PostingWriter, RowResult

if TYPE_CHECKING:
    from jobsearch.index import FlatIndex

log = logging.getLogger("jobsearch.store.service")


class Ingest:
    def __init__(self, settings: IngestSettings, index_of: Callable[[], FlatIndex | None], *,
                 encoder: Encoder | None = None, name: str | None = None) -> None:
        self.settings = settings
        self.store = open_store(settings.store)
        self.writer = PostingWriter(self.store, encoder)
        self.follower: Follower | None = None
        self.name = name or f"serve@{socket.gethostname()}"
        self._index_of = index_of
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_compaction = time.monotonic()
        self._attached = threading.Event()
        self.last_error: str | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> Ingest:
        self._thread = threading.Thread(target=self._run, name="ingest", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)  # an attach in progress finishes first
        if self.follower is not None:
            self.follower.stop()
        self.store.close()

    def attach(self) -> bool:
        """Start following the served index once there is one; True when following."""
        if self.follower is not None:
            return True
        index = self._index_of()
        if index is None:
            return False
        follower = Follower(self.store, index, name=self.name, poll_s=self.settings.poll_s)
        follower.attach()
        if self._stop.is_set():
            return False
        self.follower = follower.start()
        self._attached.set()
        log.info("following the store %s from seq %d", self.store.describe(), follower.applied)
        return True

    def _run(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                if self.attach():
                    now = time.monotonic()
                    if now >= next_sweep:
                        self.sweep()
                        next_sweep = now + self.settings.sweep_every_s
                    self.maybe_compact()
                self.last_error = None
            except Exception as exc:  # noqa: BLE001 - the loop must outlive a store outage
                self.last_error = str(exc)
                log.exception("ingestion background step failed; retrying")
            self._stop.wait(min(1.0, self.settings.sweep_every_s))

    # --- work -------------------------------------------------------------------------------

    def write(self, mutations: Sequence[Mutation], *, wait: bool = True) -> tuple[list[RowResult], bool]:
        """Write and (with `wait`) wait until the index serves the result; (results, visible)."""
        results = self.writer.apply(mutations)
        for r in results:
            INGEST_WRITES.labels(status=r.status).inc()
        changed = [r.seq for r in results if r.seq is not None]
        if wait and self.follower is None:
            self._attached.wait(self.settings.visible_timeout_s)  # the index is still loading
        follower = self.follower
        if follower is None:
            return results, False
        target = max(changed) if changed else self.store.head()
        if not wait:
            follower.poke()
            return results, follower.applied >= target
        return results, follower.wait_for(target, self.settings.visible_timeout_s)

    def sweep(self) -> list[str]:
        """Delete postings whose valid_through passed (durably); the follower already keeps
        them out of the index from that moment."""
        expired = [r.job_id for r in self.store.expire()]
        if expired:
            INGEST_EXPIRED.inc(len(expired))
            if self.follower is not None:
                self.follower.poke()
        return expired

    def maybe_compact(self) -> bool:
        follower = self.follower
        if follower is None:
            return False
        index = follower.index
        delta = sum(seg.rows for seg in index.view.delta)
        due = delta >= max(self.settings.compact_min_rows, index.view.base.rows // 4)
        due = due or (delta > 0 and time.monotonic() - self._last_compaction >= self.settings.compact_every_s)
        due = due or follower.needs_compaction
        if not due:
            return False
        self.compact()
        return True

    def compact(self) -> str:
        assert self.follower is not None
        started = time.monotonic()
        new_dir = compact_following(self.follower.index, self.follower)
        self.follower.needs_compaction = False
        self._last_compaction = time.monotonic()
        log.info("compacted the index into %s in %.1f s", new_dir.name, self._last_compaction - started)
        return str(new_dir)

    def status(self) -> dict[str, Any]:
        head = self.store.head()
        f = self.follower
        lag_s = 0.0
        if f is not None and f.applied < head:
            oldest = self.store.oldest_change_after(f.applied)
            lag_s = 0.0 if oldest is None else max(0.0, time.time() - oldest.at_ms / 1000)
        return {
            "store": self.store.describe(), "store_id": self.store.store_id, "head": head,
            "applied": None if f is None else f.applied, "following": f is not None,
            "lag_seconds": round(lag_s, 3), "postings": self.store.count(),
            "delta_rows": None if f is None else sum(s.rows for s in f.index.view.delta),
            "error": (f.error if f is not None else None) or self.last_error,
        }
