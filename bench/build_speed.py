"""`jobsearch index build` against plain sentence-transformers fp32 on the same texts (issue 17).

Whole commands, each in a fresh process with a fresh embedding cache, alternated so both see
the same machine load:
- `jobsearch index build` of an N-posting corpus with the int8 export (the default) and with
  the fp32 export (models exported once beforehand; the export time is reported apart);
- a plain sentence-transformers script: load all-MiniLM-L6-v2 (fp32, its own 256-token limit),
  embed `posting_text` of the same postings, save the vectors.

    python bench/build_speed.py --jobs 1500 --rounds 2 --out bench/results/build_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))
from machine import machine_info  # noqa: E402

ST_SCRIPT = """
import sys, numpy as np
from pathlib import Path
from sentence_transformers import SentenceTransformer
from jobsearch.corpus.table import read_postings
from jobsearch.encode.text import posting_text
from jobsearch.encode.torch_encoder import base_model_path
texts = [posting_text(r) for r in read_postings(Path(sys.argv[1])).to_pylist()]
model = SentenceTransformer(str(base_model_path()), device="cpu")
np.save(sys.argv[2], model.encode(texts, batch_size=32, normalize_embeddings=True))
"""


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=2, help="alternated repetitions of every command")
    ap.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "build_speed.json")
    args = ap.parse_args()

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.encode.export import export_retriever

    work = Path(tempfile.mkdtemp(prefix="build-speed-"))
    corpus = work / "corpus"
    generate_corpus(corpus, n_jobs=args.jobs, seed=7, progress=False)
    exe = str(Path(sys.executable).with_name("jobsearch"))
    base = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    export_s = {}
    for precision in ("int8", "fp32"):
        start = time.perf_counter()
        export_retriever(work / precision / "models", precision=precision)
        export_s[precision] = round(time.perf_counter() - start, 1)

    times: dict[str, list[float]] = {"index_build_int8": [], "index_build_fp32": [], "sentence_transformers_fp32": []}
    for _ in range(args.rounds):
        for precision in ("int8", "fp32"):
            home = work / precision
            shutil.rmtree(home / "cache", ignore_errors=True)
            shutil.rmtree(home / "index", ignore_errors=True)
            times[f"index_build_{precision}"].append(
                _timed([exe, "index", "build", "--corpus", str(corpus)], {**base, "JOBSEARCH_HOME": str(home)}))
        times["sentence_transformers_fp32"].append(
            _timed([sys.executable, "-c", ST_SCRIPT, str(corpus), str(work / "st.npy")], base))
        print({k: v[-1] for k, v in times.items()}, flush=True)
    best = {k: round(min(v), 2) for k, v in times.items()}
    st = best["sentence_transformers_fp32"]
    result = {
        "machine": machine_info(),
        "jobs": args.jobs,
        "rounds": args.rounds,
        "seconds_per_run": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "seconds_best": best,
        "seconds_median": {k: round(statistics.median(v), 2) for k, v in times.items()},
        "speedup_vs_sentence_transformers": {k: round(st / v, 2) for k, v in best.items() if k.startswith("index")},
        "export_seconds_once": export_s,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("seconds_best", "speedup_vs_sentence_transformers")}))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
