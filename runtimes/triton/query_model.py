"""The query tagger as a Triton model ("query-model"): a model repository entry built from
the tagger's ONNX version folder (config.pbtxt read from the graph; tokenizer and labels
beside the model), and a tagger that runs the network on Triton over HTTP while tokenising
and decoding here, so `HybridQueryEngine(rules, TritonQueryTagger(...))` answers exactly as
the in-process tagger does.

    python -m jobsearch.runtimes.triton.query_model build --out REPO [--name query-model]
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from jobsearch.runtimes.triton.repository import build_model, model_versions

from jobsearch.query.learned import INPUT_NAMES, OUTPUT_NAMES, QueryTagger, tagger_dir

NAME = "query-model"
LABELS = "labels.json"


def build_query_model(out_root: Path, *, name: str = NAME, version: int = 1, device: str = "auto",
                      models_dir: Path | None = None) -> Path:
    """Write `out_root/<name>/` from the built tagger (built first when missing)."""
    src = tagger_dir(models_dir, build=True)
    if src is None:
        raise FileNotFoundError("no query tagger adapter ships (jobsearch/query/tagger/) or JOBSEARCH_QUERY_MODEL=off")
    model_dir = build_model(src, out_root, name=name, version=version, device=device,  # type: ignore[arg-type]
                            max_batch_size=32)
    shutil.copy2(src / LABELS, model_dir / str(version) / LABELS)
    return model_dir


class TritonQueryTagger(QueryTagger):
    """A QueryTagger whose network runs on Triton (KServe v2 over HTTP). Tokenizer and
    labels come from a local copy of the same model version (the repository entry)."""

    def __init__(self, url: str, version_dir: Path, *, model: str = NAME, timeout_s: float = 2.0) -> None:
        import tritonclient.http as httpclient

        self._load_vocab(Path(version_dir))
        self.model_name = model
        host = url.removeprefix("http://").removeprefix("https://").rstrip("/")
        self.client = httpclient.InferenceServerClient(host, connection_timeout=timeout_s, network_timeout=timeout_s)

    def run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import tritonclient.http as httpclient

        inputs = []
        for name, arr in zip(INPUT_NAMES, (input_ids, attention_mask), strict=True):
            t = httpclient.InferInput(name, list(arr.shape), "INT64")
            t.set_data_from_numpy(arr)
            inputs.append(t)
        outputs = [httpclient.InferRequestedOutput(n) for n in OUTPUT_NAMES]
        res = self.client.infer(self.model_name, inputs, outputs=outputs)
        return res.as_numpy(OUTPUT_NAMES[0]), res.as_numpy(OUTPUT_NAMES[1])


def latest_version(model_dir: Path) -> Path:
    return model_versions(model_dir)[-1]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build"])
    ap.add_argument("--out", type=Path, required=True, help="model repository root")
    ap.add_argument("--name", default=NAME)
    ap.add_argument("--version", type=int, default=1)
    ap.add_argument("--device", choices=["gpu", "cpu", "auto"], default="auto")
    args = ap.parse_args(argv)
    print(build_query_model(args.out, name=args.name, version=args.version, device=args.device))


if __name__ == "__main__":
    main()
