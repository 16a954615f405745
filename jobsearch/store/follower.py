"""The change-log follower: applies the store's changes to a running `FlatIndex` through
its `add`/`remove`, from the watermark of the shard set it serves, so a restart replays
what the set does not include and a crash loses nothing acknowledged.

Each step reads the changes after `applied`, then the *current* rows of the ids they name,
and applies that state (live -> add with the stored vector, otherwise -> remove): applying
the latest state is idempotent, so replaying from any earlier position converges to the
store. Postings with a `valid_through` leave the index when it passes (the sweeper makes
it durable in the store). A shard server passes `owns` and adds only its own ids."""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jobsearch.failpoints import failpoint
from jobsearch.store.base import StoredPosting
from jobsearch.store.metrics import INGEST_APPLIED, INGEST_LAG, INGEST_SKIPPED, INGEST_VISIBLE
from jobsearch.store.sql import SqlStore, now_ms
from jobsearch.store.watermark import read_watermark, write_watermark

if TYPE_CHECKING:
    from jobsearch.index import FlatIndex

log = logging.getLogger("jobsearch.store.follower")

BATCH = 5000  # change-log entries per step


def posting_rows(stored: list[StoredPosting]) -> list[dict[str, object]]:
    """Index rows (POSTINGS_SCHEMA dicts) of stored postings."""
    from jobsearch.corpus.table import posting_to_row
    from jobsearch.schema import Posting

    return [posting_to_row(Posting.model_validate_json(s.posting or "")) for s in stored]


class Follower:
    def __init__(
        self,
        store: SqlStore,
        index: FlatIndex,
        *,
        name: str = "serve",
        poll_s: float = 0.05,
        owns: Callable[[str], bool] | None = None,
        report_every_s: float = 1.0,
        adopt: bool = True,
    ) -> None:
        self.store = store
        self.index = index
        self.name = name
        self.poll_s = poll_s
        self.owns = owns
        self.report_every_s = report_every_s
        self.may_adopt = adopt  # shard servers never load their slice into the store
        self.applied = 0
        self._lock = threading.RLock()  # held while a batch is applied (compaction snapshots under it)
        self._applied_cv = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._expiry: dict[str, int] = {}
        self._heap: list[tuple[int, str]] = []
        self._reported = 0.0
        self.error: str | None = None
        self.needs_compaction = False
        self._set_dir: Path | None = None
        self.compacting = False  # our own compaction is swapping the set: not a foreign swap

    # --- starting point -----------------------------------------------------------------

    def attach(self) -> int:
        """Choose where to start: the served set's watermark in this store. A set without
        one is adopted: its postings the store has never seen are loaded into it (the demo
        corpus lands in the store this way, vectors and all), stored rows written before
        are reconciled into the index once, and the set gets a watermark when the store
        held nothing else. Returns the starting seq."""
        with self._lock:
            set_dir = self._set_dir = self.index.set_dir
            mark = read_watermark(set_dir, self.store.store_id)
            if mark is None and not self.may_adopt:
                mark = self.store.head()
                log.warning("%s has no watermark in the store %s: reconciling every stored posting once",
                            set_dir.name, self.store.describe())
                self.reconcile(upto=mark)
            elif mark is None:
                before, mark = self.adopt()
                log.info("loaded %d postings of %s into the store %s", mark - before, set_dir.name,
                         self.store.describe())
                if before == 0:
                    write_watermark(set_dir, self.store.store_id, mark)
                else:
                    log.warning("%s has no watermark in the store %s: reconciling %d earlier changes once",
                                set_dir.name, self.store.describe(), before)
                    self.reconcile(upto=before)
                    self.needs_compaction = True  # so the next start has a watermark
            self.applied = mark
            self._schedule_all()
            self._publish(lag_s=0.0, force=True)
        return mark

    def adopt(self) -> tuple[int, int]:
        """Load the served set's rows the store has never seen: (head before, head after)."""
        from jobsearch.corpus.table import row_to_posting
        from jobsearch.encode.text import posting_text
        from jobsearch.index.turnover import live_arrays
        from jobsearch.store.base import Upsert, vector_bytes
        from jobsearch.store.writer import canonical_json, text_digest

        vectors, table = live_arrays(self.index.view)
        model_id = self.index.model_id
        items = [
            Upsert(str(row["job_id"]), canonical_json(row_to_posting(row)), text_digest(posting_text(row)),
                   model_id, vector_bytes(vec))
            for row, vec in zip(table.to_pylist(), vectors, strict=True)
        ]
        return self.store.adopt(items)

    def reconcile(self, *, upto: int) -> None:
        """Apply every stored row last changed at or before `upto` (live ones added, the
        rest removed)."""
        _, chunks = self.store.snapshot(include_deleted=True)
        for part in chunks:
            rows = [r for r in part if r.seq <= upto]
            self._apply_rows({r.job_id: r for r in rows}, [r.job_id for r in rows])

    # --- the loop -------------------------------------------------------------------------

    def step(self) -> int:
        """Apply the next batch of changes and any due expirations; how many changes."""
        if not self.compacting and self.index.set_dir != self._set_dir:
            # Another shard set became active under us (a rebuild, a rollback): its rows
            # are not ours, so start again from its own watermark.
            log.warning("the index now serves %s: following it from its own watermark", self.index.set_dir.name)
            self.attach()
        changes = self.store.changes(self.applied, BATCH)
        with self._lock:
            if changes:
                ids = list(dict.fromkeys(c.job_id for c in changes))
                rows = self.store.rows(ids)
                failpoint("follow:after_read")
                self._apply_rows(rows, ids)
                failpoint("follow:after_apply")
                self.applied = changes[-1].seq
                done = time.time()
                for c in changes:
                    INGEST_VISIBLE.observe(max(0.0, done - c.at_ms / 1000))
                INGEST_APPLIED.labels(consumer=self.name).inc(len(changes))
            self._expire_due()
        with self._applied_cv:
            self._applied_cv.notify_all()
        lag = 0.0 if len(changes) < BATCH else max(0.0, time.time() - changes[-1].at_ms / 1000)
        self._publish(lag_s=lag)
        return len(changes)

    def _apply_rows(self, rows: dict[str, StoredPosting], ids: list[str]) -> None:
        now = now_ms()
        keep: list[StoredPosting] = []
        drop: list[str] = []
        for job_id in ids:
            r = rows.get(job_id)
            if r is None or not r.live(now) or (self.owns is not None and not self.owns(job_id)):
                drop.append(job_id)
            elif r.model_id != self.index.model_id or r.vector is None:
                INGEST_SKIPPED.labels(consumer=self.name, reason="model").inc()
                log.error("posting %s has a vector of %r, the index serves %r: not applied (rebuild the index)",
                          job_id, r.model_id, self.index.model_id)
                drop.append(job_id)
            else:
                keep.append(r)
        if drop:
            self.index.remove(drop)
            for job_id in drop:
                self._expiry.pop(job_id, None)
        if keep:
            self._add(keep)

    def _add(self, keep: list[StoredPosting]) -> None:
        try:
            vectors = np.stack([r.vector_array() for r in keep]).astype(np.float32)
            self.index.add(vectors, posting_rows(keep))
        except (ValueError, TypeError) as exc:
            if len(keep) == 1:
                INGEST_SKIPPED.labels(consumer=self.name, reason="bad_row").inc()
                log.error("posting %s cannot be indexed: %s", keep[0].job_id, exc)
                self.index.remove([keep[0].job_id])
                return
            for r in keep:  # find the bad one(s); the rest still apply
                self._add([r])
            return
        for r in keep:
            if r.valid_through_ms is not None:
                self._expiry[r.job_id] = r.valid_through_ms
                heapq.heappush(self._heap, (r.valid_through_ms, r.job_id))
            else:
                self._expiry.pop(r.job_id, None)

    def _schedule_all(self) -> None:
        self._expiry = dict(self.store.expiring())
        self._heap = [(t, j) for j, t in self._expiry.items()]
        heapq.heapify(self._heap)
        self._expire_due()

    def _expire_due(self) -> None:
        now = now_ms()
        due = []
        while self._heap and self._heap[0][0] <= now:
            t, job_id = heapq.heappop(self._heap)
            if self._expiry.get(job_id) == t:
                due.append(job_id)
                del self._expiry[job_id]
        if due:
            self.index.remove(due)

    def _publish(self, *, lag_s: float, force: bool = False) -> None:
        INGEST_LAG.labels(consumer=self.name).set(lag_s)
        now = time.monotonic()
        if force or now - self._reported >= self.report_every_s:
            self._reported = now
            try:
                self.store.set_consumer(self.name, self.applied)
            except Exception as exc:  # noqa: BLE001 - lag reporting must not stop the follower
                log.warning("could not record the follower position: %s", exc)

    # --- running in the background ----------------------------------------------------

    def start(self) -> Follower:
        self._thread = threading.Thread(target=self._run, name=f"follower-{self.name}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                n = self.step()
                self.error = None
            except Exception as exc:  # noqa: BLE001 - a follower that dies silently would freeze the index
                self.error = str(exc)
                log.exception("follower step failed; retrying")
                self._stop.wait(1.0)
                continue
            if n < BATCH:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def poke(self) -> None:
        """A local write committed: look now rather than at the next poll."""
        self._wake.set()

    def wait_for(self, seq: int, timeout_s: float) -> bool:
        """Block until changes up to `seq` are applied (True) or the time is up (False)."""
        deadline = time.monotonic() + timeout_s
        self.poke()
        with self._applied_cv:
            while self.applied < seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._applied_cv.wait(min(left, 0.05))
                self.poke()
        return True

    def catch_up(self, max_steps: int = 1000) -> int:
        """Apply steps until the log is drained (before a set is published); the position."""
        for _ in range(max_steps):
            if self.step() < BATCH:
                break
        return self.applied

    def now_serving(self, set_dir: Path) -> None:
        """The index moved to `set_dir` by our own compaction (it includes what we applied)."""
        with self._lock:
            self._set_dir = set_dir

    @contextmanager
    def paused(self) -> Iterator[int]:
        """Hold the follower between batches; yields the seq the index includes."""
        with self._lock:
            yield self.applied
