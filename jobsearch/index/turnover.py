"""Online turnover: postings added or updated go to small delta segments, removals become
tombstones, and compaction folds everything into a new shard set. Every function returns
a new `View`; nothing a reader holds is ever modified in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from jobsearch.errors import InvalidPostingError
from jobsearch.failpoints import failpoint
from jobsearch.index.segment import Segment, records_table
from jobsearch.index.shardset import ShardSet
from jobsearch.index.view import View


def _tombstone(view: View, job_ids: list[str]) -> tuple[list[np.ndarray | None], int]:
    """Dead-row arrays with `job_ids` marked (copy on write); how many were live.
    A posting is live in exactly one segment (an update tombstones the old row), so the
    order is free: the base goes first because most removals are there, and the delta's
    id map is then not even built when nothing is left to look for."""
    segs = view.segments
    dead: list[np.ndarray | None] = [view.dead_of(i) for i in range(len(segs))]
    pending = list(dict.fromkeys(job_ids))
    n = 0
    for i in range(len(segs)):
        if not pending:
            break
        rows = segs[i].rows_of(pending)
        hit = rows >= 0
        if dead[i] is not None:
            hit[hit] = ~dead[i][rows[hit]]  # type: ignore[index]
        if hit.any():
            d = np.zeros(segs[i].rows, dtype=bool) if dead[i] is None else dead[i].copy()  # type: ignore[union-attr]
            d[rows[hit]] = True
            dead[i] = d
            n += int(hit.sum())
            pending = [j for j, h in zip(pending, hit, strict=True) if not h]
    return dead, n


def add(view: View, vectors: np.ndarray, rows: pa.Table | list[dict[str, object]]) -> View:
    table = records_table(rows)
    if vectors.shape[0] != table.num_rows:
        raise ValueError(f"{vectors.shape[0]} vectors for {table.num_rows} postings")
    ids = table.column("job_id").to_pylist()
    if len(set(ids)) != len(ids):
        raise InvalidPostingError("duplicate job_id in one add() batch")
    if not ids:
        return view
    dead, _ = _tombstone(view, ids)  # an existing id is an update: retire the old row
    seg = Segment.from_arrays(vectors, table, dtype="float16", name=f"delta-{len(view.delta)}")
    return _merge_tail(View(base=view.base, delta=view.delta + (seg,), dead=tuple(dead) + (None,),
                            log=view.log + (("add", (vectors, table)),)))


# Delta segments are merged like a binary counter: the newest two become one while the older
# holds at most twice the newer's live rows. A stream of small adds then keeps O(log n)
# segments (each costs a plan and a scan per query) for O(log n) re-merges per row, and
# the contents (and the log compaction replays) do not change.
MERGE_RATIO = 2
MAX_DELTA_SEGMENTS = 16


def _live(seg: Segment, dead: np.ndarray | None) -> int:
    return seg.rows - (0 if dead is None else int(np.count_nonzero(dead)))


def _merge_tail(view: View) -> View:
    nb = len(view.base.segments)
    delta = list(view.delta)
    dead = [view.dead_of(i) for i in range(nb + len(delta))]
    merged = False
    while len(delta) >= 2:
        older, newer = delta[-2], delta[-1]
        d_old, d_new = dead[-2], dead[-1]
        if _live(older, d_old) > MERGE_RATIO * _live(newer, d_new) and len(delta) <= MAX_DELTA_SEGMENTS:
            break
        vecs, tables = [], []
        for seg, d in ((older, d_old), (newer, d_new)):
            keep = None if d is None else ~d
            v = np.asarray(seg.vectors.view(np.float16))
            vecs.append(v if keep is None else v[keep])
            tables.append(seg.records_table if keep is None else seg.records_table.filter(pa.array(keep)))
        seg = Segment.from_arrays(np.concatenate(vecs), pa.concat_tables(tables), dtype="float16",
                                  name=f"delta-{len(delta) - 2}")
        delta[-2:] = [seg]
        dead[-2:] = [None]
        merged = True
    if not merged:
        return view
    return View(base=view.base, delta=tuple(delta), dead=tuple(dead), log=view.log)


def remove(view: View, job_ids: list[str]) -> tuple[View, int]:
    dead, n = _tombstone(view, job_ids)
    return View(base=view.base, delta=view.delta, dead=tuple(dead), log=view.log + (("remove", job_ids),)), n


def replay(view: View, entries: tuple[tuple[str, object], ...]) -> View:
    for kind, payload in entries:
        if kind == "add":
            pair: tuple[np.ndarray, pa.Table] = payload  # type: ignore[assignment]
            view = add(view, pair[0], pair[1])
        else:
            view, _ = remove(view, payload)  # type: ignore[arg-type]
    return view


def live_arrays(view: View) -> tuple[np.ndarray, pa.Table]:
    """fp16 vectors and records of every live row, base shards then delta."""
    vecs, tables = [], []
    for i, seg in enumerate(view.segments):
        keep = None if view.dead_of(i) is None else ~view.dead_of(i)  # type: ignore[operator]
        v = seg.fp16 if seg.fp16 is not None else seg.vectors.view(np.float16)
        vecs.append(np.asarray(v) if keep is None else np.asarray(v)[keep])
        tables.append(seg.records_table if keep is None else seg.records_table.filter(pa.array(keep)))
    return np.concatenate(vecs), pa.concat_tables(tables)


def compacted_set(view: View, target: Path) -> ShardSet:
    """Write the live rows of `view` as a new shard set under the index root `target`
    (not activated) and load it verified. `FlatIndex.compact` swaps to it."""
    from jobsearch.index.build import build_from_arrays
    from jobsearch.index.shardset import load_set

    base = view.base
    vectors, table = live_arrays(view)
    new_dir = build_from_arrays(
        target, vectors, table, model_id=base.manifest.model_id, shards=len(base.segments),
        dtype=base.manifest.dtype, activate=False, verify=False,
    )
    fresh = load_set(new_dir, verify=True, expect_dim=base.dim)
    failpoint("compact:after_build")
    return fresh
