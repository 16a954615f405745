"""Hot swap in a live shard server: the operator's pointer moves to a new shard set while
requests stream in; no request fails or mixes versions, the new set is served after the
swap, and a corrupt set is refused (the failure metric counts it) while the good one keeps
serving. Polls the server's answers and metrics, never sleeps on a guess."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import httpx
import numpy as np
import pytest
from helpers import kserve_server, wait_until

from jobsearch.schema import Filters

pytestmark = pytest.mark.slow


def _sets(demo_home: Path, root: Path) -> tuple[Path, Path, Path]:
    """Two good builds of the demo corpus (different versions) and a corrupt copy."""
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.build import build_index
    from jobsearch.index.layout import active_set

    a, b = root / "a", root / "b"
    for r in (a, b):
        build_index(demo_home / "corpus", r, default_encoder(), shards=1, progress=False)
    bad = root / "bad"
    shutil.copytree(b, bad)
    vectors = next(active_set(bad).glob("shard-000/vectors*.npy"))
    vectors.chmod(0o644)  # published sets are read-only
    data = bytearray(vectors.read_bytes())
    data[-64:] = bytes(64)
    vectors.write_bytes(bytes(data))
    return a, b, bad


def _swap_failures(metrics_url: str) -> float:
    for line in httpx.get(metrics_url, timeout=5.0).text.splitlines():
        if line.startswith("jobsearch_index_swap_failures_total "):
            return float(line.split()[1])
    return 0.0


def test_swap_under_load_never_fails_and_refuses_a_corrupt_set(demo_home: Path, tmp_path: Path) -> None:
    from jobsearch.runtimes.remote import RemoteRetriever
    from jobsearch.runtimes.v2 import V2Client

    from jobsearch.index import FlatIndex

    a, b, bad = _sets(demo_home, tmp_path)
    pointer = tmp_path / "active" / "path"
    pointer.parent.mkdir()
    pointer.write_text(str(a))
    server, url = kserve_server("shard", ["--role=shard", "--shard=0", "--shards=1", f"--active-file={pointer}",
                                          "--poll-seconds=0.05"], tmp_path)
    metrics = url.split("/v2/")[0] + "/metrics"
    try:
        server.wait_ready(f"{url}/ready")
        ia, ib = FlatIndex.open(a), FlatIndex.open(b)
        assert ia.version != ib.version
        rng = np.random.default_rng(1)
        q = rng.standard_normal((1, ia.dim)).astype(np.float32)
        q /= np.linalg.norm(q)
        expected = {ia.version: ia.search(q, Filters(), 10)[0].job_ids,
                    ib.version: ib.search(q, Filters(), 10)[0].job_ids}
        retriever = RemoteRetriever([url])
        seen: list[str] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def load() -> None:
            client = V2Client(url)
            while not stop.is_set():
                try:
                    out = client.infer({"op": "search", "vectors": q, "filters": "{}",
                                        "k": np.array([10], dtype=np.int64)})
                    version = str(out["version"][0])
                    ids = [str(x) for x in out["job_ids"][0][: int(out["counts"][0])]]
                    assert ids == expected[version], f"answer of {version} mixes sets"
                    seen.append(version)
                except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(exc)

        workers = [threading.Thread(target=load) for _ in range(3)]
        for w in workers:
            w.start()
        wait_until(lambda: len(seen) >= 20, timeout_s=30, what="answers from set a")
        pointer.write_text(str(b))
        wait_until(lambda: seen and seen[-1] == ib.version, timeout_s=30, what="answers from set b")
        served_b = len(seen)
        wait_until(lambda: len(seen) >= served_b + 20, timeout_s=30, what="more answers from set b")
        stop.set()
        for w in workers:
            w.join(timeout=30)
        assert errors == []
        assert seen[0] == ia.version and seen[-1] == ib.version
        assert set(seen) == {ia.version, ib.version}

        failures = _swap_failures(metrics)
        pointer.write_text(str(bad))
        wait_until(lambda: _swap_failures(metrics) > failures, timeout_s=60, what="the corrupt set refused")
        assert retriever.version == ib.version
        assert retriever.search(q, Filters(), 10)[0].job_ids == expected[ib.version]
    finally:
        server.stop()
