"""The distillation losses: brute-force references, zero at agreement, eager errors."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from jobsearch.models.losses.listwise_kl import ListwiseKLLoss
from jobsearch.models.losses.margin_mse import MarginMSELoss


def test_margin_mse_matches_pairwise_loop() -> None:
    g = torch.Generator().manual_seed(0)
    s, t = torch.randn(3, 4, generator=g), torch.randn(3, 4, generator=g)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 0]])
    terms = []
    for q in range(3):
        real = [k for k in range(4) if mask[q, k]]
        for i, j in itertools.product(real, real):
            terms.append(((s[q, i] - s[q, j]) - (t[q, i] - t[q, j])) ** 2)
    want = torch.stack(terms).mean()
    assert torch.allclose(MarginMSELoss()(s, t, mask), want, atol=1e-6)


def test_margin_mse_ignores_a_constant_shift_and_has_gradients() -> None:
    t = torch.randn(2, 5)
    s = (t + 3.0).requires_grad_()
    loss = MarginMSELoss()(s, t)
    assert loss.item() < 1e-10
    MarginMSELoss()(s * 2, t).backward()
    assert s.grad is not None and s.grad.abs().sum() > 0


def test_listwise_kl_matches_definition_and_is_zero_at_agreement() -> None:
    s, t = torch.tensor([[1.0, 0.0, -1.0]]), torch.tensor([[2.0, 0.5, 0.0]])
    p = torch.softmax(t / 2, 1)
    q = torch.softmax(s / 2, 1)
    want = (p * (p.log() - q.log())).sum() * 4
    assert math.isclose(ListwiseKLLoss(2.0)(s, t).item(), want.item(), rel_tol=1e-3)
    assert ListwiseKLLoss()(t, t + 1).item() < 1e-6


def test_listwise_kl_mask_drops_padding() -> None:
    s, t = torch.tensor([[1.0, 0.0, 9.0]]), torch.tensor([[2.0, 0.5, -9.0]])
    masked = ListwiseKLLoss()(s, t, torch.tensor([[1, 1, 0]]))
    assert math.isclose(masked.item(), ListwiseKLLoss()(s[:, :2], t[:, :2]).item(), rel_tol=1e-3)


@pytest.mark.parametrize("loss", [MarginMSELoss(), ListwiseKLLoss()])
def test_shape_errors_say_expected_and_got(loss: torch.nn.Module) -> None:
    with pytest.raises(ValueError, match=r"expected .* got \(2, 3\) and \(2, 4\)"):
        loss(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="mask of shape"):
        loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 2))


def test_eager_checks_of_each_loss() -> None:
    with pytest.raises(ValueError, match="at least 2 candidates"):
        MarginMSELoss()(torch.zeros(2, 1), torch.zeros(2, 1))
    with pytest.raises(ValueError, match="positive temperature"):
        ListwiseKLLoss(0)
    with pytest.raises(ValueError, match="at least one real candidate"):
        ListwiseKLLoss()(torch.zeros(2, 3), torch.zeros(2, 3), torch.tensor([[1, 0, 0], [0, 0, 0]]))
