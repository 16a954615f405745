"""What the HTTP layer needs from a search pipeline, and the slot that holds one. The app
can start before an index exists: the slot retries loading (rate-limited) and answers
`IndexNotFoundError` (-> 503) until it succeeds."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from jobsearch.errors import IndexNotFoundError
from jobsearch.schema import JobDetail, Member, ParsedQuery, SearchResponse

log = logging.getLogger("jobsearch.serve")


class SearchService(Protocol):
    """The part of `jobsearch.pipeline.SearchPipeline` the API calls."""

    @property
    def members(self) -> Mapping[str, Member]: ...

    def search(
        self,
        text: str,
        *,
        member_id: str | None = None,
        k: int = 20,
        remove: Sequence[str] = (),
        sort: str = "relevance",
        cursor: str | None = None,
        facets: bool = False,
        max_per_company: int = 3,
        abandoned: Callable[[str], bool] | None = None,
        refinements: bool = False,
    ) -> SearchResponse: ...

    def job(self, job_id: str) -> JobDetail: ...

    def parse(self, text: str, *, member_id: str | None = None) -> ParsedQuery: ...

    def health(self) -> dict[str, Any]: ...


class PipelineSlot:
    """Holds the pipeline the app serves, loading it lazily when none is there yet."""

    def __init__(
        self,
        pipeline: SearchService | None,
        loader: Callable[[], SearchService] | None = None,
        *,
        retry_interval_s: float = 5.0,
        on_load: Callable[[SearchService], object] | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._loader = loader
        self._retry_interval_s = retry_interval_s
        self._last_try = float("-inf")
        self._last_error = "no index is loaded"
        self._on_load = on_load
        self._lock = threading.Lock()

    def get(self) -> SearchService:
        """The pipeline, or IndexNotFoundError (with the reason) while there is none."""
        p = self._pipeline
        if p is not None:
            return p
        with self._lock:
            if self._pipeline is None and self._loader is not None:
                now = time.monotonic()
                if now - self._last_try >= self._retry_interval_s:
                    self._last_try = now
                    try:
                        loaded = self._loader()
                    except IndexNotFoundError as exc:
                        self._last_error = str(exc) or self._last_error
                    else:
                        if self._on_load is not None:
                            self._on_load(loaded)
                        self._pipeline = loaded
            if self._pipeline is None:
                raise IndexNotFoundError(f"{self._last_error} (build one with `jobsearch index build`)")
            return self._pipeline

    def peek(self) -> SearchService | None:
        """The pipeline if one is loaded (never loads)."""
        return self._pipeline

    def set(self, pipeline: SearchService | None) -> None:
        with self._lock:
            self._pipeline = pipeline


@dataclass
class ServingStatus:
    """What /healthz says about the pointer: a note when the served set is not the one
    ACTIVE names (fallback, refused set), and the sets refused so far."""

    note: str | None = None
    refused: set[str] = field(default_factory=set)


class PointerFollower:
    """Keeps a running server on the set the index root's ACTIVE names: every
    `interval_s` it checks the pointer and swaps (verified first) to a newly activated or
    rolled-back set; a set that fails verification is refused once and the current one
    keeps serving. It also watches the served set's files: if one changed size (cut short,
    rewritten) it swaps to the newest good set in HISTORY before a mapped page is read."""

    def __init__(self, slot: PipelineSlot, root: Path, status: ServingStatus, *, interval_s: float = 2.0) -> None:
        self.slot, self.root, self.status, self.interval_s = slot, Path(root), status, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="index-pointer-follower")

    def start(self) -> PointerFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # the follower must outlive any one bad check
                log.exception("index pointer check failed")

    def check(self) -> str | None:
        """One look at the pointer and the served files; returns the set swapped to."""
        from jobsearch.errors import CorruptShardSetError, JobSearchError
        from jobsearch.index import layout
        from jobsearch.index.shardset import changed_files

        index = getattr(self.slot.peek(), "retriever", None)
        if index is None or not hasattr(index, "swap") or not hasattr(index, "view"):
            return None
        served = index.view.base
        changed = changed_files(served)
        if changed:
            log.error("files of the served set %s changed on disk (%s); leaving it", served.path.name, ", ".join(changed))
            self.status.refused.add(served.path.name)
            return self._fall_back(index, f"the served set {served.path.name} changed on disk")
        try:
            target = layout.active_set(self.root)
        except JobSearchError:
            return None
        if target.resolve() == served.path.resolve() or target.name in self.status.refused:
            return None
        try:
            index.swap(target, persist=False)
        except (CorruptShardSetError, OSError) as exc:
            self.status.refused.add(target.name)
            self.status.note = f"ACTIVE names {target.name}, which failed verification ({exc}); still serving {served.path.name}"
            log.error("%s", self.status.note)
            return None
        self.status.note = None
        log.info("now serving %s (ACTIVE moved)", target.name)
        return target.name

    def _fall_back(self, index: Any, why: str) -> str | None:
        from jobsearch.errors import CorruptShardSetError
        from jobsearch.index import layout

        for name in reversed(layout.history(self.root)):
            candidate = self.root / name
            if name in self.status.refused or not layout.is_set_dir(candidate):
                continue
            try:
                index.swap(candidate, persist=False)
            except (CorruptShardSetError, OSError):
                self.status.refused.add(name)
                continue
            self.status.note = f"{why}; serving {name}, the newest good set in HISTORY"
            log.error("%s", self.status.note)
            return name
        self.status.note = f"{why}; no other good set in HISTORY"
        return None
