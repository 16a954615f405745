"""The search transformer: the same `SearchPipeline` as `jobsearch serve`, with remote
stages (query engine server, encoder on Triton, shard servers with an exact top-K merge).
A V2 request carries `text` (+ optional `member_id`, `k`, `remove`); the response is the
SearchResponse JSON the HTTP API returns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kserve
from jobsearch.runtimes.kserve_io import domain_errors, inputs_of, int_of, response, text_of


class SearchTransformer(kserve.Model):
    def __init__(self, name: str, *, query_url: str, encoder_url: str, encoder_dir: Path,
                 shard_urls: Sequence[str], index_dir: Path, corpus_dir: Path | None = None,
                 active_file: Path | None = None, timeout_s: float = 10.0) -> None:
        super().__init__(name)
        self.query_url, self.encoder_url, self.encoder_dir = query_url, encoder_url, encoder_dir
        self.shard_urls, self.index_dir, self.corpus_dir = list(shard_urls), index_dir, corpus_dir
        self.timeout_s, self.active_file = timeout_s, active_file
        self.pipeline: Any = None

    def load(self) -> bool:
        from jobsearch.runtimes.remote import RemoteEncoder, RemoteQueryEngine, RemoteRetriever

        from jobsearch.catalog import catalog_of
        from jobsearch.index import FlatIndex
        from jobsearch.pipeline import SearchPipeline, check_pairing
        from jobsearch.taxonomy.places import gazetteer

        encoder = RemoteEncoder(self.encoder_url, self.encoder_dir, timeout_s=self.timeout_s)
        index = FlatIndex.open(self.index_dir)  # the served set: its model and its catalog
        check_pairing(encoder.model_id, index.model_id, index.set_dir)
        catalog = catalog_of(index, self.corpus_dir)
        self.pipeline = SearchPipeline(
            RemoteQueryEngine(self.query_url, timeout_s=self.timeout_s),
            encoder,
            RemoteRetriever(self.shard_urls, timeout_s=self.timeout_s),
            None,
            members=catalog.members,
            display_name=gazetteer().display_name,
        )
        if self.active_file is not None:
            from jobsearch.runtimes.catalog import PointerWatch

            PointerWatch(self.active_file, self.index_dir, self._refresh).start()
        self.ready = True
        return True

    def _refresh(self, index_dir: Path) -> None:
        # Members follow the served set (the stages themselves are stateless clients).
        from jobsearch.runtimes.catalog import load_catalog

        self.pipeline.members = load_catalog(index_dir, self.corpus_dir).members

    def predict(self, payload: Any, headers: dict[str, str] | None = None,
                response_headers: dict[str, str] | None = None) -> Any:
        with domain_errors():
            inputs = inputs_of(payload)
            text = text_of(inputs, "text")
            remove = json.loads(text_of(inputs, "remove", "[]") or "[]")
            result = self.pipeline.search(
                text, member_id=text_of(inputs, "member_id", "") or None,
                k=int_of(inputs, "k", 20), remove=remove,
            )
            return response(self.name, {"response": [result.model_dump_json()]})
