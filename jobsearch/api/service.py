"""What the HTTP layer needs from a search pipeline, and the slot that holds one. The app
can start before an index exists: the slot retries loading (rate-limited) and answers
`IndexNotFoundError` (-> 503) until it succeeds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from jobsearch.errors import IndexNotFoundError
from jobsearch.schema import JobDetail, Member, ParsedQuery, SearchResponse


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

    def set(self, pipeline: SearchService | None) -> None:
        with self._lock:
            self._pipeline = pipeline
