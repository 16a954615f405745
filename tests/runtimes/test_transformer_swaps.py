"""Version-consistent answers through the KServe transformer while the shard set swaps
under load, and clear answers when a stage is gone or hangs.

Two 2-shard sets: A (the demo corpus) and B (70% of it, rows shuffled so every posting
may sit on another shard). A driver flips the operator's pointer between them >= 1,000
times, each flip confirmed by polling every shard server, while client threads search
through the transformer. Every answer must be A's or B's exactly (a mix of shards from
both would drop or duplicate results), and nothing may be a 500: a request that finds
the shards mid-swap is answered from a version every shard still holds, or is a 503 with
Retry-After. Sizes: JOBSEARCH_SWAP_STRESS_SWAPS (default 150, bounded for the suite) and
_CLIENTS (3); `bench/transformer_swaps.py` runs it with 1,000 swaps and records the counts
(JOBSEARCH_SWAP_STRESS_OUT: where this test writes them as JSON)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from helpers import Server, kserve_server, wait_until

pytestmark = pytest.mark.slow

SWAPS = int(os.environ.get("JOBSEARCH_SWAP_STRESS_SWAPS", "150"))
CLIENTS = int(os.environ.get("JOBSEARCH_SWAP_STRESS_CLIENTS", "3"))
QUERIES = ["registered nurse", "software engineer, mostly remote", "data analyst", "warehouse supervisor"]


def _shuffled_subset(index_root: Path, out: Path) -> Path:
    from jobsearch.index import FlatIndex
    from jobsearch.index.build import build_from_arrays
    from jobsearch.index.turnover import live_arrays

    whole = FlatIndex.open(index_root)
    vectors, table = live_arrays(whole.view)
    rng = np.random.default_rng(3)
    keep = rng.permutation(table.num_rows)[: int(table.num_rows * 0.7)]
    build_from_arrays(out, np.asarray(vectors, np.float32)[keep], table.take(keep), model_id=whole.model_id,
                      shards=2)
    return out


@pytest.fixture(scope="module")
def swapping(demo_home: Path, sharded_index: Path, triton_url: str, triton_repo: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Shard servers, query engine and transformer that all follow one pointer file."""
    logs = tmp_path_factory.mktemp("swap-logs")
    root_b = _shuffled_subset(sharded_index, tmp_path_factory.mktemp("index-b"))
    pointer = tmp_path_factory.mktemp("pointer") / "path"
    pointer.write_text(str(sharded_index))
    active = f"--active-file={pointer}"
    servers: list[Server] = []
    try:
        shards = []
        for i in range(2):
            s, url = kserve_server(f"swap-shard-{i}", ["--role=shard", f"--shard={i}", "--shards=2", active,
                                                       "--poll-seconds=0.005"], logs)
            servers.append(s)
            shards.append(url)
        s, query = kserve_server("swap-query", ["--role=query", active, f"--corpus-dir={demo_home / 'corpus'}"], logs)
        servers.append(s)
        for s, url in zip(servers, [*shards, query], strict=True):
            s.wait_ready(f"{url}/ready")
        s, search = kserve_server("swap-search", [
            "--role=transformer", active, f"--query-url={query}", f"--encoder-url={triton_url}/v2/models/retriever",
            f"--encoder-dir={triton_repo / 'retriever' / '1'}", f"--corpus-dir={demo_home / 'corpus'}",
            "--cache-size=0", "--shards-timeout=10", *[f"--shard-url={u}" for u in shards]], logs)
        servers.append(s)
        s.wait_ready(f"{search}/ready")
        yield {"pointer": pointer, "roots": (sharded_index, root_b), "shards": shards, "search": search,
               "query": query, "triton": triton_url, "triton_repo": triton_repo}
    finally:
        for s in servers:
            s.stop()


def _search(client: httpx.Client, url: str, text: str) -> tuple[int, list[str] | None, httpx.Response]:
    body = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": [text]},
                       {"name": "k", "shape": [1], "datatype": "INT64", "data": [10]}]}
    resp = client.post(f"{url}/infer", json=body, timeout=60.0)
    if resp.status_code != 200:
        return resp.status_code, None, resp
    doc = json.loads(resp.json()["outputs"][0]["data"][0])
    return 200, [r["job_id"] for r in doc["results"]], resp


def _versions(clients: list[Any]) -> set[str]:
    return {str(c.infer({"op": "info"})["version"][0]) for c in clients}


def test_answers_stay_on_one_version_through_repeated_swaps(swapping: dict[str, Any]) -> None:
    from jobsearch.runtimes.v2 import V2Client

    from jobsearch.index.layout import Manifest, active_set

    pointer, roots, url = swapping["pointer"], swapping["roots"], swapping["search"]
    version = [Manifest.read(active_set(r)).set_version for r in roots]
    shard_clients = [V2Client(u, timeout_s=10.0) for u in swapping["shards"]]
    http = httpx.Client()

    def settle(i: int) -> None:
        pointer.write_text(str(roots[i]))
        wait_until(lambda: _versions(shard_clients) == {version[i]}, timeout_s=30, what=f"shards on {version[i]}",
                   every_s=0.002)

    expected: dict[str, list[list[str]]] = {q: [] for q in QUERIES}
    for i in (0, 1):
        settle(i)
        for q in QUERIES:
            status, ids, resp = _search(http, url, q)
            assert status == 200, resp.text
            expected[q].append(ids)
    for q in QUERIES:
        assert expected[q][0] != expected[q][1], f"{q!r}: both sets answer alike; the test could not see a mix"

    statuses: Counter[int] = Counter()
    mixed: list[tuple[str, list[str]]] = []
    retry_after: list[str | None] = []
    done = threading.Event()

    def client(n: int) -> None:
        with httpx.Client() as c:
            i = n
            while not done.is_set():
                q = QUERIES[i % len(QUERIES)]
                i += 1
                status, ids, resp = _search(c, url, q)
                statuses[status] += 1
                if status == 200 and ids not in expected[q]:
                    mixed.append((q, ids or []))
                if status == 503:
                    retry_after.append(resp.headers.get("Retry-After"))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    swaps = 0
    started = time.monotonic()
    try:
        for s in range(SWAPS):
            settle(s % 2)  # the expectations left the pointer on B: the first flip goes to A
            swaps += 1
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
    answered = sum(statuses.values())
    summary = {"swaps": swaps, "searches": answered, "statuses": {str(k): v for k, v in statuses.items()},
               "mixed_answers": len(mixed), "clients": CLIENTS, "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(summary))
    if out := os.environ.get("JOBSEARCH_SWAP_STRESS_OUT"):
        Path(out).write_text(json.dumps(summary))
    assert swaps == SWAPS
    assert mixed == [], f"{len(mixed)} answers mix shard sets, e.g. {mixed[:2]}"
    assert set(statuses) <= {200, 503}, dict(statuses)
    assert all(r is not None and int(r) >= 1 for r in retry_after)
    assert statuses[200] >= max(50, answered // 2)


class _Silent:
    """A TCP server that accepts and never answers: a stage that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._held.append(conn)

    def close(self) -> None:
        for c in self._held:
            c.close()
        self.sock.close()


def test_a_dead_shard_is_a_503_and_a_hanging_one_a_504(swapping: dict[str, Any],
                                                        tmp_path: Path) -> None:
    """A shard server killed while it loads (nothing listens yet, then nothing at all) makes
    the transformer answer 503 with Retry-After at once; a shard that accepts and never
    answers costs its per-stage timeout, then 504. Neither hangs, neither is a 500."""
    dying, dying_url = kserve_server("dying-shard", ["--role=shard", "--shard=0", "--shards=2",
                                                     f"--index-dir={swapping['roots'][0]}"], tmp_path)
    dying.kill()  # mid-load: the model server never started listening
    silent = _Silent()
    common = ["--role=transformer", f"--index-dir={swapping['roots'][0]}", f"--query-url={swapping['query']}",
              f"--encoder-url={swapping['triton']}/v2/models/retriever",
              f"--encoder-dir={swapping['triton_repo'] / 'retriever' / '1'}", "--cache-size=0",
              "--shards-timeout=1.5"]
    dead, dead_url = kserve_server("dead-shard-search", [*common, f"--shard-url={dying_url}",
                                                          f"--shard-url={swapping['shards'][1]}"], tmp_path)
    hung, hung_url = kserve_server("hung-shard-search", [
        *common, f"--shard-url=http://127.0.0.1:{silent.port}/v2/models/x", f"--shard-url={swapping['shards'][1]}"],
        tmp_path)
    try:
        dead.wait_ready(f"{dead_url}/ready")
        hung.wait_ready(f"{hung_url}/ready")
        with httpx.Client() as c:
            status, _, resp = _search(c, dead_url, "registered nurse")
            assert status == 503, resp.text
            assert resp.json()["code"] == "stage_unavailable" and "dying-shard" in resp.json()["error"]
            assert int(resp.headers["Retry-After"]) >= 1
            status, _, resp = _search(c, hung_url, "registered nurse")
            assert status == 504, resp.text
            assert resp.json()["code"] == "stage_timeout"
    finally:
        for s in (dead, hung, dying):
            s.stop()
        silent.close()

