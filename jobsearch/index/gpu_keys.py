"""The int64 keys the GPU scans merge by (score bits + inverted row id) and the fp32 query
split both scan paths use. Shared by `gpu` (torch path, dispatch) and `triton_scan` (the
fused kernel), so neither imports the other's module for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

_LOW32 = (1 << 32) - 1
# Key of a -inf score for row 0: the largest "nothing" key (see triton_scan._pack).
NONE_KEY = ((-8388608 ^ 0x7FFFFFFF) << 32) | _LOW32
# The torch path's fp32 query split (hi + lo / LO_SCALE, both fp16), as in the Triton kernel.
LO_SCALE = 4096.0
# Largest k of the Triton kernel (a bitonic top-k in registers); larger k takes the torch path.
TRITON_MAX_K = 256


def pack_keys(scores: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """fp32 scores and int64 row ids -> int64 keys: a larger key is a better score, or the
    same score with a lower row id. High 32 bits: the float's bits made order-preserving as
    a signed integer; low 32 bits: 2**32 - 1 - row (rows < 2**31)."""
    import torch

    s = scores.to(torch.float32)
    s = torch.where(s == 0, 0.0, s).contiguous()  # -0.0 ties +0.0, as in the CPU kernels
    b = s.view(torch.int32)
    b = torch.where(b < 0, b ^ 0x7FFFFFFF, b)
    return (b.to(torch.int64) << 32) | (_LOW32 - rows.to(torch.int64))


def split_query(q32: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """fp32 queries -> fp16 (hi, lo * LO_SCALE): fp16 GEMMs on both, added in fp32, give
    scores within ~1e-7 of fp32 maths (rows are exact in fp16), not fp16's ~1e-3."""
    import torch

    hi = q32.to(torch.float16)
    return hi, ((q32 - hi.float()) * LO_SCALE).to(torch.float16)


def unpack_keys(keys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Inverse of `pack_keys`; a -inf score (filtered out, or no row at all) gets row -1."""
    import torch

    hi = keys >> 32
    bits = torch.where(hi < 0, hi ^ 0x7FFFFFFF, hi).to(torch.int32)
    scores = bits.view(torch.float32)
    rows = _LOW32 - (keys & _LOW32)
    empty = ~(scores > -torch.inf)  # also catches NaN, which no valid row produces
    return scores.masked_fill(empty, -torch.inf), rows.masked_fill(empty, -1)
