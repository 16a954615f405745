"""Serving follows the index root's pointer (real pipeline, real sets, real HTTP): a running
server swaps to a set `activate`/`rollback` moved ACTIVE to, refuses a set that fails
verification and keeps serving, leaves a served set whose files changed size for the
newest good one in HISTORY, and a fresh server whose ACTIVE names a broken set serves the
newest good set and says so in /healthz."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from jobsearch.api import create_app
from jobsearch.api.service import ServingStatus
from jobsearch.index import build_from_arrays, layout
from jobsearch.index.shardset import activate_set, load_set, rollback_set
from jobsearch.serve import open_service, serve_in_background
from jobsearch.settings import ServeSettings


def _wait(check: Callable[[], Any], what: str, timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _writable(set_dir: Path) -> None:
    for p in set_dir.rglob("*"):
        if p.is_file():
            p.chmod(0o644)


@pytest.fixture(scope="module")
def root(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index root holding a copy of the demo set, active."""
    root = tmp_path_factory.mktemp("pointer") / "index"
    root.mkdir()
    source = layout.active_set(demo_home / "index")
    copy = root / source.name
    shutil.copytree(source, copy)
    layout.point_to(root, copy)
    return root


def _arrays(set_dir: Path) -> tuple[np.ndarray, Any, str]:
    from jobsearch.index.flat import View
    from jobsearch.index.turnover import live_arrays

    s = load_set(set_dir, verify=False)
    vectors, table = live_arrays(View(base=s))
    return np.asarray(vectors, dtype=np.float32), table, s.manifest.model_id


def _settings(root: Path, demo_home: Path) -> ServeSettings:
    return ServeSettings(index_dir=root, corpus_dir=demo_home / "corpus", follow_interval_s=0.2)


@pytest.fixture(scope="module")
def served(root: Path, demo_home: Path) -> Iterator[str]:
    settings = _settings(root, demo_home)
    status = ServingStatus()
    app = create_app(open_service(settings, status), settings, status=status)
    with serve_in_background(app) as url:
        yield url
    app.state.follower.stop()


def _health(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}/healthz", timeout=30).json()


def test_serving_follows_activate_rollback_and_refuses_bad_sets(root: Path, served: str, demo_home: Path) -> None:
    first = layout.active_set(root)
    rows = _health(served)["index_rows"]
    vectors, table, model_id = _arrays(first)

    smaller = build_from_arrays(root, vectors[:-100], table.slice(0, len(table) - 100), model_id=model_id,
                                activate=False)
    activate_set(root, smaller)
    _wait(lambda: _health(served)["index_rows"] == rows - 100, "the activated set to serve")
    r = httpx.post(f"{served}/v1/search", json={"query": "nurse"}, timeout=60)
    assert r.status_code == 200

    rollback_set(root)
    _wait(lambda: _health(served)["index_rows"] == rows, "the rolled-back set to serve")

    # A buggy operator points ACTIVE at a set that fails verification (workplace column
    # all "remote", checksums recomputed): the server refuses it and keeps serving.
    broken = build_from_arrays(root, vectors[:-200], table.slice(0, len(table) - 200), model_id=model_id,
                               activate=False)
    _writable(broken)
    col = broken / "shard-000" / "col.workplace.npy"
    np.save(col, np.full_like(np.load(col), 2))
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["shards"][0]["files"]["col.workplace.npy"] = layout.sha256_file(col)
    (broken / "manifest.json").write_text(json.dumps(manifest))
    layout.point_to(root, broken)
    health = _wait(lambda: (h := _health(served)).get("index_note") and h, "the refusal to show in /healthz")
    assert broken.name in health["index_note"] and "failed verification" in health["index_note"]
    assert health["index_rows"] == rows
    assert str(root) not in health["index_note"]  # set names, never server paths
    assert httpx.post(f"{served}/v1/search", json={"query": "nurse"}, timeout=60).status_code == 200

    # A served file changes size under the server: it leaves that set for the newest good
    # one in HISTORY instead of reading a mapped page that is gone.
    _writable(first)
    vec = first / "shard-000" / "vectors.npy"
    with open(vec, "r+b") as fh:
        fh.truncate(vec.stat().st_size - 4096)
    health = _wait(lambda: (h := _health(served))["index_rows"] == rows - 100 and h, "the fallback after truncation")
    assert "changed on disk" in health["index_note"]

    # A fresh server: ACTIVE names the broken set, the first set is damaged; the newest
    # good set in HISTORY serves, and /healthz says so.
    settings = _settings(root, demo_home)
    status = ServingStatus()
    app = create_app(open_service(settings, status), settings, status=status)
    try:
        with serve_in_background(app) as fresh:
            health = _health(fresh)
            assert health["status"] == "ok" and health["index_rows"] == rows - 100
            assert broken.name in health["index_note"] and smaller.name in health["index_note"]
            assert httpx.post(f"{fresh}/v1/search", json={"query": "nurse"}, timeout=60).status_code == 200
    finally:
        app.state.follower.stop()
