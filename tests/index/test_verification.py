"""Verification that catches what a buggy builder writes: each case damages a real set the
way a builder would (well-formed files, checksums recomputed) and `load_set` must refuse it.
Also: a set whose files changed size is refused before anything is mapped."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from index_fixtures import clustered, make_rows

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import build_from_arrays
from jobsearch.index.layout import sha256_file
from jobsearch.index.shardset import changed_files, load_set

ROWS = make_rows(2000, seed=5)
VECS = clustered(2000, seed=5)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("verify")
    return build_from_arrays(root, VECS, ROWS, model_id="m", shards=2, activate=False)


@pytest.fixture()
def fresh(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / pristine.name
    shutil.copytree(pristine, copy)
    for p in copy.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    return copy


def rewrite(set_dir: Path, shard: str, name: str, edit: Callable[[np.ndarray], np.ndarray]) -> None:
    """What a buggy builder does: write a well-formed file and record its real checksum."""
    path = set_dir / shard / name
    np.save(path, edit(np.load(path)), allow_pickle=False)
    manifest = json.loads((set_dir / "manifest.json").read_text())
    for s in manifest["shards"]:
        if s["name"] == shard:
            s["files"][name] = sha256_file(path)
    (set_dir / "manifest.json").write_text(json.dumps(manifest))


def test_a_good_set_passes(fresh: Path) -> None:
    s = load_set(fresh)
    assert s.rows == 2000 and changed_files(s) == []


def test_500_zeroed_vectors_are_refused(fresh: Path) -> None:
    def zero(v: np.ndarray) -> np.ndarray:
        v = v.copy()
        v[np.random.default_rng(0).choice(len(v), 500, replace=False)] = 0
        return v

    rewrite(fresh, "shard-001", "vectors.npy", zero)
    with pytest.raises(CorruptShardSetError, match="500 of 1000 vectors are not unit length"):
        load_set(fresh)


def test_non_unit_vectors_are_refused(fresh: Path) -> None:
    rewrite(fresh, "shard-000", "vectors.npy", lambda v: (v.astype(np.float32)[:] * 0.5).astype(np.float16))
    with pytest.raises(CorruptShardSetError, match="not unit length"):
        load_set(fresh)


def test_a_workplace_column_saying_remote_everywhere_is_refused(fresh: Path) -> None:
    from jobsearch.schema import WORKPLACES

    remote = WORKPLACES.index("remote")
    rewrite(fresh, "shard-000", "col.workplace.npy", lambda c: np.full_like(c, remote))
    with pytest.raises(CorruptShardSetError, match="column workplace disagrees with the records"):
        load_set(fresh)


def test_one_wrong_salary_is_refused(fresh: Path) -> None:
    def bump(c: np.ndarray) -> np.ndarray:
        c = c.copy()
        i = int(np.flatnonzero(~np.isnan(c))[-1])
        c[i] *= 2
        return c

    rewrite(fresh, "shard-001", "col.salary_usd.npy", bump)
    with pytest.raises(CorruptShardSetError, match="column salary_usd disagrees .* in 1 of 1000 rows"):
        load_set(fresh)


def test_shifted_location_codes_are_refused(fresh: Path) -> None:
    rewrite(fresh, "shard-000", "col.loc_codes.npy", lambda c: np.roll(c, 1))
    with pytest.raises(CorruptShardSetError, match="column location_ids disagrees"):
        load_set(fresh)


def test_a_truncated_file_is_refused_before_mapping(fresh: Path) -> None:
    """A served file cut short is refused by the cheap size check (verify=False path) that
    runs before anything is mapped, and `changed_files` names it on a loaded set."""
    loaded = load_set(fresh, verify=False)
    path = fresh / "shard-000" / "vectors.npy"
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size - 4096)
    assert changed_files(loaded) == ["shard-000/vectors.npy"]
    with pytest.raises(CorruptShardSetError, match="its header needs .* \\(file changed\\)"):
        load_set(fresh, verify=False)


def test_published_files_are_read_only(pristine: Path) -> None:
    modes = {p.stat().st_mode & 0o222 for p in pristine.rglob("*") if p.is_file()}
    assert modes == {0}


@pytest.mark.slow
def test_vectors_that_do_not_match_their_postings_are_refused(demo_home: Path, tmp_path: Path) -> None:
    """With the real encoder at hand: rows swapped against their records (still unit
    vectors, still self-consistent) fail the re-encoding check; the intact set passes."""
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.layout import active_set

    encoder = default_encoder()
    copy = tmp_path / "set-copy"
    shutil.copytree(active_set(demo_home / "index"), copy)
    for p in copy.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    load_set(copy, encoder=encoder)
    rewrite(copy, "shard-000", "vectors.npy", lambda v: np.roll(v, 7, axis=0))
    with pytest.raises(CorruptShardSetError, match="differ from a re-encoding"):
        load_set(copy, encoder=encoder)
