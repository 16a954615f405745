"""Online add / update / remove, compaction with replay, and hot swap under concurrent
queries (every answer checked against the version it came from)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from index_fixtures import NOW, clustered, make_rows, unit

from jobsearch.filtering import violations
from jobsearch.index import FlatIndex, build_from_arrays
from jobsearch.schema import Filters

ROWS = make_rows(1200, seed=31)
VECS = clustered(1200, seed=31)


@pytest.fixture()
def index(tmp_path: Path) -> FlatIndex:
    build_from_arrays(tmp_path, VECS, ROWS, model_id="m", shards=2)
    return FlatIndex.open(tmp_path)


def test_add_update_remove(index: FlatIndex) -> None:
    new_rows = make_rows(50, seed=32, prefix="new")
    new_vecs = clustered(50, seed=32)
    index.add(new_vecs, new_rows)
    assert index.rows == 1250
    hit = index.search(new_vecs[7], Filters(), 1, now=NOW)[0]
    assert hit.job_ids == ["new-7"] and hit.scores[0] == pytest.approx(1.0, abs=1e-3)
    # Update: same id, new vector and attributes; the old row is tombstoned.
    changed = dict(ROWS[3], workplace="remote", remote_share=1.0)
    target = unit(np.random.default_rng(1).standard_normal(VECS.shape[1]))
    index.add(target[None], [changed])
    assert index.rows == 1250
    top = index.search(target, Filters(workplace=["remote"]), 1, now=NOW)[0]
    assert top.job_ids == [ROWS[3]["job_id"]] and index.records([ROWS[3]["job_id"]])[0]["workplace"] == "remote"
    assert index.search(VECS[3], Filters(), 3, now=NOW)[0].scores[0] < 0.999  # old vector is gone
    assert index.remove([ROWS[0]["job_id"], "new-7", "unknown"]) == 2
    assert index.rows == 1248
    ids = {j for h in index.search(VECS[:40], Filters(), 20, now=NOW) for j in h.job_ids}
    assert ROWS[0]["job_id"] not in ids and "new-7" not in ids
    assert index.count(Filters(), now=NOW) == 1248
    table = index.records_table()
    assert table.num_rows == 1248 and ROWS[0]["job_id"] not in set(table.column("job_id").to_pylist())
    assert index.column("salary_usd").shape == (1248,)
    # An updated posting lives in the delta only: removing it leaves no row behind anywhere.
    assert index.remove([ROWS[3]["job_id"]]) == 1
    assert index.remove([ROWS[3]["job_id"]]) == 0
    assert index.rows == 1247 and ROWS[3]["job_id"] not in set(index.records_table().column("job_id").to_pylist())


def test_compaction_folds_delta_and_replays_concurrent_changes(index: FlatIndex, tmp_path: Path) -> None:
    index.add(clustered(30, seed=33), make_rows(30, seed=33, prefix="d"))
    index.remove([r["job_id"] for r in ROWS[:100]])
    q = unit(np.random.default_rng(2).standard_normal((5, VECS.shape[1])))
    before = [h.job_ids for h in index.search(q, Filters(), 10, now=NOW)]
    old_set = index.set_dir
    new_dir = index.compact()
    assert index.set_dir == new_dir != old_set and index.rows == 1130
    assert not index.view.delta and all(d is None for d in index.view.dead)
    assert [h.job_ids for h in index.search(q, Filters(), 10, now=NOW)] == before
    # Changes made while a background compaction runs survive it.
    t = index.compact(background=True)
    index.remove(["d-1"])
    t.join()  # type: ignore[union-attr]
    assert "d-1" not in {j for h in index.search(q, Filters(), 1200, now=NOW) for j in h.job_ids}


@pytest.mark.slow
def test_swap_under_concurrent_queries(tmp_path: Path) -> None:
    """Readers query non-stop while the active set swaps back and forth; every answer must
    be exactly one version's answer (never a mix) and never violate the filter."""
    versions = {}
    for v in range(2):
        rows = make_rows(1500, seed=40 + v, prefix=f"v{v}")
        vecs = clustered(1500, seed=40 + v)
        d = build_from_arrays(tmp_path, vecs, rows, model_id="m", shards=2, activate=(v == 0))
        versions[d] = (vecs, rows)
    idx = FlatIndex.open(tmp_path)
    f = Filters(workplace=["remote", "hybrid"])
    qs = unit(np.random.default_rng(5).standard_normal((16, VECS.shape[1])))
    expected = {}
    for d, (vecs, rows) in versions.items():
        ok = np.array([not violations(r, f, now=NOW) for r in rows])
        s = qs @ vecs.astype(np.float16).astype(np.float32).T
        s[:, ~ok] = -np.inf
        expected[d] = [[rows[i]["job_id"] for i in np.argsort(-s[j], kind="stable")[:10]] for j in range(16)]
    errors: list[str] = []
    answered = [0]
    stop = threading.Event()

    def reader(seed: int) -> None:
        rng = np.random.default_rng(seed)
        while not stop.is_set():
            j = int(rng.integers(16))
            try:
                got = idx.search(qs[j], f, 10, now=NOW)[0].job_ids
            except Exception as exc:  # noqa: BLE001 - any failure is a test failure
                errors.append(repr(exc))
                continue
            if not any(set(got) == set(exp[j]) for exp in expected.values()):
                errors.append(f"query {j}: mixed or wrong answer {got}")
            answered[0] += 1

    threads = [threading.Thread(target=reader, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    sets = list(versions)
    for i in range(20):
        idx.swap(sets[(i + 1) % 2])
    while answered[0] < 2000 and not errors:
        threading.Event().wait(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors[:5]
    assert answered[0] >= 2000
