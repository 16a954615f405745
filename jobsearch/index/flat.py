"""`FlatIndex`: the exhaustive filtered retriever (implements `jobsearch.stages.Retriever`).

Readers take the current `View` (an immutable snapshot: base shard set + delta segments +
tombstones) once per call, so a swap or an update never changes an answer half way.
Writers build a new View under a lock and publish it with one reference assignment."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import layout
from jobsearch.index.merge import merge_order
from jobsearch.index.shardset import ShardSet, load_set
from jobsearch.index.view import View
from jobsearch.schema import Filters
from jobsearch.stages import Candidates

MAX_K = 10_000


def index_device() -> str | None:
    """Where base shards are scanned (settings: JOBSEARCH_INDEX_DEVICE): "cuda" keeps shard
    rows on the GPU, "auto" does when CUDA is present; "cpu": the CPU kernels (None)."""
    from jobsearch.settings import current

    wanted = current().index_device
    if wanted == "auto":
        from jobsearch.index.gpu import available

        return "cuda" if available() else None
    return "cuda" if wanted == "cuda" else None


class FlatIndex:
    def __init__(self, shardset: ShardSet, *, root: Path | None = None, device: str | None = None) -> None:
        self._device = device
        self._place(shardset)
        self._view = View(base=shardset)
        self._previous: View | None = None
        self._root = root
        self._write = threading.Lock()
        self._publish_metrics(activated=True)

    # --- opening and identity ----------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, *, verify: bool = True, device: str | None = None) -> FlatIndex:
        """Open an index root (its active set) or a shard set folder. Raises
        IndexNotFoundError (naming the command to run) or CorruptShardSetError. `device`
        ("cuda"; default from JOBSEARCH_INDEX_DEVICE) scans the base shards there."""
        index_dir = Path(index_dir)
        set_dir = layout.active_set(index_dir)
        root = None if layout.is_set_dir(index_dir) else index_dir
        return cls(load_set(set_dir, verify=verify), root=root, device=device or index_device())

    def _place(self, shardset: ShardSet) -> None:
        """Base shards go to the device before the set is activated (a swap never serves a
        set half on the device); the small delta segment is scanned on the CPU."""
        if self._device:
            for seg in shardset.segments:
                if seg.gpu is None:
                    seg.to_device(self._device)

    @property
    def view(self) -> View:
        return self._view

    @property
    def version(self) -> str:
        return self._view.base.version

    @property
    def generation(self) -> tuple[str, int]:
        """Changes with every add, remove and swap (the base version and the number of
        online changes on it): what a response cache keys by, so no cached answer outlives
        a change (a deleted posting is never served from a cache)."""
        view = self._view
        return view.base.version, len(view.log)

    @property
    def model_id(self) -> str:
        return self._view.base.manifest.model_id

    @property
    def dim(self) -> int:
        return self._view.base.dim

    @property
    def rows(self) -> int:
        return self._view.live_rows

    @property
    def source_rows(self) -> int | None:
        """Postings of the corpus when the served set holds only its first part (filling
        in: `jobsearch demo`), else None."""
        return self._view.base.manifest.source_rows

    @property
    def set_dir(self) -> Path:
        return self._view.base.path

    # --- reading ----------------------------------------------------------------------

    def _queries(self, vectors: np.ndarray) -> np.ndarray:
        q = np.asarray(vectors, dtype=np.float32)
        if q.ndim == 1:
            q = q[None]
        if q.ndim != 2 or q.shape[1] != self.dim:
            raise ValueError(f"query vectors must have shape (n, {self.dim}), got {np.shape(vectors)}")
        if not np.isfinite(q).all():
            raise ValueError("query vectors contain NaN or infinity")
        return np.ascontiguousarray(q)

    def search(
        self,
        vectors: np.ndarray,
        filters: Filters,
        k: int,
        *,
        now: datetime | None = None,
        with_records: bool = False,
    ) -> list[Candidates]:
        """Exact filtered top-k per query vector: no posting violating `filters` is ever
        returned, and none passing them is missed. `filters.min_salary` must be resolved.
        With `with_records`, the records come from the same snapshot as the scores."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= MAX_K:
            raise ValueError(f"k must be an integer in [1, {MAX_K}], got {k!r}")
        q = self._queries(vectors)
        now = now or datetime.now(UTC)
        view = self._view  # one snapshot for the whole call
        scores: list[list[np.ndarray]] = [[] for _ in range(q.shape[0])]
        ids: list[list[list[str]]] = [[] for _ in range(q.shape[0])]
        where: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(q.shape[0])]
        matching = 0
        for i, seg in enumerate(view.segments):
            p = seg.plan(filters, now=now, dead=view.dead_of(i))
            matching += p.count
            if p.count == 0:
                continue
            s, r = seg.topk(q, min(int(k), p.count), p)
            for qi in range(q.shape[0]):
                ok = r[qi] >= 0
                scores[qi].append(s[qi][ok])
                ids[qi].append(seg.ids_at(r[qi][ok]))
                where[qi].append((i, r[qi][ok]))
        _observe_selectivity(matching, view)
        out = []
        for qi in range(q.shape[0]):
            order, sc = merge_order(scores[qi], int(k))
            flat_ids = [j for part in ids[qi] for j in part]
            jid = [flat_ids[o] for o in order]
            recs = _records_of(view, where[qi], order) if with_records else None
            out.append(Candidates(jid, sc, matching, version=view.base.version, records=recs))
        return out

    def count(self, filters: Filters, *, now: datetime | None = None) -> int:
        """How many live postings pass `filters`."""
        now = now or datetime.now(UTC)
        view = self._view
        return sum(seg.plan(filters, now=now, dead=view.dead_of(i)).count for i, seg in enumerate(view.segments))

    def _locate(self, view: View, job_id: str) -> tuple[int, int] | None:
        for i in range(len(view.segments) - 1, -1, -1):  # newest first: an update lives in the delta
            seg = view.segments[i]
            row = seg.row_of(job_id)
            dead = view.dead_of(i)
            if row is not None and (dead is None or not dead[row]):
                return i, row
        return None

    def records(self, job_ids: Sequence[str]) -> list[dict[str, object]]:
        """Display rows (POSTINGS_SCHEMA dicts) of live postings, in the order asked.
        Falls back to the previous set for ids a concurrent swap just retired."""
        views = [self._view] + ([self._previous] if self._previous is not None else [])
        out = []
        for jid in job_ids:
            for view in views:
                at = self._locate(view, jid)
                if at is not None:
                    out.append(view.segments[at[0]].records_at([at[1]])[0])
                    break
            else:
                raise KeyError(f"job id {jid!r} is not in the index")
        return out

    def records_table(self) -> pa.Table:
        """Display rows of all live postings as one table (pay statistics, company list)."""
        view = self._view
        parts = []
        for i, seg in enumerate(view.segments):
            dead = view.dead_of(i)
            parts.append(seg.records_table if dead is None else seg.records_table.filter(pa.array(~dead)))
        return pa.concat_tables(parts)

    def column(self, name: str) -> np.ndarray:
        """Values of one column over live rows (base shards, then delta): a filter column
        (e.g. `salary_usd`, `posted_at`, `remote_share`) or any display-record column."""
        view = self._view
        parts = []
        for i, seg in enumerate(view.segments):
            if hasattr(seg.columns, name) and not name.startswith("loc_"):
                values = getattr(seg.columns, name)
            elif name in seg.records_table.column_names:
                values = seg.records_table.column(name).to_numpy(zero_copy_only=False)
            else:
                raise KeyError(f"unknown column {name!r}")
            dead = view.dead_of(i)
            parts.append(values if dead is None else values[~dead])
        return np.concatenate(parts) if parts else np.zeros(0)

    # --- swap and rollback ---------------------------------------------------------------

    def swap(self, new_set_dir: Path, *, persist: bool = True) -> None:
        """Verify a shard set and make it active. In-flight queries finish on the set they
        started on. A set that fails verification raises CorruptShardSetError and the
        current set keeps serving. Pending online changes are dropped (the new set is the
        truth). With `persist`, the root's ACTIVE pointer follows."""
        from jobsearch.metrics import SWAP_DURATION, SWAP_FAILURES

        started = time.perf_counter()
        # With `persist`, the root lock spans verify and pointer move: gc cannot delete the
        # set in between.
        hold = layout.root_lock(self._root) if persist and self._root is not None else contextlib.nullcontext()
        with hold:
            try:
                new = load_set(Path(new_set_dir), verify=True, expect_dim=self.dim)
            except CorruptShardSetError:
                SWAP_FAILURES.inc()
                raise
            self._place(new)
            self._activate(View(base=new), persist=persist)
        SWAP_DURATION.observe(time.perf_counter() - started)

    def _activate(self, view: View, *, persist: bool) -> None:
        with self._write:
            self._previous, self._view = self._view, view
        if persist and self._root is not None:
            layout.point_to(self._root, view.base.path)
        self._publish_metrics(activated=True)

    def rollback(self) -> None:
        """Return to the previous set (the one this process served before, else the
        root's HISTORY)."""
        if self._previous is not None:
            self._activate(self._previous, persist=True)
            return
        if self._root is None:
            raise CorruptShardSetError("nothing to roll back to: no previous shard set")
        self.swap(layout.previous_set(self._root))

    def refresh(self) -> bool:
        """Follow the root's ACTIVE pointer if another process moved it; True if swapped."""
        if self._root is None:
            return False
        target = layout.active_set(self._root)
        if target.resolve() == self.set_dir.resolve():
            return False
        self.swap(target, persist=False)
        return True

    # --- online changes (delegated to `turnover`) ------------------------------------

    def add(self, vectors: np.ndarray, rows: pa.Table | list[dict[str, object]]) -> None:
        """Add or replace postings (same job_id = update) without rebuilding."""
        from jobsearch.index.turnover import add

        with self._write:
            self._view = add(self._view, self._queries(vectors), rows)
        self._publish_metrics()

    def remove(self, job_ids: Sequence[str]) -> int:
        """Tombstone postings; returns how many were live."""
        from jobsearch.index.turnover import remove

        with self._write:
            self._view, n = remove(self._view, list(job_ids))
        self._publish_metrics()
        return n

    def compact(self, out_dir: Path | None = None, *, background: bool = False) -> Path | threading.Thread:
        """Write base + delta - tombstones as a new shard set and swap to it; changes made
        while it runs are replayed onto the new set."""
        if background:
            t = threading.Thread(target=self._compact, args=(out_dir,), daemon=True, name="index-compaction")
            t.start()
            return t
        return self._compact(out_dir)

    def _compact(self, out_dir: Path | None) -> Path:
        from jobsearch.errors import JobSearchError
        from jobsearch.index.turnover import compacted_set, replay

        snapshot = self._view
        target = Path(out_dir) if out_dir is not None else (self._root or snapshot.base.path.parent)
        fresh = compacted_set(snapshot, target)
        with self._write:
            current = self._view
            if current.base is not snapshot.base:
                raise JobSearchError("the index swapped to another set during compaction; compaction dropped")
            self._previous, self._view = current, replay(View(base=fresh), current.log[len(snapshot.log):])
        if self._root is not None and target.resolve() == Path(self._root).resolve():
            layout.point_to(self._root, fresh.path)
        self._publish_metrics(activated=True)
        return fresh.path

    def _publish_metrics(self, *, activated: bool = False) -> None:
        from jobsearch.metrics import INDEX_ACTIVATED, INDEX_ROWS, INDEX_VERSION

        INDEX_ROWS.set(self.rows)
        INDEX_VERSION.info({"version": self.version, "model_id": self.model_id})
        if activated:
            INDEX_ACTIVATED.set(time.time())


def _records_of(view: View, where: list[tuple[int, np.ndarray]], order: np.ndarray) -> list[dict[str, object]]:
    """Records of the merged top-k from the snapshot that scored them: one take per segment."""
    seg_of = np.concatenate([np.full(len(rows), i) for i, rows in where]) if where else np.zeros(0, int)
    row_of = np.concatenate([rows for _, rows in where]) if where else np.zeros(0, int)
    out: list[dict[str, object] | None] = [None] * len(order)
    chosen_seg, chosen_row = seg_of[order], row_of[order]
    for i in np.unique(chosen_seg):
        at = np.flatnonzero(chosen_seg == i)
        for pos, rec in zip(at, view.segments[int(i)].records_at(chosen_row[at].tolist()), strict=True):
            out[int(pos)] = rec
    return out  # type: ignore[return-value]  # every position was filled above


def _observe_selectivity(matching: int, view: View) -> None:
    from jobsearch.metrics import FILTER_SELECTIVITY

    total = sum(s.rows for s in view.segments)
    if total:
        FILTER_SELECTIVITY.observe(matching / total)
