"""Time to first search on a fresh machine (issue 17): `make demo` in a fresh clone with an
empty venv and an empty data home, until POST /v1/search answers with results; then a second
`make demo` on the same clone and home. Records each phase line the demo logs (install,
corpus, encoder, first postings, serve, fill-in) and the whole log.

    python bench/first_search.py --jobs 10000 --out bench/results/first_search.json

Run it on a machine without the pip cache warm if you want the install of a truly new box
(pip's cache lives in ~/.cache/pip); the JSON records whether one was there.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))
from machine import machine_info  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_demo(clone: Path, home: Path, jobs: int, timeout_s: float, wait_full: bool) -> dict:
    """Start `make demo`, poll a search until it answers, stop it; return timings and the log."""
    port = _free_port()
    env = {**os.environ, "JOBSEARCH_HOME": str(home), "DEMO_ARGS": f"--jobs {jobs} --port {port}"}
    env.pop("VIRTUAL_ENV", None)
    lines: list[tuple[float, str]] = []
    start = time.perf_counter()
    proc = subprocess.Popen(["make", "demo"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.perf_counter() - start, line.rstrip()))

    threading.Thread(target=read, daemon=True).start()
    first = full = None
    searchable = None
    try:
        with httpx.Client(timeout=30) as client:
            while time.perf_counter() - start < timeout_s and proc.poll() is None:
                try:
                    r = client.post(f"http://127.0.0.1:{port}/v1/search", json={"query": "registered nurse"})
                except httpx.HTTPError:
                    time.sleep(0.5)
                    continue
                if r.status_code == 200 and r.json()["results"]:
                    now = time.perf_counter() - start
                    if first is None:
                        first, searchable = now, r.json().get("searchable")
                    if r.json().get("searchable") is None:
                        full = now
                    if full or not wait_full:
                        break
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return {"first_search_s": None if first is None else round(first, 1),
            "whole_index_s": None if full is None else round(full, 1),
            "searchable_at_first": searchable,
            "log": [f"{t:7.1f} {line}" for t, line in lines]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=10000)
    ap.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds per run")
    ap.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "first_search.json")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="first-search-"))
    clone, home = work / "jobsearch", work / "home"
    subprocess.run(["git", "clone", "-q", str(HERE), str(clone)], check=True)
    result = {
        "machine": machine_info(),
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip(),
        "jobs": args.jobs,
        "pip_cache_present": (Path.home() / ".cache" / "pip").is_dir(),
        "fresh": run_demo(clone, home, args.jobs, args.timeout, wait_full=True),
        "second": run_demo(clone, home, args.jobs, args.timeout, wait_full=False),
        "targets": {"fresh_first_search_s": 240, "second_first_search_s": 15},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "log"} if isinstance(v, dict) and "log" in v else v
                      for k, v in result.items() if k != "machine"}, indent=1))


if __name__ == "__main__":
    main()
