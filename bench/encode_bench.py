"""Benchmark the retriever encoder: PyTorch vs plain ONNX Runtime vs ORT-optimised graphs.

Prints JSON: single-query latency (p50/p99, queries/s at batch 1), docs/s at batch 64 for
max_length 64 and 128, parity with PyTorch, retrieval agreement of max_length 64 vs 128,
cold-start (import + load) times. Numbers from a shared machine are noisy: the JSON
records the load average before and after.

    nice python bench/encode_bench.py [--corpus DIR] [--docs 512] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

QUERY = "senior python developer remote in Berlin"  # 6 words


def corpus_texts(corpus: Path | None, n: int, tmp: Path) -> tuple[list[str], list[str]]:
    """Posting texts (as the index embeds them) and queries made from distinct titles."""
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.text import posting_text

    if corpus is None:
        from jobsearch.corpus.generate import generate_corpus

        corpus = tmp / "corpus"
        generate_corpus(corpus, n_jobs=n, seed=7, progress=False)
    rows = read_postings(corpus).slice(0, n).to_pylist()
    titles = sorted({r["title"].lower() for r in rows})
    rng = np.random.default_rng(0)
    queries = [str(t) for t in rng.choice(titles, size=min(60, len(titles)), replace=False)]
    return [posting_text(r) for r in rows], queries


def latency(encode, runs: int) -> dict[str, float]:
    for _ in range(10):
        encode([QUERY])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        encode([QUERY])
        times.append(time.perf_counter() - start)
    ms = np.asarray(times) * 1e3
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "queries_per_s_batch1": round(1e3 / float(ms.mean()), 1),
    }


def docs_per_s(encode, texts: list[str]) -> float:
    encode(texts[:64])  # warm-up at full width
    start = time.perf_counter()
    encode(texts)
    return round(len(texts) / (time.perf_counter() - start), 1)


def min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    return round(float(np.min(np.sum(a * b, axis=1))), 7)


def agreement(
    docs_a: np.ndarray, docs_b: np.ndarray, queries: np.ndarray, k: int = 10
) -> dict[str, float]:
    """How much max_length 64 changes retrieval: overlap of top-k (b is the reference)."""
    top_a = np.argsort(-(queries @ docs_a.T), axis=1)[:, :k]
    top_b = np.argsort(-(queries @ docs_b.T), axis=1)[:, :k]
    overlap = [len(set(x) & set(y)) / k for x, y in zip(top_a, top_b, strict=True)]
    return {
        f"top{k}_overlap": round(float(np.mean(overlap)), 4),
        "mean_doc_cosine": round(float(np.mean(np.sum(docs_a * docs_b, axis=1))), 5),
    }


def cold_start(model_dir: Path) -> dict[str, float]:
    """Import + load + first query in a fresh interpreter (what `jobsearch serve` pays)."""
    code = (
        "import time; t0=time.perf_counter()\n"
        "from jobsearch.encode.onnx_encoder import OnnxEncoder\n"
        f"t1=time.perf_counter(); e=OnnxEncoder.load(__import__('pathlib').Path({str(model_dir)!r}))\n"
        "t2=time.perf_counter(); e.encode(['python developer']); t3=time.perf_counter()\n"
        "import sys, json; print(json.dumps({'import_s': t1-t0, 'load_s': t2-t1, 'first_encode_s': t3-t2,"
        " 'transformers_imported': 'transformers' in sys.modules, 'torch_imported': 'torch' in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {
        k: round(v, 3) if isinstance(v, float) else v for k, v in json.loads(out.stdout).items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="corpus folder (default: generate one)"
    )
    parser.add_argument("--docs", type=int, default=512, help="postings to encode per measurement")
    parser.add_argument("--runs", type=int, default=300, help="single-query repetitions")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch

    from jobsearch.encode.export import export_retriever
    from jobsearch.encode.onnx_encoder import OnnxEncoder
    from jobsearch.encode.torch_encoder import TorchEncoder

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    report: dict[str, object] = {
        "machine": {
            "cpus": threads,
            "loadavg_start": os.getloadavg(),
            "note": "shared machine; numbers are noisy",
        },
        "query": QUERY,
        "docs": args.docs,
        "engines": {},
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        texts, queries = corpus_texts(args.corpus, args.docs, tmp)
        dirs = {
            "ort-plain": export_retriever(tmp / "plain", optimize=None),
            "ort-optimizer": export_retriever(tmp / "ort", optimize="ort"),
            "ort-fused": export_retriever(tmp / "fused", optimize="onnxscript"),
        }
        ref = TorchEncoder.load(max_length=128)
        ref_docs = ref.encode(texts)
        engines: dict[str, dict[str, object]] = {}
        engines["pytorch"] = {
            **latency(ref.encode, args.runs),
            "docs_per_s_len128": docs_per_s(lambda x: ref.encode(x, batch_size=64), texts),
            "docs_per_s_len64": docs_per_s(
                lambda x: TorchEncoder.load(max_length=64).encode(x, batch_size=64), texts
            ),
        }
        for name, folder in dirs.items():
            enc = OnnxEncoder.load(folder)
            short = OnnxEncoder.load(folder, max_length=64)
            manifest = json.loads((folder / "manifest.json").read_text())
            engines[name] = {
                **latency(enc.encode, args.runs),
                "docs_per_s_len128": docs_per_s(lambda x, e=enc: e.encode(x, batch_size=64), texts),
                "docs_per_s_len64": docs_per_s(
                    lambda x, e=short: e.encode(x, batch_size=64), texts
                ),
                "min_cosine_vs_pytorch": min_cosine(enc.encode(texts), ref_docs),
                "fusions": manifest["fusions"],
            }
        fused = dirs["ort-fused"]
        engines["ort-fused-1thread"] = latency(OnnxEncoder.load(fused, threads=1).encode, args.runs)
        # two single-threaded sessions on halves of the input vs one two-threaded session
        one = [OnnxEncoder.load(fused, threads=1) for _ in range(threads)]
        with ThreadPoolExecutor(threads) as pool:

            def parallel(x: list[str]) -> list[np.ndarray]:
                parts = np.array_split(np.arange(len(x)), threads)
                futures = [
                    pool.submit(e.encode, [x[i] for i in p], 64)
                    for e, p in zip(one, parts, strict=True)
                ]
                return [f.result() for f in futures]

            engines["ort-fused"]["docs_per_s_len128_sessions_x_1thread"] = docs_per_s(
                parallel, texts
            )
        enc128 = OnnxEncoder.load(fused)
        enc64 = OnnxEncoder.load(fused, max_length=64)
        q = enc128.encode(queries)
        docs128 = enc128.encode(texts)
        report["max_length_64_vs_128"] = agreement(enc64.encode(texts), docs128, q)
        # int8 weights (ORT dynamic quantisation, per channel): faster, but below the parity bar
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(
            str(fused / "model.onnx"),
            str(tmp / "int8.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        int8 = OnnxEncoder.from_files(tmp / "int8.onnx", fused, max_length=128, model_id="int8")
        int8_docs = int8.encode(texts)
        engines["ort-fused-int8"] = {
            **latency(int8.encode, args.runs),
            "docs_per_s_len128": docs_per_s(lambda x: int8.encode(x, batch_size=64), texts),
            "min_cosine_vs_pytorch": min_cosine(int8_docs, ref_docs),
            "vs_fp32_len128": agreement(int8_docs, docs128, q),
        }
        report["cold_start_fused"] = cold_start(fused)
        report["engines"] = engines
    report["machine"]["loadavg_end"] = os.getloadavg()  # type: ignore[index]
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
