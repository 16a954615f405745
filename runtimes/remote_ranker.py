"""The ranker over Triton (V2): the same `OnnxRanker` request path (tokenise here, prefix
once, candidates in length-sorted batches, the same time budget), with each graph run by
Triton instead of an in-process session. So the remote ranker answers what the embedded one
answers, and falls back the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.runtimes.triton.ranker import CANDIDATE_MODEL, PREFIX_MODEL
from jobsearch.runtimes.v2 import V2Client

from jobsearch.rank.export import TOKENIZER_FILE, RankerManifest
from jobsearch.rank.inputs import PairTokenizer
from jobsearch.rank.onnx_ranker import DEFAULT_BUDGET_MS, OnnxRanker, card_options

PREFIX_OUTPUTS = ["prefix_keys", "prefix_values"]
CANDIDATE_OUTPUTS = ["score"]


class V2Session:
    """An `onnxruntime.InferenceSession`-shaped view of one Triton model: run(None, feeds)."""

    def __init__(self, model_url: str, outputs: list[str], *, timeout_s: float) -> None:
        self._client = V2Client(model_url, timeout_s=timeout_s)
        self._outputs = outputs

    def run(self, output_names: Sequence[str] | None, feeds: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        names = list(output_names or self._outputs)
        res = self._client.infer(dict(feeds), outputs=names)
        return [res[n] for n in names]


def remote_ranker(triton_url: str, version_dir: Path, *, budget_ms: float = DEFAULT_BUDGET_MS,
                  timeout_s: float = 10.0) -> OnnxRanker:
    """A ranker whose graphs run on the Triton at `triton_url` (…/v2/models is appended);
    tokenizer, model card, fusion weight and calibration come from the ranker version folder."""
    card = RankerManifest.read(version_dir)
    base = triton_url.rstrip("/") + "/v2/models"
    tok = PairTokenizer.from_file(Path(version_dir) / TOKENIZER_FILE, prefix_tokens=card.prefix_tokens,
                                  candidate_tokens=card.candidate_tokens)
    prefix: Any = V2Session(f"{base}/{PREFIX_MODEL}", PREFIX_OUTPUTS, timeout_s=timeout_s)
    candidate: Any = V2Session(f"{base}/{CANDIDATE_MODEL}", CANDIDATE_OUTPUTS, timeout_s=timeout_s)
    return OnnxRanker(prefix, candidate, tok, **card_options(Path(version_dir), card), budget_ms=budget_ms)
