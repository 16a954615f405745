"""Relevance gates of an encoder change (issue 17): the int8 encoder against fp32, on both judges.

For each precision, a data home sharing one generated corpus gets its own export and index;
then, per home:
- the policy harness: `jobsearch eval run --system minilm --split test` (synthetic queries of
  that corpus, graded by the policy grader): retrieval NDCG@10, MRR, Recall@100;
- the LLM-judged dev set: `jobsearch eval dev --system served` re-ranks each judged pool
  (../shared/relevance/) by the home's own encoder: NDCG@10, P@10, first result Good;
- documents/s of the index build (same corpus, same run, fresh embedding cache), and the
  cosine of each sampled posting's vector to its fp32 vector.
Gate (the issue's): NDCG within 0.005 on the harness, dev re-ranking not worse.

    python bench/encoder_gates.py --jobs 5000 --out bench/results/encoder_gates.json
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

import numpy as np

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))
from machine import machine_info  # noqa: E402

PRECISIONS = ("fp32", "int8")


def _cli(home: Path, *args: str) -> None:
    env = {**os.environ, "JOBSEARCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    subprocess.run([str(Path(sys.executable).with_name("jobsearch")), *args], env=env, check=True, cwd=HERE,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=5000, help="postings in the generated corpus")
    ap.add_argument("--queries", type=int, default=600, help="synthetic queries generated (the test split is a part)")
    ap.add_argument("--sample", type=int, default=500, help="postings encoded in-process for docs/s and cosine")
    ap.add_argument("--work", type=Path, default=None, help="keep the homes here (default: a temp folder)")
    ap.add_argument("--judged", type=Path, default=HERE.parent / "shared" / "relevance" / "judged-dev.jsonl")
    ap.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "encoder_gates.json")
    args = ap.parse_args()

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.export import export_retriever
    from jobsearch.encode.onnx_encoder import OnnxEncoder
    from jobsearch.encode.text import posting_text

    work = args.work or Path(tempfile.mkdtemp(prefix="encoder-gates-"))
    corpus = work / "corpus"
    if not (corpus / "postings.parquet").exists():
        generate_corpus(corpus, n_jobs=args.jobs, seed=7, progress=False)
    queries = work / "queries"
    if not queries.exists():
        _cli(work / "fp32", "eval", "queries", "--corpus-dir", str(corpus), "--out", str(queries),
             "--n", str(args.queries))
    # a sample for speed and cosine; the index builds below encode every posting
    texts = [posting_text(r) for r in read_postings(corpus).slice(0, args.sample).to_pylist()]
    result: dict = {"machine": machine_info(), "jobs": args.jobs, "systems": {}}
    vectors = {}
    for precision in PRECISIONS:
        home = work / precision
        models = home / "models"
        if not (models / "retriever" / "1" / "model.onnx").exists():
            export_retriever(models, precision=precision)
        enc = OnnxEncoder.load(models / "retriever" / "1")
        start = time.perf_counter()
        vectors[precision] = enc.encode(texts)
        docs_s = len(texts) / (time.perf_counter() - start)
        runs = home / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        if not (home / "index" / "ACTIVE").exists():
            _cli(home, "index", "build", "--corpus", str(corpus))
        _cli(home, "eval", "run", "--system", "minilm", "--split", "test", "--corpus-dir", str(corpus),
             "--queries-path", str(queries), "--out", str(runs / "harness.json"))
        harness = json.loads((runs / "harness.json").read_text())["overall"]
        row: dict = {"docs_per_s_encode": round(docs_s, 1),
                     "harness": {k: round(v, 4) for k, v in harness.items()}}
        if args.judged.exists():
            _cli(home, "eval", "dev", "--system", "served", "--judged", str(args.judged),
                 "--corpus-dir", str(corpus), "--out", str(runs / "dev.json"))
            dev = json.loads((runs / "dev.json").read_text())[0]["overall"]
            row["dev_rerank"] = {k: round(dev[k], 4) for k in ("ndcg@10", "p@10", "first_good_answerable")}
        result["systems"][precision] = row
        print(precision, json.dumps(row), flush=True)
    cos = np.sum(vectors["int8"] * vectors["fp32"], axis=1)
    result["int8_vs_fp32_cosine"] = {"mean": round(float(cos.mean()), 5), "p01": round(float(np.percentile(cos, 1)), 5),
                                     "min": round(float(cos.min()), 5)}
    a, b = result["systems"]["fp32"], result["systems"]["int8"]
    gate = {"harness_ndcg_delta": round(b["harness"]["ndcg@10"] - a["harness"]["ndcg@10"], 4),
            "encode_speedup": round(b["docs_per_s_encode"] / a["docs_per_s_encode"], 2)}
    if "dev_rerank" in a:
        gate["dev_ndcg_delta"] = round(b["dev_rerank"]["ndcg@10"] - a["dev_rerank"]["ndcg@10"], 4)
        gate["dev_p10_delta"] = round(b["dev_rerank"]["p@10"] - a["dev_rerank"]["p@10"], 4)
    gate["passed"] = gate["harness_ndcg_delta"] >= -0.005 and gate.get("dev_ndcg_delta", 0.0) >= -0.005
    result["gate"] = gate
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(gate))


if __name__ == "__main__":
    main()
