"""Listwise KL distillation: KL(teacher || student) between the softmax distributions of
the teacher's and the student's scores over one query's candidate list (ListNet-style soft
targets, Cao et al. 2007 "Learning to Rank: From Pairwise Approach to Listwise Approach";
as a distillation loss for rankers, e.g. Rosa et al. 2022 "In Defense of Cross-Encoders for
Zero-Shot Retrieval" and the RankDistil/"listwise KD" line of work).

Used by the ranker distillation (models/distill.py) over the retriever's top-K lists."""

from __future__ import annotations

import torch
from torch import nn


class ListwiseKLLoss(nn.Module):
    """Inputs: student (Q, K) and teacher (Q, K) scores (logits) of K candidates per query,
    an optional (Q, K) 0/1 mask of real candidates. `temperature` divides both score sets
    before the softmax (teacher logits of a cross-encoder span several units; a temperature
    > 1 keeps more of the order below the top). Returns the mean over queries of
    sum_k p_t(k) (log p_t(k) - log p_s(k)), scaled by temperature^2 (Hinton et al. 2015)."""

    def __init__(self, temperature: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f"expected a positive temperature, got {temperature}")
        self.temperature = temperature

    def forward(self, student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if student.dim() != 2 or student.shape != teacher.shape:
            raise ValueError(f"expected student and teacher scores of one (queries, candidates) shape, "
                             f"got {tuple(student.shape)} and {tuple(teacher.shape)}")
        if mask is None:
            mask = torch.ones_like(student, dtype=torch.bool)
        elif mask.shape != student.shape:
            raise ValueError(f"expected a mask of shape {tuple(student.shape)}, got {tuple(mask.shape)}")
        mask = mask.bool()
        if not mask.any(dim=1).all():
            raise ValueError("expected every query to have at least one real candidate")
        t = self.temperature
        neg = torch.finfo(student.dtype).min
        log_s = torch.log_softmax((student / t).masked_fill(~mask, neg), dim=1)
        log_t = torch.log_softmax((teacher.to(student.dtype) / t).masked_fill(~mask, neg), dim=1)
        p_t = log_t.exp() * mask
        kl = (p_t * (log_t - log_s)).masked_fill(~mask, 0.0).sum(dim=1)
        return kl.mean() * t * t
