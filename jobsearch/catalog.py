"""What a query engine and a pipeline need besides their stages: the companies and pay
statistics of the served postings (read from the active shard set) and the demo members.
One builder for the embedded pipeline and the KServe runtimes."""

from __future__ import annotations

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
    paystats: PayStats
    version: str  # the shard set it was read from


def catalog_of(index: FlatIndex, corpus_dir: Path | None) -> Catalog:
    from jobsearch.corpus.members import load_members
    from jobsearch.corpus.table import MEMBERS_FILE
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
    members = (
        load_members(corpus_dir) if corpus_dir and (corpus_dir / MEMBERS_FILE).exists() else {}
    )
    return Catalog(list(companies.values()), members, PayStats.from_table(table), index.version)
