"""The change-log follower against a real FlatIndex and both stores: adoption of a set into
an empty store, upserts/updates/deletes becoming searchable, expiry leaving the index when
due, restart from the set's watermark, compaction with a watermark, shard ownership."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from store_fixtures import MODEL, build_index, posting, unit_vectors, upsert

from jobsearch.index import FlatIndex
from jobsearch.schema import Filters
from jobsearch.store import open_store
from jobsearch.store.follower import Follower
from jobsearch.store.sql import now_ms
from jobsearch.store.watermark import read_watermark


def top1(index: FlatIndex, vector: np.ndarray) -> str | None:
    hits = index.search(vector[None].astype(np.float32), Filters(), 1)[0]
    return hits.job_ids[0] if len(hits.job_ids) else None


def live_ids(index: FlatIndex) -> set[str]:
    return set(index.records_table().column("job_id").to_pylist())


@pytest.fixture
def served(tmp_path: Path, store_location: str):  # type: ignore[no-untyped-def]
    root = tmp_path / "index"
    build_index(root, 40)
    store = open_store(store_location)
    index = FlatIndex.open(root)
    follower = Follower(store, index)
    follower.attach()
    yield root, store, index, follower
    store.close()


def test_an_empty_store_adopts_the_served_set(served) -> None:  # type: ignore[no-untyped-def]
    root, store, index, follower = served
    assert store.count()["live"] == 40 and follower.applied == store.head() == 40
    assert read_watermark(index.set_dir, store.store_id) == 40
    assert follower.step() == 0 and index.rows == 40  # nothing replayed onto itself


def test_writes_become_searchable_and_deletes_disappear(served) -> None:  # type: ignore[no-untyped-def]
    _, store, index, follower = served
    v = unit_vectors(3, seed=99)
    store.upsert([upsert(posting(100, title="Brand new role"), v[0])])
    assert follower.step() == 1
    assert top1(index, v[0]) == "job-100" and index.records(["job-100"])[0]["title"] == "Brand new role"
    store.upsert([upsert(posting(100, title="Renamed role"), v[1])])
    follower.step()
    assert index.records(["job-100"])[0]["title"] == "Renamed role" and index.rows == 41
    assert top1(index, v[1]) == "job-100"
    store.delete(["job-100", "job-3"])
    follower.step()
    assert "job-100" not in live_ids(index) and "job-3" not in live_ids(index) and index.rows == 39
    assert top1(index, v[1]) != "job-100"


def test_expired_postings_leave_the_index_when_due(served) -> None:  # type: ignore[no-untyped-def]
    _, store, index, follower = served
    v = unit_vectors(1, seed=5)[0]
    due = now_ms() + 1500
    store.upsert([upsert(posting(200), v, valid_through_ms=due)])
    store.upsert([upsert(posting(201), v, valid_through_ms=now_ms() - 1)])  # already past: never added
    follower.step()
    if now_ms() < due - 100:  # (a very busy machine may already be past it)
        assert "job-200" in live_ids(index)
    assert "job-201" not in live_ids(index)
    time.sleep(max(0, due - now_ms()) / 1000 + 0.05)
    follower.step()
    assert "job-200" not in live_ids(index)
    assert {r.job_id for r in store.expire()} == {"job-200", "job-201"}
    follower.step()
    assert "job-200" not in live_ids(index)


def test_restart_replays_from_the_set_watermark(served, store_location: str) -> None:  # type: ignore[no-untyped-def]
    root, store, index, follower = served
    v = unit_vectors(5, seed=7)
    store.upsert([upsert(posting(300 + i), v[i]) for i in range(5)])
    store.delete(["job-0"])
    follower.step()
    want = live_ids(index)
    again = FlatIndex.open(root)  # a restarted process: the set on disk, no delta
    assert "job-300" not in live_ids(again)
    second = Follower(open_store(store_location), again)
    assert second.attach() == 40  # the set's watermark
    second.step()
    assert live_ids(again) == want


def test_compaction_records_a_watermark_and_keeps_every_change(served, store_location: str) -> None:  # type: ignore[no-untyped-def]
    from jobsearch.store.compaction import compact_following

    root, store, index, follower = served
    v = unit_vectors(4, seed=8)
    store.upsert([upsert(posting(400 + i), v[i]) for i in range(4)])
    store.delete(["job-1"])
    follower.step()
    new_set = compact_following(index, follower)
    assert index.set_dir == new_set and len(index.view.delta) == 0
    assert read_watermark(new_set, store.store_id) == store.head()
    store.upsert([upsert(posting(500), v[0])])
    follower.step()
    want = live_ids(index)
    restarted = FlatIndex.open(root)
    assert restarted.set_dir.name == new_set.name
    f2 = Follower(open_store(store_location), restarted)
    f2.attach()
    f2.step()
    assert live_ids(restarted) == want and "job-500" in want and "job-1" not in want


def test_a_vector_of_another_model_is_not_applied(served) -> None:  # type: ignore[no-untyped-def]
    _, store, index, follower = served
    store.upsert([upsert(posting(600), unit_vectors(1, 1)[0], model_id="other-model")])
    follower.step()
    assert "job-600" not in live_ids(index)


def test_a_shard_adds_only_the_ids_it_owns(tmp_path: Path, store_location: str) -> None:
    root = tmp_path / "index"
    build_index(root, 10)
    store = open_store(store_location)
    index = FlatIndex.open(root)
    Follower(store, index).attach()  # adopts the 10 rows
    shard = FlatIndex.open(root)
    f = Follower(store, shard, name="shard-0", owns=lambda job_id: job_id.endswith(("0", "2", "4", "6", "8")))
    f.attach()
    v = unit_vectors(2, 3)
    store.upsert([upsert(posting(700), v[0]), upsert(posting(701), v[1])])
    store.upsert([upsert(posting(3, title="moved"), v[1])])  # lives here but belongs to another shard now
    f.step()
    ids = live_ids(shard)
    assert "job-700" in ids and "job-701" not in ids and "job-3" not in ids
    store.close()


def test_many_small_adds_keep_few_delta_segments(served) -> None:  # type: ignore[no-untyped-def]
    _, store, index, follower = served
    v = unit_vectors(200, seed=11)
    for i in range(200):
        store.upsert([upsert(posting(1000 + i), v[i])])
        follower.step()
    assert index.rows == 240 and len(index.view.delta) <= 9
    assert all(top1(index, v[i]) == f"job-{1000 + i}" for i in (0, 77, 199))
    assert index.view.base.manifest.model_id == MODEL


def test_writes_before_adoption_are_kept_and_the_rest_loaded(tmp_path: Path, store_location: str) -> None:
    """A store that already holds changes (an update of a set posting, a delete, a new one)
    adopts the rest of the set and the index shows the store's version of each."""
    root = tmp_path / "index"
    build_index(root, 12)
    store = open_store(store_location)
    v = unit_vectors(2, 21)
    store.upsert([upsert(posting(2, title="Changed before adoption"), v[0]), upsert(posting(900), v[1])])
    store.upsert([upsert(posting(5), v[0])])
    store.delete(["job-5"])
    index = FlatIndex.open(root)
    f = Follower(store, index)
    f.attach()
    assert store.count()["live"] == 12 and f.needs_compaction  # 10 loaded + job-2 + job-900; job-5 deleted
    assert read_watermark(index.set_dir, store.store_id) is None
    assert index.records(["job-2"])[0]["title"] == "Changed before adoption"
    assert "job-900" in live_ids(index) and "job-5" not in live_ids(index)
    assert f.step() == 0
    store.close()


def test_a_foreign_swap_is_followed_from_the_new_sets_watermark(served) -> None:  # type: ignore[no-untyped-def]
    """Another set becomes active (a rebuild from the store): the follower starts again
    from that set's watermark, so the changes after it are applied once more."""
    from jobsearch.store.compaction import build_from_store

    root, store, index, follower = served
    v = unit_vectors(2, 31)
    store.upsert([upsert(posting(800), v[0])])
    follower.step()
    rebuilt = build_from_store(store, root, model_id=MODEL)  # includes job-800
    store.upsert([upsert(posting(801), v[1])])  # after the rebuilt set's watermark
    index.swap(rebuilt)  # pending online changes are dropped by the swap
    follower.step()
    assert {"job-800", "job-801"} <= live_ids(index) and index.set_dir == rebuilt
