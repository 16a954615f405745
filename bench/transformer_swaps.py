"""The full-size run of the transformer swap stress test (tests/runtimes/
test_transformer_swaps.py): 1,000 pointer flips between two 2-shard sets under concurrent
searches through the KServe transformer; records swaps, searches, statuses and mixed
answers with the machine. The suite runs the same test with fewer swaps.

    .venv/bin/python bench/transformer_swaps.py --swaps 1000 --out bench/results/transformer_swaps.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    from machine import machine_info

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--swaps", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "transformer_swaps.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "counts.json"
        env = {**os.environ, "JOBSEARCH_SWAP_STRESS_SWAPS": str(args.swaps),
               "JOBSEARCH_SWAP_STRESS_CLIENTS": str(args.clients), "JOBSEARCH_SWAP_STRESS_OUT": str(counts)}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/runtimes/test_transformer_swaps.py::test_answers_stay_on_one_version_through_repeated_swaps"],
            cwd=ROOT, env=env)
        result = {"passed": proc.returncode == 0, **(json.loads(counts.read_text()) if counts.exists() else {}),
                  "machine": machine_info(), "note": "shared 2-core machine; every service on one host"}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
