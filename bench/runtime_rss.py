"""Resident memory of the KServe query engine server and transformer over a 100k-posting
shard set, for this checkout ("after") and an older commit ("before", default d6f9fb9:
both opened the whole FlatIndex for the catalog and the pairing check). Each runtime is
started as its real process (`python -m jobsearch.runtimes.serve`), RSS read from /proc
once it answers /ready. Remote URLs point nowhere: loading contacts no other stage.

    .venv/bin/python bench/runtime_rss.py --rows 100000 --out bench/results/runtime_rss.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTE = ("shared 2-core machine (load ~20); RSS in MiB 2 s after /ready. 'after' query servers warm "
        "up before /ready (place and occupation indexes, tagger): 'before' ones paid that at their first "
        "query, so the query-server gap is a lower bound. 'before' opened the whole FlatIndex in both.")
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))  # helpers.free_port


def build_index(work: Path, rows: int, model_id: str, source: Path | None = None) -> tuple[Path, Path]:
    """A corpus of `rows` generated postings and a 2-shard set over random unit vectors
    (memory, not relevance, is measured: encoding 100k postings would take an hour here)."""
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import MEMBERS_FILE, read_postings
    from jobsearch.index.build import build_from_arrays

    corpus, index = work / "corpus", work / "index"
    if not (index / "ACTIVE").exists():
        if source is not None:  # a corpus generated earlier (copied: it must not change under us)
            import shutil

            shutil.copytree(source, corpus, dirs_exist_ok=True)
        else:
            generate_corpus(corpus, n_jobs=rows, seed=5, progress=False)
        table = read_postings(corpus)
        vecs = np.random.default_rng(0).standard_normal((table.num_rows, 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        build_from_arrays(index, vecs, table, model_id=model_id, shards=2, dtype="float16",
                          members_file=corpus / MEMBERS_FILE)
    return corpus, index


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(tree: Path, role: str, args: list[str], log: Path) -> float:
    from helpers import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "jobsearch.runtimes.serve", f"--model_name={role}",
                                 f"--http_port={port}", f"--role={role}", *args],
                                stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=tree, start_new_session=True)
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError(f"{role} exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/v2/models/{role}/ready", timeout=2).status_code == 200:
                        time.sleep(2.0)  # let start-up garbage settle before reading RSS
                        return rss_mib(proc.pid)
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            raise TimeoutError(f"{role} not ready")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    from lint_tree import build
    from machine import machine_info

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--before", default="d6f9fb9", help="commit measured as 'before'")
    ap.add_argument("--corpus", type=Path, help="use this corpus folder instead of generating one")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "jobsearch-rss-bench")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "runtime_rss.json")
    args = ap.parse_args()
    from jobsearch.encode.default import ensure_exported
    from jobsearch.encode.manifest import Manifest
    from jobsearch.home import models_dir

    encoder_dir = ensure_exported(models_dir())
    model_id = Manifest.read(encoder_dir).model_id
    args.work.mkdir(parents=True, exist_ok=True)
    corpus, index = build_index(args.work, args.rows, model_id, args.corpus)
    old_checkout = args.work / f"checkout-{args.before}"
    if not old_checkout.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_checkout), args.before],
                       check=True, capture_output=True)
    trees = {"before": build(args.work / "tree-before", old_checkout), "after": build(args.work / "tree-after")}
    nowhere = "http://127.0.0.1:9/v2/models/x"
    roles = {
        "query": [f"--index-dir={index}", f"--corpus-dir={corpus}"],
        "transformer": [f"--index-dir={index}", f"--corpus-dir={corpus}", f"--query-url={nowhere}",
                        f"--encoder-url={nowhere}", f"--encoder-dir={encoder_dir}", f"--shard-url={nowhere}"],
    }
    from jobsearch.index.layout import Manifest as SetManifest
    from jobsearch.index.layout import active_set

    rows = SetManifest.read(active_set(index)).rows
    result: dict[str, Any] = {"rows": rows, "before_commit": args.before, "machine": machine_info(),
                              "note": NOTE, "rss_mib": {}}
    for name, tree in trees.items():
        for role, role_args in roles.items():
            mib = measure(tree, role, role_args, args.work / f"{name}-{role}.log")
            result["rss_mib"][f"{role}:{name}"] = round(mib, 1)
            print(role, name, round(mib, 1), "MiB", flush=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["rss_mib"], indent=2))


if __name__ == "__main__":
    main()
