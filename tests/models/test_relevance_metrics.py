"""Metrics against hand-computed references (and sklearn's kappa), SOC code levels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from jobsearch.models import soc
from jobsearch.models.relevance_metrics import (
    agreement_report,
    ndcg_at,
    quadratic_weighted_kappa,
    recall_at,
    reciprocal_rank,
    slot_f1,
)


def test_qwk_matches_sklearn() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 300)
    b = np.clip(a + rng.integers(-1, 2, 300), 0, 4)
    assert quadratic_weighted_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b, weights="quadratic"))
    assert quadratic_weighted_kappa(a, a) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="one shape"):
        quadratic_weighted_kappa([1, 2], [1])


def test_ndcg_mrr_recall_by_hand() -> None:
    ideal = [4, 3, 0, 0]
    assert ndcg_at([4, 3], ideal, 10) == pytest.approx(1.0)
    swapped = (7 + 15 / math.log2(3)) / (15 + 7 / math.log2(3))
    assert ndcg_at([3, 4], ideal, 10) == pytest.approx(swapped)
    assert ndcg_at([0, 0], [0, 0], 10) == 0.0
    assert reciprocal_rank([0, 2, 3, 4]) == pytest.approx(1 / 3)
    assert reciprocal_rank([0, 1]) == 0.0
    assert recall_at(["a", "b", "c"], {"a", "c", "z"}, 100) == pytest.approx(2 / 3)
    assert recall_at(["a"], {"a", "b"}, 1) == 1.0  # capped at k relevant


def test_agreement_report_counts() -> None:
    r = agreement_report([4, 3, 0, 2], [4, 4, 0, 0])
    assert r["exact"] == 0.5 and r["within_one"] == 0.75 and r["n"] == 4
    assert r["confusion"][3][4] == 1  # predicted 3 where the reference said 4


def test_slot_f1_compares_fields_and_sets() -> None:
    gold = {"location_ids": ["1", "2"], "workplace": ["remote"], "posted_within_days": 7, "seniority": []}
    assert slot_f1({"location_ids": ["2", "1"], "workplace": ["remote"], "posted_within_days": 7}, gold)[2] == 1.0
    p, r, f = slot_f1({"location_ids": ["1"], "workplace": ["remote"], "posted_within_days": 3}, gold)
    assert (p, r) == (pytest.approx(1 / 3), pytest.approx(1 / 3)) and f == pytest.approx(1 / 3)
    assert slot_f1({}, {}) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(("a", "b", "level"), [
    ("15-1252.00", "15-1252.00", soc.SAME),
    ("15-1252.00", "15-1253.00", soc.BROAD),
    ("15-1252.00", "15-1299.08", soc.ADJACENT),
    ("15-1252.00", "11-3021.00", soc.ADJACENT),  # curated: manager of the role
    ("15-1252.00", "15-2031.00", soc.FAMILY),
    ("15-1252.00", "13-2011.00", soc.UNRELATED),
    (None, "13-2011.00", soc.UNRELATED),
])
def test_soc_levels_scalar_and_vectorised(a, b, level) -> None:
    assert soc.relation(a, b) == level
    cols = soc.CodeColumns([b, "29-1141.00"])
    assert cols.relation_to(a, np.array([0]))[0] == level
