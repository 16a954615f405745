"""What a query engine and a pipeline need besides their stages: the companies and pay
statistics of the served postings and the demo members. `read_catalog` reads them from
the files `index build` writes beside a shard set (the runtimes: no vectors, no records);
`catalog_of` derives them from an open index (the embedded pipeline, which holds one)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobsearch.schema import Company, Member

if TYPE_CHECKING:
    from jobsearch.index import FlatIndex
    from jobsearch.paystats import PayStats


@dataclass(frozen=True)
class Catalog:
    companies: list[Company]
    members: dict[str, Member]
    paystats: PayStats | None  # None: relative pay stays unresolved (`jobsearch parse` offline)
    version: str  # the shard set it was read from ("" when from a corpus alone)


log = logging.getLogger(__name__)


def read_catalog(index_dir: Path, corpus_dir: Path | None) -> Catalog:
    """The catalog of the active set under `index_dir` (an index root or a set folder),
    from its verified catalog files and manifest; members from `corpus_dir`. Sets built
    before catalogs were written are opened whole once, with a warning to rebuild."""
    from jobsearch.index.layout import Manifest, active_set
    from jobsearch.index.sidecar import has_sidecars, read_catalog_file, read_paystats

    set_dir = active_set(Path(index_dir))
    manifest = Manifest.read(set_dir)
    if not has_sidecars(manifest):
        from jobsearch.index import FlatIndex

        log.warning("%s has no catalog files (built by an older version): opening it whole; rebuild it",
                    set_dir.name)
        return catalog_of(FlatIndex.open(set_dir), corpus_dir)
    companies, members_ref = read_catalog_file(set_dir, manifest)
    if members_ref and corpus_dir is not None and (Path(corpus_dir) / members_ref["file"]).is_file():
        from jobsearch.index.layout import sha256_file

        if sha256_file(Path(corpus_dir) / members_ref["file"]) != members_ref["sha256"]:
            log.info("members in %s changed since %s was built", corpus_dir, set_dir.name)
    return Catalog(companies, corpus_members(corpus_dir), read_paystats(set_dir, manifest), manifest.set_version)


def corpus_members(corpus_dir: Path | None) -> dict[str, Member]:
    """The demo members of a corpus folder (members.jsonl); none without one."""
    from jobsearch.corpus.members import load_members
    from jobsearch.corpus.table import MEMBERS_FILE

    return load_members(corpus_dir) if corpus_dir and (corpus_dir / MEMBERS_FILE).exists() else {}


def corpus_catalog(corpus_dir: Path) -> Catalog:
    """Companies and members of a corpus folder, no pay statistics (`jobsearch parse`)."""
    from jobsearch.corpus.members import load_companies

    return Catalog(load_companies(corpus_dir), corpus_members(corpus_dir), None, "")


def catalog_of(index: FlatIndex, corpus_dir: Path | None) -> Catalog:
    from jobsearch.paystats import PayStats

    table = index.records_table()  # live display rows
    companies = {
        cid: Company(id=cid, name=name, type=ctype)
        for cid, name, ctype in zip(
            table.column("company_id").to_pylist(),
            table.column("company_name").to_pylist(),
            table.column("company_type").to_pylist(),
            strict=True,
        )
    }
    return Catalog(list(companies.values()), corpus_members(corpus_dir), PayStats.from_table(table), index.version)
