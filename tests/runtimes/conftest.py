"""Runtime fixtures: real server processes on 127.0.0.1 (a pytriton Triton serving the
model repository, KServe ModelServers for the shard servers, query engine and transformer),
each started once per session with bounded start-up and torn down by process group.

kserve and tritonclient.grpc (pytriton) cannot share a process, so neither is imported
here: servers run in subprocesses and tests talk V2 over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import Server, free_port, kserve_server


@pytest.fixture(scope="session")
def spawn() -> Any:
    """(name, args, log_dir) -> a started helpers.Server; free_port is `spawn.free_port`."""

    def start(name: str, args: list[str], log_dir: Path) -> Server:
        return Server(name, args, log_dir)

    start.free_port = free_port  # type: ignore[attr-defined]
    return start


@pytest.fixture(scope="session")
def encoder_version_dir(demo_home: Path) -> Path:
    from jobsearch.encode.default import ensure_exported

    return ensure_exported(demo_home / "models")


@pytest.fixture(scope="session")
def triton_repo(encoder_version_dir: Path, tiny_ranker_int8: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jobsearch.runtimes.triton.ranker import build_ranker
    from jobsearch.runtimes.triton.repository import build_model

    root = tmp_path_factory.mktemp("triton-repo")
    build_model(encoder_version_dir, root, name="retriever", device="cpu")
    build_ranker(tiny_ranker_int8, root, device="cpu")  # ranker_prefix + ranker_candidate
    return root


@pytest.fixture(scope="session")
def triton_url(triton_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("pytriton", reason="nvidia-pytriton is not installed")
    port = free_port()
    server = Server(
        "triton",
        ["-m", "jobsearch.runtimes.triton.local_server", str(triton_repo), "--host", "127.0.0.1",
         "--http-port", str(port), "--grpc-port", str(free_port()), "--metrics-port", str(free_port())],
        tmp_path_factory.mktemp("logs"),
    )
    try:
        server.wait_ready(f"http://127.0.0.1:{port}/v2/models/retriever/ready")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sharded_index(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus in a 2-shard set (embeddings come from the session's cache)."""
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.build import build_index

    root = tmp_path_factory.mktemp("index-2-shards")
    build_index(demo_home / "corpus", root, default_encoder(), shards=2, progress=False)
    return root


@pytest.fixture(scope="session")
def runtime_urls(
    demo_home: Path, sharded_index: Path, triton_url: str, triton_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    """Two shard servers, the query engine and the transformer wired to them and Triton."""
    logs = tmp_path_factory.mktemp("logs")
    servers: list[Server] = []
    urls: dict[str, Any] = {"shards": []}
    try:
        for i in range(2):
            s, url = kserve_server(f"shard-{i}", ["--role=shard", f"--shard={i}", "--shards=2",
                                            f"--index-dir={sharded_index}"], logs)
            servers.append(s)
            urls["shards"].append(url)
        s, urls["query"] = kserve_server("query", ["--role=query", f"--index-dir={sharded_index}",
                                             f"--corpus-dir={demo_home / 'corpus'}"], logs)
        servers.append(s)
        for s, url in zip(servers, [*urls["shards"], urls["query"]], strict=True):
            s.wait_ready(f"{url}/ready")
        args = ["--role=transformer", f"--query-url={urls['query']}",
                f"--encoder-url={triton_url}/v2/models/retriever",
                f"--encoder-dir={triton_repo / 'retriever' / '1'}",
                f"--index-dir={sharded_index}", f"--corpus-dir={demo_home / 'corpus'}"]
        args += [f"--shard-url={u}" for u in urls["shards"]]
        s, urls["search"] = kserve_server("search", args, logs)
        servers.append(s)
        s.wait_ready(f"{urls['search']}/ready")
        yield urls
    finally:
        for s in servers:
            s.stop()
