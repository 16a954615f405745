"""The served ranker's fusion weight, judged twice (issue 12): score = ranker logit + W x
retrieval cosine, against retrieval order, on both judges.

- Policy harness: `jobsearch eval run --system minilm --split test` on a generated corpus with
  the int8 encoder, without the ranker and with it at each W (top 100 re-ranked, no time
  budget): NDCG@10, MRR, Recall@100 by the policy grader.
- LLM-judged dev set (../shared/relevance/): the home's encoder and the ranker score every
  judged pair (`jobsearch eval dev` systems `served` and `ranker`), then `bench/dev_product.py`
  shows each order through the parsed filters: NDCG@10, P@10, first result Good+, and the
  labels (retrieval calibration on the cosine) on what is shown.

    python bench/ranker_fusion.py --weights 0,20,40,80 --out bench/results/ranker_fusion.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))
from machine import machine_info  # noqa: E402


def _cli(home: Path, *args: str) -> None:
    env = {**os.environ, "JOBSEARCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    subprocess.run([str(Path(sys.executable).with_name("jobsearch")), *args], env=env, check=True, cwd=HERE,
                   stdout=subprocess.DEVNULL)


def _dev(home: Path, judged: Path, weights: list[float], work: Path) -> dict:
    from jobsearch.models.dev_scoring import score_dev
    from jobsearch.models.dev_set import read_judged

    queries = read_judged(judged)
    scores: dict = {}
    for system, key in (("served", "retrieval"), ("ranker", "ranker")):
        for qid, s in score_dev(system, queries).items():
            scores.setdefault(qid, {})[key] = [float(x) for x in s]
    path = work / "dev_scores.json.gz"
    with gzip.open(path, "wt") as f:
        json.dump(scores, f)
    cal = HERE / "jobsearch" / "rank" / "models" / "retrieval-calibration.json"
    args = ["--scores", str(path), "--calibration", f"retrieval={cal}", "--out", str(work / "dev_product.json")]
    for w in weights:
        if w:
            args += ["--fuse", f"ranker={w:g}", "--calibration", f"ranker + {w:g} x cosine={cal}@retrieval"]
        else:
            args += ["--calibration", f"ranker={cal}@retrieval"]
    subprocess.run([sys.executable, str(HERE / "bench" / "dev_product.py"), *args], check=True, cwd=HERE,
                   stdout=subprocess.DEVNULL)
    shown = json.loads((work / "dev_product.json").read_text())["systems"]
    return {k.removesuffix(" + parsed filters"): v for k, v in shown.items() if k.endswith(" + parsed filters")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=5000, help="postings in the generated corpus")
    ap.add_argument("--queries", type=int, default=600, help="synthetic queries generated (the test split is a part)")
    ap.add_argument("--weights", default="0,20,40,80", help="fusion weights W to judge (0: the logit alone)")
    ap.add_argument("--work", type=Path, default=None, help="keep the home here (default: a temp folder)")
    ap.add_argument("--judged", type=Path, default=HERE.parent / "shared" / "relevance" / "judged-dev.jsonl")
    ap.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "ranker_fusion.json")
    args = ap.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="ranker-fusion-"))
    corpus, home = work / "corpus", work / "home"
    os.environ["JOBSEARCH_HOME"] = str(home)  # before jobsearch reads its settings

    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.encode.export import export_retriever
    from jobsearch.rank.shipped import install_shipped

    if not (corpus / "postings.parquet").exists():
        generate_corpus(corpus, n_jobs=args.jobs, seed=7, progress=False)
    queries = work / "queries"
    if not queries.exists():
        _cli(home, "eval", "queries", "--corpus-dir", str(corpus), "--out", str(queries), "--n", str(args.queries))
    if not (home / "models" / "retriever" / "1" / "model.onnx").exists():
        export_retriever(home / "models", precision="int8")
    install_shipped(home / "models")
    if not (home / "index" / "ACTIVE").exists():
        _cli(home, "index", "build", "--corpus", str(corpus))
    result: dict = {"machine": machine_info(), "jobs": args.jobs, "judge_harness": "policy grader (test split)",
                    "judge_dev": "LLM dev set, through the parsed filters", "harness": {}, "dev": {}}
    runs = work / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for w in [None, *weights]:
        name = "retrieval" if w is None else ("ranker" if not w else f"ranker + {w:g} x cosine")
        extra = [] if w is None else ["--ranker", "--fusion-weight", str(w)]
        out = runs / f"harness-{'none' if w is None else f'{w:g}'}.json"
        _cli(home, "eval", "run", "--system", "minilm", "--split", "test", "--corpus-dir", str(corpus),
             "--queries-path", str(queries), "--out", str(out), *extra)
        overall = json.loads(out.read_text())["overall"]
        result["harness"][name] = {k: round(v, 4) for k, v in overall.items() if isinstance(v, float)}
        print("harness", name, json.dumps(result["harness"][name]), flush=True)
    if args.judged.exists():
        result["dev"] = _dev(home, args.judged, weights, work)
        for name, row in result["dev"].items():
            print("dev", name, json.dumps(row), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
