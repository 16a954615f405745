"""Remote implementations of the stage Protocols (jobsearch.stages), speaking V2 to the
Kubernetes deployment: the encoder on Triton, the index shard servers (exact top-K merge)
and the query engine server. `SearchPipeline` composes them exactly as it composes the
in-process stages, so the transformer answers what `jobsearch serve` answers."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.runtimes.v2 import V2Client

from jobsearch.errors import RemoteStageError
from jobsearch.schema import Filters, ParsedQuery
from jobsearch.stages import Candidates

ENCODER_OUTPUT = "sentence_embedding"


class RemoteEncoder:
    """Tokenise here (the tokenizer files travel with the model version), embed on Triton."""

    def __init__(self, model_url: str, version_dir: Path, *, batch_size: int = 32,
                 timeout_s: float = 10.0) -> None:
        from jobsearch.encode.manifest import Manifest
        from jobsearch.encode.tokenize import load_tokenizer

        manifest = Manifest.read(version_dir)
        # A query tower answers to the documents it pairs with, as in embedded serving.
        self.model_id = manifest.doc_model_id or manifest.model_id
        self.dim = manifest.dim
        self.max_length = manifest.max_length
        self._tokenizer = load_tokenizer(version_dir, manifest.max_length)
        self._client = V2Client(model_url, timeout_s=timeout_s)
        self._batch = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from jobsearch.encode.onnx_encoder import check_texts
        from jobsearch.encode.tokenize import length_batches, pad_batch, token_ids

        items = check_texts(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        ids = token_ids(self._tokenizer, items)
        # Same batching as the in-process OnnxEncoder, so padding and results are identical.
        for idx in length_batches([len(x) for x in ids], self._batch):
            input_ids, mask = pad_batch([ids[i] for i in idx])
            res = self._client.infer(
                {"input_ids": input_ids.astype(np.int64), "attention_mask": mask.astype(np.int64)},
                outputs=[ENCODER_OUTPUT],
            )
            out[idx] = res[ENCODER_OUTPUT]
        return out


class RemoteRetriever:
    """The shard servers as one exact retriever: every shard answers its exact top-k (with
    the hits' records, read from the same snapshot, in the same call), the merge keeps the
    best k of the union. All shards answer from one shard-set version: when a swap is half
    way (shards disagree), the fan-out is repeated naming a version every shard still holds
    (a shard keeps its previous set); if none settles within `swap_wait_s` the search fails
    with a retryable RemoteStageError (503), never a mixed answer."""

    def __init__(self, shard_urls: Sequence[str], *, timeout_s: float = 10.0,
                 swap_wait_s: float = 5.0) -> None:
        if not shard_urls:
            raise ValueError("at least one shard URL is needed")
        self._clients = [V2Client(u, timeout_s=timeout_s) for u in shard_urls]
        # Several requests fan out at once (the transformer serves them in threads).
        self._pool = ThreadPoolExecutor(max_workers=4 * len(shard_urls), thread_name_prefix="shard")
        self._swap_wait_s = swap_wait_s
        self._info: tuple[float, dict[str, Any]] | None = None

    def _fanout(self, inputs: dict[str, Any]) -> list[dict[str, np.ndarray]]:
        """Every shard's answer to `inputs`, all from one shard-set version."""
        deadline = time.monotonic() + self._swap_wait_s
        wanted = ""
        while True:
            request = {**inputs, "version": wanted}
            answers = list(self._pool.map(V2Client.infer, self._clients, [request] * len(self._clients)))
            versions = [str(a["version"][0]) for a in answers]
            if len(set(versions)) == 1:
                return answers
            held = [set(np.asarray(a.get("held", [v])).reshape(-1).tolist()) for a, v in zip(answers, versions, strict=True)]
            common = set.intersection(*held)
            if time.monotonic() > deadline:
                raise RemoteStageError(
                    f"shard servers answer from different shard sets {sorted(set(versions))} and hold no common "
                    f"one after {self._swap_wait_s:.1f}s (a swap in progress): retry", retry_after_s=1.0)
            if common:
                # The version most shards answer already; the others answer it from their previous set.
                wanted = max(sorted(common), key=versions.count)
            else:
                wanted = ""
                time.sleep(0.02)  # a shard is two swaps behind: let it catch up

    def search(self, vectors: np.ndarray, filters: Filters, k: int, *,
               now: datetime | None = None, with_records: bool = False) -> list[Candidates]:
        from jobsearch.index.merge import merge_hits

        q = np.asarray(vectors, dtype=np.float32)
        if q.ndim == 1:
            q = q[None]
        inputs: dict[str, Any] = {
            "op": "search", "vectors": q, "filters": filters.model_dump_json(),
            "k": np.array([k], dtype=np.int64), "now": now.isoformat() if now else "",
            "with_records": np.array([int(with_records)], dtype=np.int64),
        }
        return merge_hits([_hits(a) for a in self._fanout(inputs)], k)

    def records(self, job_ids: Sequence[str]) -> list[dict[str, object]]:
        if not job_ids:
            return []
        found: dict[str, dict[str, object]] = {}
        for a in self._fanout({"op": "records", "job_ids": list(job_ids)}):
            for doc in a["records"].reshape(-1):
                if doc:
                    rec = decode_record(doc)
                    found[str(rec["job_id"])] = rec
        missing = [j for j in job_ids if j not in found]
        if missing:
            raise KeyError(f"job ids {missing[:3]} are on no shard")
        return [found[j] for j in job_ids]

    def count(self, filters: Filters, *, now: datetime | None = None) -> int:
        inputs = {"op": "count", "filters": filters.model_dump_json(), "now": now.isoformat() if now else ""}
        return int(sum(int(a["count"][0]) for a in self._fanout(inputs)))

    def _information(self) -> dict[str, Any]:
        # Rows and version change only at a swap: a short cache spares a call per search.
        if self._info is None or time.monotonic() - self._info[0] > 2.0:
            answers = self._fanout({"op": "info"})
            info = {"version": str(answers[0]["version"][0]),
                    "model_id": str(answers[0]["model_id"][0]),
                    "rows": int(sum(int(a["rows"][0]) for a in answers))}
            self._info = (time.monotonic(), info)
        return self._info[1]

    @property
    def rows(self) -> int:
        return int(self._information()["rows"])

    @property
    def version(self) -> str:
        return str(self._information()["version"])

    @property
    def model_id(self) -> str:
        return str(self._information()["model_id"])


def decode_record(doc: str) -> dict[str, Any]:
    """A record as the shard sent it (JSON) in the types the embedded index returns
    (POSTINGS_SCHEMA: timestamps as aware datetimes), so the pipeline cannot tell them apart."""
    rec: dict[str, Any] = json.loads(doc)
    for name in _TIMESTAMPS:
        if isinstance(rec.get(name), str):
            rec[name] = datetime.fromisoformat(rec[name])
    return rec


def _timestamp_fields() -> tuple[str, ...]:
    import pyarrow as pa

    from jobsearch.corpus.table import POSTINGS_SCHEMA

    return tuple(f.name for f in POSTINGS_SCHEMA if pa.types.is_timestamp(f.type))


_TIMESTAMPS = _timestamp_fields()


def _hits(answer: dict[str, np.ndarray]) -> list[Candidates]:
    ids, scores = answer["job_ids"], answer["scores"]
    counts, matching = answer["counts"], answer["n_matching"]
    docs = answer.get("records")
    version = str(answer["version"][0])
    out = []
    for i in range(len(counts)):
        n = int(counts[i])
        recs = None if docs is None else [decode_record(d) for d in docs[i][:n]]
        out.append(Candidates([str(x) for x in ids[i][:n]], np.asarray(scores[i][:n], dtype=np.float32),
                              int(matching[i]), version=version, records=recs))
    return out


class RemoteQueryEngine:
    def __init__(self, model_url: str, *, timeout_s: float = 10.0) -> None:
        self._client = V2Client(model_url, timeout_s=timeout_s)

    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        res = self._client.infer({"text": text, "member_id": member_id or ""})
        return ParsedQuery.model_validate_json(str(res["parsed"].reshape(-1)[0]))
