"""Shard servers following the store: each shard adds only the postings that hash to it,
removes those that moved, and a set about to be published is caught up first; the shards
together serve exactly the store's live postings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from store_fixtures import MODEL, posting, unit_vectors, upsert

from jobsearch.index import FlatIndex
from jobsearch.index.layout import active_set
from jobsearch.index.shardset import load_set
from jobsearch.store import open_store
from jobsearch.store.compaction import build_from_store
from jobsearch.store.shard import ShardFollowing, owner_shard


def shard_index(root: Path, i: int) -> FlatIndex:
    whole = load_set(active_set(root))
    return FlatIndex(dataclasses.replace(whole, segments=(whole.segments[i],)))


def live(index: FlatIndex) -> set[str]:
    return set(index.records_table().column("job_id").to_pylist())


def test_shards_follow_their_own_rows(tmp_path: Path, store_location: str) -> None:
    store = open_store(store_location)
    v = unit_vectors(40, 4)
    store.upsert([upsert(posting(i), v[i]) for i in range(30)])
    build_from_store(store, tmp_path / "index", model_id=MODEL, shards=2, activate=True)
    store.upsert([upsert(posting(30 + i), v[30 + i]) for i in range(5)])  # after the set's watermark
    shards = []
    for i in range(2):
        following = ShardFollowing(store_location, shard=i, shards=2, name="jobs")
        index = shard_index(tmp_path / "index", i)
        following.publish(following.prepare(index))  # caught up before it serves
        shards.append((following, index))
    assert live(shards[0][1]) | live(shards[1][1]) == {f"job-{i}" for i in range(35)}
    store.upsert([upsert(posting(3, title="Moved"), v[0]), upsert(posting(99), v[1])])
    store.delete(["job-4"])
    for following, _ in shards:
        following.current.step()
    union = live(shards[0][1]) | live(shards[1][1])
    assert union == ({f"job-{i}" for i in range(35)} - {"job-4"}) | {"job-99"}
    assert not live(shards[0][1]) & live(shards[1][1])  # no posting on two shards
    owner = owner_shard("job-3", 2)
    assert "job-3" in live(shards[owner][1]) and "job-3" not in live(shards[1 - owner][1])
    assert shards[owner][1].records(["job-3"])[0]["title"] == "Moved"
    for following, _ in shards:
        following.current.stop()
        following.store.close()
    store.close()
