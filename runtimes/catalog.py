"""The runtimes' view of the active shard set: which index root to serve (given, or the
operator's pointer file), a watch on that pointer, and the catalog (jobsearch.catalog,
read from the files `index build` writes beside the set)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jobsearch.catalog import Catalog, read_catalog


def load_catalog(index_dir: Path, corpus_dir: Path | None) -> Catalog:
    """Companies and pay statistics from the catalog files beside the active set (verified
    with its manifest), members from the corpus: the set's vectors are never opened."""
    return read_catalog(index_dir, corpus_dir)


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
