"""The query engine server: a KServe model turning query text (+ member) into the
ParsedQuery JSON contract (`jobsearch parse --json`), with the rule engine the embedded
pipeline uses. Companies and pay statistics come from the catalog files beside the served
set (never its vectors), reloaded when the operator's pointer moves."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import kserve
from jobsearch.runtimes.kserve_io import domain_errors, inputs_of, response, text_of


class QueryEngineServer(kserve.Model):
    def __init__(self, name: str, *, index_dir: Path, corpus_dir: Path | None = None,
                 active_file: Path | None = None) -> None:
        super().__init__(name)
        self.index_dir, self.corpus_dir, self.active_file = index_dir, corpus_dir, active_file
        self.engine: Any = None

    def load(self) -> bool:
        from jobsearch.runtimes.catalog import PointerWatch

        self._build(self.index_dir)
        # What the first query would pay for (place and occupation indexes, the tagger):
        # paid before /ready, so no request runs into its caller's timeout.
        from jobsearch.pipeline import WARM_UP_QUERY

        self.engine.parse(WARM_UP_QUERY)
        if self.active_file is not None:
            PointerWatch(self.active_file, self.index_dir, self._build).start()
        self.ready = True
        return True

    def _build(self, index_dir: Path) -> None:
        # Companies come from the served set: rebuilt (then swapped in) after a promotion.
        from jobsearch.runtimes.catalog import load_catalog

        from jobsearch.query.engine import build_query_engine

        self.engine = build_query_engine(load_catalog(index_dir, self.corpus_dir))

    async def predict(self, payload: Any, headers: dict[str, str] | None = None,
                      response_headers: dict[str, str] | None = None) -> Any:
        return await asyncio.to_thread(self._predict, payload)

    def _predict(self, payload: Any) -> Any:
        with domain_errors():
            inputs = inputs_of(payload)
            text = text_of(inputs, "text")
            member = text_of(inputs, "member_id", "") or None
            parsed = self.engine.parse(text, member)
            return response(self.name, {"parsed": [parsed.model_dump_json()]})
