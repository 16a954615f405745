"""Verification before activation: damaged or partial sets are refused with a message that
names the problem, and the active set keeps serving; rollback is one call."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from index_fixtures import NOW, clustered, make_rows, unit

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import FlatIndex, build_from_arrays
from jobsearch.index.layout import ACTIVE, active_set, list_sets
from jobsearch.index.shardset import load_set
from jobsearch.schema import Filters

ROWS = make_rows(500, seed=21)
VECS = clustered(500, seed=21)


def fresh_set(root: Path, **kw: object) -> Path:
    return build_from_arrays(root, VECS, ROWS, model_id="m", shards=2, activate=False, **kw)  # type: ignore[arg-type]


def flip_byte(path: Path, offset: int = -3) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage, message", [
    (lambda s: flip_byte(s / "shard-001" / "vectors.npy"), "checksum mismatch"),
    (lambda s: flip_byte(s / "shard-000" / "col.posted_at.npy"), "checksum mismatch"),
    (lambda s: (s / "shard-000" / "records.arrow").unlink(), "missing"),
    (lambda s: (s / "manifest.json").unlink(), "manifest.json is missing"),
    (lambda s: (s / "manifest.json").write_text("{not json"), "unreadable manifest"),
    (lambda s: _edit_manifest(s, dim=16), "dim"),
    (lambda s: _edit_manifest(s, rows=499), "rows"),
    (lambda s: _edit_manifest(s, format_version=99), "format_version"),
    (lambda s: _edit_manifest(s, model_id=None), "model_id"),
])
def test_damaged_sets_are_refused(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    s = fresh_set(tmp_path)
    load_set(s)  # intact: fine
    damage(s)
    with pytest.raises(CorruptShardSetError, match=message):
        load_set(s)


def _edit_manifest(set_dir: Path, **changes: object) -> None:
    path = set_dir / "manifest.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_self_query_check_catches_zeroed_vectors(tmp_path: Path) -> None:
    s = fresh_set(tmp_path)
    path = s / "shard-000" / "vectors.npy"
    v = np.load(path)
    np.save(path, np.zeros_like(v))  # well-formed file, wrong content
    with pytest.raises(CorruptShardSetError):
        load_set(s)  # checksum first
    manifest = json.loads((s / "manifest.json").read_text())
    from jobsearch.index.layout import sha256_file

    manifest["shards"][0]["files"]["vectors.npy"] = sha256_file(path)
    (s / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CorruptShardSetError, match="not unit length"):
        load_set(s)


def test_swap_refuses_corrupt_set_and_keeps_serving(tmp_path: Path) -> None:
    good = build_from_arrays(tmp_path, VECS, ROWS, model_id="m")
    idx = FlatIndex.open(tmp_path)
    q = unit(np.random.default_rng(0).standard_normal((1, VECS.shape[1])))
    before = idx.search(q, Filters(), 5, now=NOW)[0].job_ids
    bad = fresh_set(tmp_path)
    flip_byte(bad / "shard-000" / "vectors.npy")
    with pytest.raises(CorruptShardSetError, match="checksum"):
        idx.swap(bad)
    other_dim = build_from_arrays(tmp_path / "other", unit(np.ones((500, 8))), ROWS, model_id="m")
    with pytest.raises(CorruptShardSetError, match="dim 8 differs"):
        idx.swap(other_dim)
    partial = fresh_set(tmp_path)
    shutil.rmtree(partial / "shard-001")
    with pytest.raises(CorruptShardSetError, match="missing"):
        idx.swap(partial)
    assert idx.set_dir == good and active_set(tmp_path) == good
    assert idx.search(q, Filters(), 5, now=NOW)[0].job_ids == before


def test_swap_then_rollback(tmp_path: Path) -> None:
    first = build_from_arrays(tmp_path, VECS, ROWS, model_id="m")
    idx = FlatIndex.open(tmp_path)
    rows2 = make_rows(300, seed=22, prefix="new")
    second = build_from_arrays(tmp_path, clustered(300, seed=22), rows2, model_id="m", activate=False)
    idx.swap(second)
    assert idx.rows == 300 and active_set(tmp_path) == second
    idx.rollback()
    assert idx.set_dir == first and idx.rows == 500 and active_set(tmp_path) == first
    # A second process opening the root follows the pointer; rollback from HISTORY works too.
    other = FlatIndex.open(tmp_path)
    (tmp_path / ACTIVE).write_text(second.name + "\n")
    assert other.refresh() and other.set_dir == second
    fresh = FlatIndex.open(tmp_path)
    fresh.rollback()
    assert fresh.set_dir == first
    assert len(list_sets(tmp_path)) == 2
