"""A shard server following the store: shard `i` of `n` adds the postings whose job id
hashes to it (`owner_shard`) and removes any posting it holds that changed elsewhere (an
updated posting moves to its hash shard). Each set the server is about to publish gets its
own follower, brought up to the store's head *before* it serves, so a swap never shows a
set without the changes made after its watermark."""

from __future__ import annotations

import logging
import zlib
from typing import TYPE_CHECKING

from jobsearch.store import open_store
from jobsearch.store.follower import Follower

if TYPE_CHECKING:
    from jobsearch.index import FlatIndex

log = logging.getLogger("jobsearch.store.shard")


def owner_shard(job_id: str, shards: int) -> int:
    """The shard a new or updated posting belongs to (stable across processes and versions)."""
    return zlib.crc32(job_id.encode("utf-8")) % shards


class ShardFollowing:
    def __init__(self, store_location: str, *, shard: int, shards: int, name: str) -> None:
        self.store = open_store(store_location)
        self.shard, self.shards, self.name = shard, shards, name
        self.current: Follower | None = None

    def prepare(self, index: FlatIndex) -> Follower:
        """A follower for `index`, caught up with the store (call before publishing it)."""
        f = Follower(self.store, index, name=f"{self.name}/shard-{self.shard}", adopt=False,
                     owns=lambda job_id: owner_shard(job_id, self.shards) == self.shard)
        f.attach()
        f.catch_up()
        return f

    def publish(self, follower: Follower) -> None:
        """Start following with the set just published; the previous set's follower stops."""
        old, self.current = self.current, follower.start()
        if old is not None:
            old.stop(timeout_s=5.0)
        log.info("shard %d/%d follows %s from seq %d", self.shard, self.shards, self.store.describe(),
                 follower.applied)
