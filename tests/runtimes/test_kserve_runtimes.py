"""The KServe runtimes as real ModelServer processes on 127.0.0.1: shard servers merged
exactly equal the whole index, the query engine server equals the rule engine, and the
transformer (the pipeline with remote stages) answers what the embedded pipeline answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from jobsearch.schema import Filters

pytestmark = pytest.mark.slow

QUERIES = [
    "software engineer jobs in Seattle, mostly remote, not from staffing agencies",
    "registered nurse, posted this week",
    "data analyst above median pay",
    "remote python developer",
    "accountant in Mars City",
]


def test_shard_servers_merge_to_the_exact_whole_index(runtime_urls: dict[str, Any], sharded_index: Path) -> None:
    from jobsearch.runtimes.remote import RemoteRetriever

    from jobsearch.index import FlatIndex

    whole = FlatIndex.open(sharded_index)
    remote = RemoteRetriever(runtime_urls["shards"])
    rng = np.random.default_rng(5)
    q = rng.standard_normal((4, whole.dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    for filters in (Filters(), Filters(workplace=["remote"]), Filters(exclude_company_types=["staffing"])):
        for k in (1, 10, 50):
            got, want = remote.search(q, filters, k), whole.search(q, filters, k)
            for g, w in zip(got, want, strict=True):
                assert g.job_ids == w.job_ids and g.n_matching == w.n_matching
                np.testing.assert_array_equal(g.scores, w.scores)
        assert remote.count(filters) == whole.count(filters)
    assert remote.rows == whole.rows and remote.version == whole.version
    ids = whole.search(q[:1], Filters(), 5)[0].job_ids
    assert [r["job_id"] for r in remote.records(ids)] == ids


def test_query_engine_server_equals_the_rule_engine(runtime_urls: dict[str, Any], pipeline: Any) -> None:
    from jobsearch.runtimes.remote import RemoteQueryEngine

    remote = RemoteQueryEngine(runtime_urls["query"])
    for q in QUERIES:
        assert remote.parse(q) == pipeline.engine.parse(q)


def test_transformer_answers_what_the_embedded_pipeline_answers(
    runtime_urls: dict[str, Any], pipeline: Any
) -> None:
    for q in QUERIES:
        body = {"inputs": [
            {"name": "text", "shape": [1], "datatype": "BYTES", "data": [q]},
            {"name": "k", "shape": [1], "datatype": "INT64", "data": [10]},
        ]}
        resp = httpx.post(f"{runtime_urls['search']}/infer", json=body, timeout=30.0)
        assert resp.status_code == 200, resp.text
        got = json.loads(resp.json()["outputs"][0]["data"][0])
        want = pipeline.search(q, k=10).model_dump(mode="json")
        assert got["query"] == want["query"]
        assert got["total_matching"] == want["total_matching"]
        assert got["empty_reason"] == want["empty_reason"]
        assert [(r["job_id"], r["score"], r["why"]) for r in got["results"]] == [
            (r["job_id"], r["score"], r["why"]) for r in want["results"]
        ]


def test_tritonclient_http_speaks_to_the_transformer(runtime_urls: dict[str, Any], pipeline: Any) -> None:
    """The Open Inference Protocol as Triton's own client speaks it, binary tensors included."""
    import tritonclient.http as httpclient

    base = runtime_urls["search"].removeprefix("http://").split("/v2/")[0]
    client = httpclient.InferenceServerClient(base, network_timeout=30.0)
    assert client.is_model_ready("search")
    text = httpclient.InferInput("text", [1], "BYTES")
    text.set_data_from_numpy(np.array([QUERIES[0].encode()], dtype=object), binary_data=True)
    res = client.infer("search", [text], outputs=[httpclient.InferRequestedOutput("response", binary_data=False)])
    got = json.loads(res.as_numpy("response")[0])
    want = pipeline.search(QUERIES[0]).model_dump(mode="json")
    assert [r["job_id"] for r in got["results"]] == [r["job_id"] for r in want["results"]]
    client.close()


def _infer(url: str, **inputs: str) -> httpx.Response:
    body = {"inputs": [{"name": k, "shape": [1], "datatype": "BYTES", "data": [v]} for k, v in inputs.items()]}
    return httpx.post(f"{url}/infer", json=body, timeout=30.0)


def test_client_errors_keep_their_status_end_to_end(runtime_urls: dict[str, Any]) -> None:
    """The API's table answers for the runtimes too: a bad query is 422 at the query
    server and through the transformer, as embedded; an unknown member 422 (not a 500
    from the hop); a malformed stage request 400; no ValueError becomes a 400 by itself."""
    for url in (runtime_urls["search"], runtime_urls["query"]):
        resp = _infer(url, text="   ")
        assert resp.status_code == 422, resp.text
        assert "empty" in resp.json()["error"] and resp.json()["code"] == "bad_query"
        resp = _infer(url, text="nurse jobs", member_id="nobody-42")
        assert resp.status_code == 422, resp.text
        assert resp.json()["code"] == "unknown_member" and "nobody-42" in resp.json()["error"]
    resp = _infer(runtime_urls["shards"][0], op="drop")
    assert resp.status_code == 400 and "unknown op" in resp.json()["error"]
    resp = _infer(runtime_urls["shards"][0], op="count", filters="{not json")
    assert resp.status_code == 400 and resp.json()["code"] == "bad_request"
    resp = _infer(runtime_urls["search"], text="nurse jobs", remove="[oops")
    assert resp.status_code == 400 and "remove" in resp.json()["error"]


def test_the_search_fanout_carries_records_from_the_answering_set(runtime_urls: dict[str, Any],
                                                                  sharded_index: Path) -> None:
    """One call per shard: ids, scores and records of one snapshot (no second fan-out)."""
    from jobsearch.runtimes.remote import RemoteRetriever

    from jobsearch.index import FlatIndex

    whole = FlatIndex.open(sharded_index)
    q = np.random.default_rng(9).standard_normal((2, whole.dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    got = RemoteRetriever(runtime_urls["shards"]).search(q, Filters(), 7, with_records=True)
    want = whole.search(q, Filters(), 7, with_records=True)
    for g, w in zip(got, want, strict=True):
        assert g.version == w.version and g.job_ids == w.job_ids
        assert g.records is not None and w.records is not None
        assert [r["job_id"] for r in g.records] == g.job_ids
        assert [r["title"] for r in g.records] == [r["title"] for r in w.records]


def test_runtimes_export_prometheus_metrics(runtime_urls: dict[str, Any]) -> None:
    base = runtime_urls["search"].split("/v2/")[0]
    text = httpx.get(f"{base}/metrics", timeout=10.0).text
    assert "jobsearch_stage_latency_seconds" in text
