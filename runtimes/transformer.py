"""The search transformer: the same `SearchPipeline` as `jobsearch serve`, with remote
stages (query engine server, encoder on Triton, shard servers with an exact top-K merge).
A V2 request carries `text` (+ optional `member_id`, `k`, `remove`); the response is the
SearchResponse JSON the HTTP API returns. It reads the served set's manifest (the encoder
pairing check) and the corpus members, never the set's vectors or records; every remote
stage has its own timeout."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kserve
from jobsearch.runtimes.kserve_io import domain_errors, inputs_of, int_of, response, text_of

from jobsearch.catalog import corpus_members
from jobsearch.errors import BadRequestError

log = logging.getLogger(__name__)


class SearchTransformer(kserve.Model):
    def __init__(self, name: str, *, query_url: str, encoder_url: str, encoder_dir: Path,
                 shard_urls: Sequence[str], index_dir: Path, corpus_dir: Path | None = None,
                 active_file: Path | None = None, timeout_s: float = 10.0,
                 ranker_url: str | None = None, ranker_dir: Path | None = None, rank_depth: int = 100,
                 stage_timeouts: dict[str, float] | None = None, cache_size: int = 2048) -> None:
        super().__init__(name)
        self.query_url, self.encoder_url, self.encoder_dir = query_url, encoder_url, encoder_dir
        self.shard_urls, self.index_dir, self.corpus_dir = list(shard_urls), index_dir, corpus_dir
        self.timeout_s, self.active_file = timeout_s, active_file
        # Seconds per call of each remote stage ("query", "encoder", "shards", "ranker"); default timeout_s.
        self.stage_timeouts = dict(stage_timeouts or {})
        self.cache_size = cache_size
        # The ranker's graphs on Triton (docs/ranker.md); without a URL, retrieval order.
        self.ranker_url, self.ranker_dir, self.rank_depth = ranker_url, ranker_dir, rank_depth
        self.pipeline: Any = None

    def _timeout(self, stage: str) -> float:
        return float(self.stage_timeouts.get(stage) or self.timeout_s)

    def load(self) -> bool:
        from jobsearch.runtimes.remote import RemoteEncoder, RemoteQueryEngine, RemoteRetriever

        from jobsearch.pipeline import SearchPipeline
        from jobsearch.taxonomy.places import gazetteer

        encoder = RemoteEncoder(self.encoder_url, self.encoder_dir, timeout_s=self._timeout("encoder"))
        self._check_pairing(encoder.model_id, self.index_dir)
        ranker = None
        if self.ranker_url and self.ranker_dir:
            from jobsearch.runtimes.remote_ranker import remote_ranker

            ranker = remote_ranker(self.ranker_url, self.ranker_dir, timeout_s=self._timeout("ranker"))
        self.pipeline = SearchPipeline(
            RemoteQueryEngine(self.query_url, timeout_s=self._timeout("query")),
            encoder,
            RemoteRetriever(self.shard_urls, timeout_s=self._timeout("shards")),
            ranker,
            rank_depth=self.rank_depth,
            members=corpus_members(self.corpus_dir),
            display_name=gazetteer().display_name,
            cache_size=self.cache_size,
        )
        if self.active_file is not None:
            from jobsearch.runtimes.catalog import PointerWatch

            PointerWatch(self.active_file, self.index_dir, self._refresh).start()
        self.ready = True
        return True

    @staticmethod
    def _check_pairing(encoder_model_id: str, index_dir: Path) -> None:
        # The manifest alone says which encoder built the set: no vectors are opened here.
        from jobsearch.index.layout import Manifest, active_set
        from jobsearch.pipeline import check_pairing

        set_dir = active_set(index_dir)
        check_pairing(encoder_model_id, Manifest.read(set_dir).model_id, set_dir)

    def _refresh(self, index_dir: Path) -> None:
        # Members follow the served set (the stages themselves are stateless clients).
        try:
            self._check_pairing(self.pipeline.encoder.model_id, index_dir)
        except Exception as exc:  # the shard servers serve it anyway: say so loudly
            log.error("the promoted set does not pair with the encoder: %s", exc)
        self.pipeline.members = corpus_members(self.corpus_dir)

    async def predict(self, payload: Any, headers: dict[str, str] | None = None,
                      response_headers: dict[str, str] | None = None) -> Any:
        # Off the event loop: the pipeline blocks on its remote stages; requests overlap.
        return await asyncio.to_thread(self._predict, payload)

    def _predict(self, payload: Any) -> Any:
        with domain_errors():
            inputs = inputs_of(payload)
            text = text_of(inputs, "text")
            try:
                remove = json.loads(text_of(inputs, "remove", "[]") or "[]")
            except ValueError as exc:
                raise BadRequestError("input 'remove' must be a JSON list of filter names") from exc
            result = self.pipeline.search(
                text, member_id=text_of(inputs, "member_id", "") or None,
                k=int_of(inputs, "k", 20), remove=remove,
            )
            return response(self.name, {"response": [result.model_dump_json()]})

