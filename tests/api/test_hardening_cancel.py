"""Abandoned searches stop between stages (issue 18): a search whose client hung up, or
whose deadline passed, while a stage ran does not start the next one. Real app, real
pipeline stages, real HTTP on loopback; the encoder is the real one, held mid-stage until
the request is abandoned so the disconnect lands between two known stages."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from jobsearch.api import create_app
from jobsearch.api.shedding import request_expired
from jobsearch.errors import SearchAbandonedError
from jobsearch.pipeline import SearchPipeline
from jobsearch.serve import serve_in_background
from jobsearch.settings import ServeSettings


class HeldEncoder:
    """The real query encoder; while `hold` is set, a call waits (at most 5 s) until the
    request it serves is abandoned, as a slow stage would, then encodes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.hold = threading.Event()
        self.entered = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode(self, texts: list[str]) -> Any:
        if self.hold.is_set():
            self.hold.clear()
            self.entered.set()
            until = time.monotonic() + 5
            while not request_expired() and time.monotonic() < until:
                time.sleep(0.005)
        return self.inner.encode(texts)


def _held_pipeline(pipeline: SearchPipeline) -> tuple[SearchPipeline, HeldEncoder]:
    encoder = HeldEncoder(pipeline.encoder)
    held = SearchPipeline(pipeline.engine, encoder, pipeline.retriever, pipeline.ranker,
                          members=pipeline.members, calibration=pipeline.calibration, clock=pipeline.clock)
    return held, encoder


def _sample(url: str, name: str, **labels: str) -> float:
    """One sample of the server's /metrics (0 when the series does not exist yet)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def _wait_for(predicate: Any, timeout_s: float = 5.0) -> bool:
    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture()
def held(pipeline: SearchPipeline) -> Iterator[tuple[str, HeldEncoder]]:
    app_pipeline, encoder = _held_pipeline(pipeline)
    settings = ServeSettings(demo=True, request_deadline_s=1.0)
    with serve_in_background(create_app(app_pipeline, settings)) as url:
        yield url, encoder


def _unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"  # a cache miss: the search really runs


def test_the_pipeline_asks_before_each_stage_and_stops_where_told(pipeline: SearchPipeline) -> None:
    asked: list[str] = []

    def abandoned(stage: str) -> bool:
        asked.append(stage)
        return stage == "rank"

    text = _unique("nurse in Berlin")
    with pytest.raises(SearchAbandonedError) as caught:
        pipeline.search(text, k=5, abandoned=abandoned)
    assert caught.value.stage == "rank"
    assert asked == ["parse", "encode", "retrieve", "rank"]
    # Nothing half-done was cached: the same search, still wanted, runs to the end.
    asked.clear()

    def wanted(stage: str) -> bool:
        asked.append(stage)
        return False

    answer = pipeline.search(text, k=5, abandoned=wanted)
    assert answer.results and asked[:5] == ["parse", "encode", "retrieve", "rank", "results"]


def test_a_client_that_hangs_up_mid_search_leaves_no_work_running(held: tuple[str, HeldEncoder]) -> None:
    url, encoder = held
    labels = {"stage": "retrieve", "reason": "client_gone"}
    abandoned_before = _sample(url, "jobsearch_search_abandoned_total", **labels)
    retrieved_before = _sample(url, "jobsearch_stage_latency_seconds_count", stage="retrieve")

    encoder.hold.set()
    body = json.dumps({"query": _unique("data engineer in Seattle")}).encode()
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /v1/search HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                  + f"content-length: {len(body)}\r\n\r\n".encode() + body)
        assert encoder.entered.wait(10), "the search never reached the encoder"
    # The client is gone while the encoder runs: the search stops before retrieval.
    assert _wait_for(lambda: _sample(url, "jobsearch_search_abandoned_total", **labels) == abandoned_before + 1)
    assert _sample(url, "jobsearch_stage_latency_seconds_count", stage="retrieve") == retrieved_before
    # Its slot is free again: the next search is served at once, not after a backlog.
    t0 = time.monotonic()
    assert httpx.post(f"{url}/v1/search", json={"query": "nurse in Boston"}, timeout=10).status_code == 200
    assert time.monotonic() - t0 < 5


def test_a_search_past_its_deadline_stops_with_a_503(held: tuple[str, HeldEncoder]) -> None:
    url, encoder = held
    labels = {"stage": "retrieve", "reason": "deadline"}
    before = _sample(url, "jobsearch_search_abandoned_total", **labels)
    encoder.hold.set()  # the encoder outlasts the 1 s deadline
    r = httpx.post(f"{url}/v1/search", json={"query": _unique("teacher in London")}, timeout=10)
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "overloaded" and "before retrieve" in r.json()["detail"]
    assert r.headers["retry-after"] == "1"
    assert _sample(url, "jobsearch_search_abandoned_total", **labels) == before + 1
