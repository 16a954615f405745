"""The catalog `index build` writes beside a shard set (companies, members reference, pay
statistics) reads back equal to the one derived from the open index, verified with the set:
a changed catalog file is refused."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from jobsearch.catalog import catalog_of, read_catalog
from jobsearch.errors import CorruptShardSetError
from jobsearch.index import FlatIndex
from jobsearch.index.layout import Manifest, active_set
from jobsearch.index.sidecar import CATALOG, PAYSTATS

QUERIES = [("median", "15-1252.00", ["5809844"], []), ("p75", None, [], ["US"]), ("median", "29-1141.00", [], []),
           ("p90", None, ["2950159"], ["DE"])]


def test_read_catalog_equals_the_catalog_of_the_open_index(demo_home: Path) -> None:
    index_dir, corpus = demo_home / "index", demo_home / "corpus"
    set_dir = active_set(index_dir)
    manifest = Manifest.read(set_dir)
    assert {CATALOG, PAYSTATS} <= set(manifest.files)
    got, want = read_catalog(index_dir, corpus), catalog_of(FlatIndex.open(index_dir), corpus)
    assert got.version == want.version == manifest.set_version
    assert got.companies == want.companies and got.members == want.members and got.members
    assert len(got.paystats) == len(want.paystats)
    for stat_name, occ, locs, countries in QUERIES:
        kw = {"occupation_code": occ, "location_ids": locs, "country_codes": countries}
        assert got.paystats.lookup(stat_name, **kw) == want.paystats.lookup(stat_name, **kw)


def test_a_changed_catalog_file_is_refused(demo_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "set"
    shutil.copytree(active_set(demo_home / "index"), copy)
    target = copy / CATALOG
    os.chmod(target, stat.S_IWUSR | stat.S_IRUSR)  # published sets are read-only
    target.write_text(target.read_text().replace('"staffing"', '"direct"', 1))
    with pytest.raises(CorruptShardSetError, match="checksum"):
        read_catalog(copy, None)
