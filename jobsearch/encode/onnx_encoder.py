"""The serving encoder: the exported retriever run with ONNX Runtime on CPU.

Implements `jobsearch.stages.Encoder`; the index builder encodes postings with it and the
search pipeline encodes each query's semantic text. Imports neither torch nor transformers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jobsearch.encode.manifest import INPUT_NAMES, MODEL_FILE, OUTPUT_NAME, Manifest
from jobsearch.encode.tokenize import length_batches, load_tokenizer, pad_batch, token_ids
from jobsearch.errors import ModelNotFoundError

if TYPE_CHECKING:
    import onnxruntime as ort
    from tokenizers import Tokenizer

DEFAULT_BATCH = 32


def check_texts(texts: Sequence[str]) -> list[str]:
    """Reject the two common mistakes: a bare string (would encode each character) and
    non-string items."""
    if isinstance(texts, str | bytes):
        raise TypeError(
            "encode() takes a sequence of texts, got a single string; wrap it in a list"
        )
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"text {i} is {type(t).__name__}, expected str")
    return out


class OnnxEncoder:
    """Texts -> float32 unit vectors (n, dim) with ONNX Runtime.

    Texts are tokenised in one Rust call, sorted by length and batched so each batch pads
    little, then scattered back to input order."""

    def __init__(
        self,
        session: ort.InferenceSession,
        tokenizer: Tokenizer,
        *,
        dim: int,
        model_id: str,
        max_length: int,
    ) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.dim = dim
        self.model_id = model_id
        self.max_length = max_length

    @classmethod
    def load(
        cls,
        model_dir: Path,
        *,
        threads: int | None = None,
        max_length: int | None = None,
        spin: bool = False,
    ) -> OnnxEncoder:
        """Load a version folder written by `export_retriever` (`.../retriever/1`).

        `max_length` may lower the exported one (e.g. 64 for faster bulk encoding); `spin`
        lets idle ORT threads busy-wait (see `make_session`)."""
        model_dir = Path(model_dir)
        if not (model_dir / MODEL_FILE).is_file():
            raise ModelNotFoundError(
                f"no exported encoder at {model_dir} (missing {MODEL_FILE}); "
                "run `jobsearch models export` first"
            )
        manifest = Manifest.read(model_dir)
        length = manifest.max_length if max_length is None else max_length
        if length > manifest.max_length:
            raise ValueError(
                f"max_length {length} exceeds the exported max_length {manifest.max_length}"
            )
        # vectors of long texts depend on max_length, so it is part of the id (the cache and
        # shard sets are keyed by model_id)
        model_id = (
            manifest.model_id
            if length == manifest.max_length
            else f"{manifest.model_id}-len{length}"
        )
        if manifest.doc_model_id:
            # A query tower answers to the document model it pairs with: that is what an
            # index built with those documents must match.
            model_id = manifest.doc_model_id
        return cls.from_files(
            model_dir / MODEL_FILE,
            model_dir,
            max_length=length,
            model_id=model_id,
            threads=threads,
            spin=spin,
        )

    @classmethod
    def from_files(
        cls,
        model_file: Path,
        tokenizer_dir: Path,
        *,
        max_length: int,
        model_id: str,
        threads: int | None = None,
        spin: bool = False,
    ) -> OnnxEncoder:
        session = make_session(model_file, threads=threads, spin=spin)
        names = [i.name for i in session.get_inputs()]
        if names != list(INPUT_NAMES):
            raise ModelNotFoundError(
                f"{model_file} has inputs {names}, expected {list(INPUT_NAMES)}"
            )
        dim = session.get_outputs()[0].shape[-1]
        return cls(
            session,
            load_tokenizer(tokenizer_dir, max_length),
            dim=int(dim) if isinstance(dim, int) else 384,
            model_id=model_id,
            max_length=max_length,
        )

    def encode(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH) -> np.ndarray:
        items = check_texts(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        ids = token_ids(self.tokenizer, items)
        for idx in length_batches([len(x) for x in ids], batch_size):
            input_ids, mask = pad_batch([ids[i] for i in idx])
            (vecs,) = self.session.run(
                [OUTPUT_NAME], {"input_ids": input_ids, "attention_mask": mask}
            )
            out[idx] = vecs
        return out


def make_session(
    model_file: Path, *, threads: int | None = None, spin: bool = False
) -> ort.InferenceSession:
    """A CPU session with every graph optimisation and one intra-op thread per core.

    Spinning is off by default: on a shared machine (or a pod under a CPU limit) idle
    threads that busy-wait steal the cores the next op needs; measured here under load,
    a 6-word query took p50 24-30 ms with spinning and 11-18 ms without."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or os.cpu_count() or 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    opts.log_severity_level = 3  # warnings about unused initialisers are noise here
    return ort.InferenceSession(
        str(model_file), sess_options=opts, providers=["CPUExecutionProvider"]
    )
