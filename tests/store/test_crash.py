"""kill -9 at every step of a write, of the follower and of compaction (a real server
process on loopback, real SQLite store, real encoder, the demo index): after a restart every
acknowledged write is present, every acknowledged delete absent, and the index serves
exactly the store's live postings (nothing half-applied, nothing resurrected)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pg_server import free_port
from store_fixtures import posting

from jobsearch.failpoints import POINTS

HERE = Path(__file__).resolve().parent
AUTH = {"Authorization": "Bearer crash-token"}
pytestmark = pytest.mark.slow


class Server:
    def __init__(self, tmp: Path, demo_home: Path, store: str) -> None:
        self.tmp, self.demo_home, self.store = tmp, demo_home, store
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, timeout_s: float = 180.0) -> dict:  # type: ignore[type-arg]
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "JOBSEARCH_FAILPOINTS"}
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_server.py"), "--index", str(self.tmp / "index"), "--store", self.store,
             "--models", str(self.demo_home / "models"), "--cache", str(self.tmp / "cache"), "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=open(self.tmp / "server.log", "ab"),  # noqa: SIM115
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.tmp / "server.log").read_text()[-3000:]
            try:
                state = httpx.get(f"{self.url}/_state", timeout=10).json()
                if state["following"]:
                    return state
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the crash server did not start following in time")

    def state(self) -> dict:  # type: ignore[type-arg]
        return httpx.get(f"{self.url}/_state", timeout=30).json()

    def wait_killed(self, timeout_s: float = 60.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout_s)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


def store_titles(location: str) -> dict[str, str]:
    import json

    from jobsearch.store import open_store
    from jobsearch.store.sql import now_ms

    store = open_store(location)
    try:
        _, chunks = store.snapshot()
        now = now_ms()
        return {r.job_id: json.loads(r.posting)["title"] for part in chunks for r in part if r.live(now)}
    finally:
        store.close()


@pytest.fixture(scope="module")
def small_index(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 postings of the demo index (real 384-d vectors): start-up, adoption and
    compaction stay short while every step is still exercised."""
    from jobsearch.index import FlatIndex, build_from_arrays
    from jobsearch.index.turnover import live_arrays

    demo = FlatIndex.open(demo_home / "index")
    vectors, table = live_arrays(demo.view)
    root = tmp_path_factory.mktemp("crash-index") / "index"
    build_from_arrays(root, vectors[:400], table.slice(0, 400), model_id=demo.model_id)
    return root


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_at_every_step(point: str, demo_home: Path, small_index: Path, tmp_path: Path) -> None:
    shutil.copytree(small_index, tmp_path / "index", symlinks=True)
    store = str(tmp_path / "store.sqlite")
    server = Server(tmp_path, demo_home, store)
    try:
        first = server.start()
        demo_ids = sorted(first["titles"])[:2]
        acked_titles: dict[str, str] = {}
        r = httpx.put(f"{server.url}/v1/postings/crash-1", json=posting(1, prefix="crash", title="Crash one"),
                      headers=AUTH, timeout=60)
        assert r.status_code == 200, r.text
        acked_titles["crash-1"] = "Crash one"
        current = httpx.get(f"{server.url}/v1/postings/{demo_ids[0]}", headers=AUTH, timeout=30).json()["posting"]
        current.pop("apply_url", None)  # the demo generator's relative apply_url fails `corpus validate`
        r = httpx.put(f"{server.url}/v1/postings/{demo_ids[0]}", json={**current, "title": "Retitled before crash"},
                      headers=AUTH, timeout=60)
        assert r.status_code == 200 and r.json()["status"] == "updated", r.text
        acked_titles[demo_ids[0]] = "Retitled before crash"
        assert httpx.delete(f"{server.url}/v1/postings/{demo_ids[1]}", headers=AUTH, timeout=30).status_code == 200
        acked_deleted = {demo_ids[1]}
        if point.startswith("compact:"):
            r = httpx.put(f"{server.url}/v1/postings/crash-3", json=posting(3, prefix="crash", title="Crash three"),
                          headers=AUTH, timeout=60)
            assert r.status_code == 200
            acked_titles["crash-3"] = "Crash three"

        httpx.post(f"{server.url}/_arm", params={"point": point}, timeout=30).raise_for_status()
        with pytest.raises(httpx.HTTPError):  # the server dies before it answers
            if point.startswith("compact:"):
                httpx.post(f"{server.url}/_compact", timeout=120)
            else:
                httpx.put(f"{server.url}/v1/postings/crash-2", json=posting(2, prefix="crash", title="Crash two"),
                          headers=AUTH, timeout=60)
        assert server.wait_killed() == -9

        after = server.start()
        stored = store_titles(store)
        for job_id, title in acked_titles.items():
            assert stored.get(job_id) == title and after["titles"].get(job_id) == title, job_id
        for job_id in acked_deleted:
            assert job_id not in stored and job_id not in after["titles"]
        if point == "write:before_commit":
            assert "crash-2" not in stored  # never committed, never acknowledged
        elif not point.startswith("compact:"):
            assert stored.get("crash-2") == "Crash two"  # committed before the kill: durable
        assert after["titles"] == stored  # the index serves exactly the store: nothing half-applied
        assert after["applied"] == after["head"]
    finally:
        server.stop()
