"""The posting store on SQLite and on a real PostgreSQL: versions that only grow, idempotent
retries, external versions, deletes kept as tombstones, expiry, a change log in commit
order, snapshots, consumers; concurrent writers on one job id (last version wins)."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from jobsearch.store import open_store
from jobsearch.store.base import Upsert, vector_bytes


def up(job_id: str, title: str = "a", *, version: int | None = None, valid_through: int | None = None,
       vector: bool = True, text: str | None = None) -> Upsert:
    vec = vector_bytes(np.full(4, len(title), dtype=np.float32)) if vector else None
    return Upsert(job_id, json.dumps({"job_id": job_id, "title": title}), text or f"sha-{title}", "m1", vec,
                  valid_through_ms=valid_through, version=version)


def test_versions_grow_and_retries_are_idempotent(store) -> None:  # type: ignore[no-untyped-def]
    r = store.upsert([up("a"), up("b")])
    assert [(x.status, x.version) for x in r] == [("created", 1), ("created", 1)]
    assert r[1].seq == r[0].seq + 1
    again = store.upsert([up("a")])
    assert again[0].status == "unchanged" and again[0].version == 1 and again[0].seq is None
    upd = store.upsert([up("a", "b")])
    assert upd[0].status == "updated" and upd[0].version == 2
    assert json.loads(store.get("a").posting)["title"] == "b"
    assert store.head() == upd[0].seq


def test_delete_keeps_a_tombstone_and_versions_keep_growing(store) -> None:  # type: ignore[no-untyped-def]
    store.upsert([up("a")])
    d = store.delete(["a", "nope"])
    assert [(x.status, x.version) for x in d] == [("deleted", 2), ("not_found", 0)]
    assert store.delete(["a"])[0].status == "not_found"  # a retried delete is harmless
    row = store.get("a")
    assert row.deleted and row.posting is None and row.vector is None
    again = store.upsert([up("a", "c")])
    assert again[0].status == "created" and again[0].version == 3
    assert [c.op for c in store.changes(0)] == ["upsert", "delete", "upsert"]


def test_external_versions_refuse_older_writes(store) -> None:  # type: ignore[no-untyped-def]
    assert store.upsert([up("a", version=10)])[0].version == 10
    stale = store.upsert([up("a", "old", version=7)])[0]
    assert stale.status == "conflict" and "not above" in stale.reason and stale.version == 10
    assert store.upsert([up("a", version=10)])[0].status == "unchanged"  # the same write retried
    assert store.upsert([up("a", "new", version=10)])[0].status == "conflict"
    assert store.upsert([up("a", "new", version=11)])[0].version == 11
    assert store.delete(["a"], versions=[11])[0].status == "conflict"
    assert store.delete(["a"], versions=[12])[0].version == 12


def test_vectorless_update_needs_the_same_stored_text(store) -> None:  # type: ignore[no-untyped-def]
    store.upsert([up("a", "x", text="t1")])
    keep = store.upsert([up("a", "y", text="t1", vector=False)])[0]
    assert keep.status == "updated" and store.get("a").vector is not None
    other = store.upsert([up("a", "z", text="t2", vector=False)])[0]
    assert other.status == "conflict" and "send the vector" in other.reason
    assert store.upsert([up("new", vector=False)])[0].status == "conflict"


def test_expiry_sweep(store) -> None:  # type: ignore[no-untyped-def]
    store.upsert([up("old", valid_through=1_000), up("later", valid_through=10**15), up("forever")])
    assert store.count() == {"live": 3, "deleted": 0, "expiring": 2}
    swept = store.expire(now=5_000)
    assert [(x.job_id, x.status) for x in swept] == [("old", "deleted")]
    assert store.changes(0)[-1].op == "expire"
    assert store.expire(now=5_000) == []
    assert dict(store.expiring()) == {"later": 10**15}
    assert not store.get("old").live(5_000) and store.get("later").live(5_000)


def test_change_log_snapshot_consumers_and_prune(store) -> None:  # type: ignore[no-untyped-def]
    store.upsert([up(f"j{i}") for i in range(7)])
    store.delete(["j3"])
    log = store.changes(0)
    assert [c.seq for c in log] == list(range(1, 9))
    assert [c.seq for c in store.changes(5, 2)] == [6, 7]
    head, chunks = store.snapshot(batch=4)
    rows = [r for part in chunks for r in part]
    assert head == 8 and sorted(r.job_id for r in rows) == sorted(f"j{i}" for i in range(7) if i != 3)
    store.set_consumer("follower-a", 5)
    assert store.consumers()["follower-a"][0] == 5
    assert store.prune(5) == 5 and store.changes(0)[0].seq == 6
    assert store.store_id and open_store(store.location).store_id == store.store_id


def test_concurrent_writers_on_one_job_id_last_version_wins(store) -> None:  # type: ignore[no-untyped-def]
    """8 writers race on one id; versions are unique and gap-free, and the stored posting is
    the one of the highest version, the last one committed."""
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        for i in range(15):
            title = f"w{w}-{i}"
            r = store.upsert([up("hot", title)])[0]
            with lock:
                results.append((r.version, title))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    versions = sorted(v for v, _ in results)
    assert versions == list(range(1, 121))
    last = max(results)
    row = store.get("hot")
    assert row.version == 120 and json.loads(row.posting)["title"] == last[1]
    log = [c for c in store.changes(0) if c.job_id == "hot"]
    assert [c.version for c in log] == list(range(1, 121))  # commit order is version order


def test_concurrent_external_versions_never_go_back(store) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    versions = rng.permutation(np.arange(1, 81)).tolist()
    chunks = [versions[i::6] for i in range(6)]

    def writer(mine: list[int]) -> None:
        for v in mine:
            store.upsert([up("ext", f"v{v}", version=int(v))])

    threads = [threading.Thread(target=writer, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    row = store.get("ext")
    assert row.version == 80 and json.loads(row.posting)["title"] == "v80"
    seen = [c.version for c in store.changes(0)]
    assert seen == sorted(seen)  # the log never records an older version after a newer one


def test_a_bad_location_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from jobsearch.errors import JobSearchError

    with pytest.raises(JobSearchError, match="cannot connect") as err:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(err.value)  # a DSN's password never reaches a message
