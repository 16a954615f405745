"""The cross-encoder with a query prefix and sparse attention, in PyTorch.

The pair is `[CLS] query [SEP]` (the prefix, token type 0, positions 0..P-1) followed by
`[CLS] job [SEP]` (the candidate, token type 1, positions P..). Prefix tokens attend only to
the prefix; candidate tokens attend to the prefix and to their own candidate. So the prefix's
per-layer keys and values do not depend on the candidate: `prefix()` computes them once per
request and `candidate()` scores any number of candidates against them. The score is read
from the candidate's own [CLS] (the prefix's [CLS] cannot see the job).

`full()` runs the same weights over the whole concatenated sequence with an explicit
attention mask: with `sparse_mask` it is the reference the cached path must equal (the
golden test), with an all-ones mask it is ordinary cross-encoder attention. The weights are
those of a Hugging Face `BertForSequenceClassification` (num_labels=1), shared, not copied.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn


class PrefixCrossEncoder(nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        cfg = model.config
        if getattr(cfg, "num_labels", 1) != 1:
            raise ValueError(f"expected a one-logit classifier (num_labels=1), got {cfg.num_labels}")
        if cfg.hidden_act != "gelu":
            raise ValueError(f"expected hidden_act 'gelu', got {cfg.hidden_act!r}")
        self.bert = model.bert
        self.classifier = model.classifier
        self.heads = int(cfg.num_attention_heads)
        self.head_dim = int(cfg.hidden_size) // self.heads
        self.n_layers = int(cfg.num_hidden_layers)
        self.max_positions = int(cfg.max_position_embeddings)

    # -- the two halves of the cached path ----------------------------------------------

    def prefix(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """input_ids (1, P) -> keys, values, each (layers, heads, P, head_dim)."""
        h = self._embed(input_ids, offset=0, token_type=0)
        keys, values = [], []
        for layer in self.bert.encoder.layer:
            k, v = self._kv(layer, h)
            keys.append(k[0])
            values.append(v[0])
            h = self._layer(layer, h, k, v, key_mask=None)
        return torch.stack(keys), torch.stack(values)

    def candidate(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        prefix_keys: torch.Tensor,
        prefix_values: torch.Tensor,
    ) -> torch.Tensor:
        """Candidates (B, C) with their padding mask, against one prefix's keys/values
        (layers, heads, P, head_dim) -> scores (B,)."""
        b = input_ids.shape[0]
        p = prefix_keys.shape[2]
        h = self._embed(input_ids, offset=p, token_type=1)
        # Every candidate sees the whole prefix, and its own unpadded tokens.
        key_mask = torch.cat([torch.ones(b, p, dtype=attention_mask.dtype), attention_mask], dim=1)
        for i, layer in enumerate(self.bert.encoder.layer):
            k, v = self._kv(layer, h)
            pk = prefix_keys[i].unsqueeze(0).expand(b, -1, -1, -1)
            pv = prefix_values[i].unsqueeze(0).expand(b, -1, -1, -1)
            h = self._layer(layer, h, torch.cat([pk, k], dim=2), torch.cat([pv, v], dim=2), key_mask=key_mask)
        return self._score(h[:, 0])

    # -- the reference: one sequence, an explicit mask -----------------------------------

    def full(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, mask: torch.Tensor,
             *, score_at: int) -> torch.Tensor:
        """Whole sequences (B, L) under a (B, L, L) 0/1 attention mask (query row, key
        column); the score is read at position `score_at`."""
        h = self._embed(input_ids, offset=0, token_type=token_type_ids)
        for layer in self.bert.encoder.layer:
            k, v = self._kv(layer, h)
            h = self._layer(layer, h, k, v, key_mask=mask)
        return self._score(h[:, score_at])

    # -- pieces -------------------------------------------------------------------------

    def _embed(self, input_ids: torch.Tensor, *, offset: int | torch.Tensor, token_type: int | torch.Tensor) -> torch.Tensor:
        emb = self.bert.embeddings
        n = input_ids.shape[1]
        positions = (torch.arange(n) + offset).unsqueeze(0)
        types = token_type if isinstance(token_type, torch.Tensor) else torch.full_like(input_ids, token_type)
        x = emb.word_embeddings(input_ids) + emb.position_embeddings(positions) + emb.token_type_embeddings(types)
        return emb.LayerNorm(x)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).transpose(1, 2)

    def _kv(self, layer: Any, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        att = layer.attention.self
        return self._split(att.key(h)), self._split(att.value(h))

    def _layer(self, layer: Any, h: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               *, key_mask: torch.Tensor | None) -> torch.Tensor:
        att = layer.attention
        q = self._split(att.self.query(h))
        logits = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        if key_mask is not None:
            # (B, keys) masks every query row alike; (B, queries, keys) is a full pattern.
            m = key_mask[:, None, None, :] if key_mask.dim() == 2 else key_mask[:, None, :, :]
            logits = logits.masked_fill(m == 0, torch.finfo(logits.dtype).min)
        ctx = torch.softmax(logits, dim=-1) @ v
        b, _, n, _ = ctx.shape
        ctx = ctx.transpose(1, 2).reshape(b, n, self.heads * self.head_dim)
        h = att.output.LayerNorm(att.output.dense(ctx) + h)
        inner = nn.functional.gelu(layer.intermediate.dense(h))
        return layer.output.LayerNorm(layer.output.dense(inner) + h)

    def _score(self, first: torch.Tensor) -> torch.Tensor:
        pooled = torch.tanh(self.bert.pooler.dense(first))
        return self.classifier(pooled).squeeze(-1)


def sparse_mask(prefix_len: int, candidate_mask: torch.Tensor) -> torch.Tensor:
    """The (B, P+C, P+C) 0/1 mask of the sparse pattern: prefix rows see the prefix only;
    candidate rows see the prefix and their candidate's unpadded tokens."""
    b, c = candidate_mask.shape
    n = prefix_len + c
    mask = torch.zeros(b, n, n, dtype=torch.long)
    mask[:, :prefix_len, :prefix_len] = 1
    mask[:, prefix_len:, :prefix_len] = 1
    mask[:, prefix_len:, prefix_len:] = candidate_mask[:, None, :].expand(b, c, c)
    return mask
