"""Margin-MSE: the student matches the teacher's score *differences* between candidates of
one query, not its absolute scores (Hofstätter et al. 2020, "Improving Efficient Neural
Ranking Models with Cross-Architecture Knowledge Distillation", arXiv:2010.02666).

Used by the ranker distillation (models/distill.py) over the retriever's top-K lists."""

from __future__ import annotations

import torch
from torch import nn


class MarginMSELoss(nn.Module):
    """Inputs: student (Q, K) and teacher (Q, K) scores of K candidates per query, and an
    optional (Q, K) 0/1 mask of real candidates (padding excluded). Every ordered pair
    (i, j) of real candidates of a query contributes ((s_i - s_j) - (t_i - t_j))^2; the
    mean over pairs is returned."""

    def forward(self, student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if student.dim() != 2 or student.shape != teacher.shape:
            raise ValueError(f"expected student and teacher scores of one (queries, candidates) shape, "
                             f"got {tuple(student.shape)} and {tuple(teacher.shape)}")
        if student.shape[1] < 2:
            raise ValueError(f"expected at least 2 candidates per query, got {student.shape[1]}")
        if mask is None:
            mask = torch.ones_like(student, dtype=torch.bool)
        elif mask.shape != student.shape:
            raise ValueError(f"expected a mask of shape {tuple(student.shape)}, got {tuple(mask.shape)}")
        mask = mask.bool()
        ds = student[:, :, None] - student[:, None, :]
        dt = teacher[:, :, None] - teacher[:, None, :]
        pair = mask[:, :, None] & mask[:, None, :]
        n = pair.sum()
        if n == 0:
            raise ValueError("expected at least one pair of real candidates, got none")
        return ((ds - dt.to(ds.dtype)) ** 2 * pair).sum() / n
