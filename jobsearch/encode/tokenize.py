"""Fast tokenisation shared by the ONNX and PyTorch encoders, so both see identical ids.

Uses the Rust `tokenizers` library on the `tokenizer.json` that travels with the model
(importing `transformers` on the serving path costs seconds)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from jobsearch.errors import ModelNotFoundError

TOKENIZER_FILE = "tokenizer.json"


def load_tokenizer(model_dir: Path, max_length: int) -> Tokenizer:
    """Load `tokenizer.json` from `model_dir`, truncating to `max_length` tokens (incl.
    [CLS]/[SEP]) and without padding: batches are padded by `pad_batch` after sorting."""
    path = Path(model_dir) / TOKENIZER_FILE
    if not path.is_file():
        raise ModelNotFoundError(
            f"no {TOKENIZER_FILE} in {model_dir}; run `jobsearch models export` to create the model folder"
        )
    if max_length < 2:
        raise ValueError(f"max_length must be >= 2 (room for [CLS] and [SEP]), got {max_length}")
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    return tok


def token_ids(tok: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    """Token ids per text, unpadded (the Rust side tokenises a batch on all cores)."""
    return [enc.ids for enc in tok.encode_batch(list(texts))]


def pad_batch(ids: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad to the longest sequence: (input_ids, attention_mask), both int64 [batch, seq]."""
    width = max((len(x) for x in ids), default=0)
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return input_ids, mask


def length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Indices grouped into batches of similar length (sorted, longest first), so each batch
    pads little; callers scatter results back through the indices."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
