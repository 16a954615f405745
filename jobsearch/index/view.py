"""`View`: one immutable snapshot of an index (base shard set + delta segments +
tombstones + the mutations since the base). `FlatIndex` publishes views; `turnover`
derives new ones from old; neither reaches into the other's state."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jobsearch.index.segment import Segment
from jobsearch.index.shardset import ShardSet


@dataclass(frozen=True)
class View:
    base: ShardSet
    delta: tuple[Segment, ...] = ()
    dead: tuple[np.ndarray | None, ...] = ()  # tombstones, aligned with `segments`
    log: tuple[tuple[str, object], ...] = field(default=())  # mutations since `base` (for compaction)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.base.segments + self.delta

    def dead_of(self, i: int) -> np.ndarray | None:
        return self.dead[i] if i < len(self.dead) else None

    @property
    def live_rows(self) -> int:
        total = 0
        for i, seg in enumerate(self.segments):
            dead = self.dead_of(i)
            total += seg.rows - (0 if dead is None else int(np.count_nonzero(dead)))
        return total
