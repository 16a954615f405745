"""Compaction with the store: fold a following index's delta into a new verified shard set
(embedded `serve`), or build a shard set from a store snapshot (the cluster's scheduled
compaction, `jobsearch postings compact`). Either way the new set carries the change-log
position it includes, so whoever serves it next replays only what came after."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from jobsearch.errors import JobSearchError
from jobsearch.failpoints import failpoint
from jobsearch.store.follower import posting_rows
from jobsearch.store.sql import SqlStore, now_ms
from jobsearch.store.watermark import write_watermark

if TYPE_CHECKING:
    from jobsearch.index import FlatIndex
    from jobsearch.store.follower import Follower


def compact_following(index: FlatIndex, follower: Follower) -> Path:
    """Compact `index` (FlatIndex.compact: changes applied meanwhile are replayed onto the
    new set before it serves) and record the new set's watermark. The watermark is the
    follower's position *before* the snapshot, never after it: replaying a little more on
    the next start is harmless, skipping a change would not be."""
    with follower.paused() as seq:
        follower.compacting = True
    try:
        new_dir = index.compact()
        assert isinstance(new_dir, Path)
        follower.now_serving(new_dir)
    finally:
        follower.compacting = False
    failpoint("compact:after_activate")
    write_watermark(new_dir, follower.store.store_id, seq)
    failpoint("compact:after_watermark")
    return new_dir


def build_from_store(store: SqlStore, root: Path, *, model_id: str, shards: int = 1, dtype: str = "float16",
                     activate: bool = False) -> Path:
    """A new shard set under `root` holding every live posting of one store snapshot, with
    the stored vectors (no encoding) and the snapshot's watermark written before it is
    (optionally) activated. Postings embedded by another model are refused."""
    from jobsearch.index.build import build_from_arrays
    from jobsearch.index.layout import point_to
    from jobsearch.index.segment import records_table

    head, chunks = store.snapshot()
    now = now_ms()
    vecs: list[np.ndarray] = []
    tables: list[pa.Table] = []
    for part in chunks:
        live = [r for r in part if r.live(now)]
        wrong = [r.job_id for r in live if r.model_id != model_id]
        if wrong:
            raise JobSearchError(f"{len(wrong)} stored postings were embedded by another model than {model_id!r} "
                                 f"(e.g. {wrong[:3]}); re-import them with the current encoder")
        if live:
            vecs.append(np.stack([r.vector_array() for r in live]).astype(np.float32))
            tables.append(records_table(posting_rows(live)))
    if not vecs:
        raise JobSearchError(f"the store {store.describe()} holds no live postings: nothing to build")
    new_dir = build_from_arrays(root, np.concatenate(vecs), pa.concat_tables(tables), model_id=model_id,
                                shards=shards, dtype=dtype, activate=False)
    failpoint("compact:after_build")
    write_watermark(new_dir, store.store_id, head)
    failpoint("compact:after_watermark")
    if activate:
        point_to(root, new_dir)
        failpoint("compact:after_activate")
    return new_dir
