"""What the query engine server and the transformer need besides their remote stages:
the companies and pay statistics of the active shard set's postings, and the members.
Built the way `jobsearch.pipeline.open_pipeline` builds them for the embedded pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from jobsearch.schema import Company, Member


@dataclass(frozen=True)
class Catalog:
    companies: list[Company]
    members: dict[str, Member]
    paystats: Any
    version: str


def records_table(index: Any) -> pa.Table:
    if hasattr(index, "records_table"):
        return index.records_table()
    return pa.concat_tables([seg.records_table for seg in index.view.segments])


def load_catalog(index_dir: Path, corpus_dir: Path | None) -> Catalog:
    from jobsearch.corpus.members import load_members
    from jobsearch.index import FlatIndex
    from jobsearch.paystats import PayStats

    index = FlatIndex.open(index_dir)
    table = records_table(index)
    companies = {
        cid: Company(id=cid, name=name, type=ctype)
        for cid, name, ctype in zip(
            table.column("company_id").to_pylist(),
            table.column("company_name").to_pylist(),
            table.column("company_type").to_pylist(),
            strict=True,
        )
    }
    members = load_members(corpus_dir) if corpus_dir and (corpus_dir / "members.jsonl").exists() else {}
    return Catalog(list(companies.values()), members, PayStats.from_table(table), index.version)


def resolve_index_dir(*, index_dir: Path | None, active_file: Path | None) -> Path:
    """The index root to serve: given directly, or read from the operator's active pointer."""
    if active_file is not None:
        return Path(active_file.read_text().strip())
    if index_dir is None:
        from jobsearch.home import default_index_dir

        return default_index_dir()
    return index_dir


class PointerWatch:
    """Calls `on_change(index_dir)` (in a daemon thread) whenever the operator's pointer
    names another index root, so what a server derived from the set (companies, pay
    statistics) follows promotions like the shard servers do."""

    def __init__(self, active_file: Path, current: Path, on_change: Any, *, poll_s: float = 2.0) -> None:
        import threading

        self._file, self._current, self._on_change, self._poll_s = active_file, current, on_change, poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pointer-watch", daemon=True)

    def start(self) -> PointerWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import logging

        while not self._stop.wait(self._poll_s):
            try:
                target = resolve_index_dir(index_dir=None, active_file=self._file)
                if target != self._current:
                    self._on_change(target)
                    self._current = target
            except Exception:  # keep watching: the old catalog stays valid meanwhile
                logging.getLogger(__name__).exception("reloading after a pointer change")
