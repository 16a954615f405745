"""Agreement and ranking metrics shared by the teacher report, the LLM-grader agreement
report and the evaluation harness: quadratic-weighted kappa, NDCG, MRR, recall, slot F1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

N_GRADES = 5


def confusion(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, n: int = N_GRADES) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if a.shape != b.shape:
        raise ValueError(f"expected two grade arrays of one shape, got {a.shape} and {b.shape}")
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (a, b), 1)
    return m


def quadratic_weighted_kappa(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, n: int = N_GRADES) -> float:
    """Cohen's kappa with quadratic weights (1 = perfect agreement, 0 = chance)."""
    o = confusion(a, b, n).astype(np.float64)
    total = o.sum()
    if total == 0:
        raise ValueError("expected at least one pair of grades, got none")
    w = np.subtract.outer(np.arange(n), np.arange(n)) ** 2 / (n - 1) ** 2
    e = np.outer(o.sum(1), o.sum(0)) / total
    denom = (w * e).sum()
    return 1.0 if denom == 0 else float(1 - (w * o).sum() / denom)


def agreement_report(pred: Sequence[int] | np.ndarray, ref: Sequence[int] | np.ndarray) -> dict[str, object]:
    p, r = np.asarray(pred), np.asarray(ref)
    return {
        "n": int(len(p)),
        "exact": float((p == r).mean()) if len(p) else 0.0,
        "within_one": float((np.abs(p - r) <= 1).mean()) if len(p) else 0.0,
        "qwk": quadratic_weighted_kappa(p, r) if len(p) else 0.0,
        "confusion": confusion(p, r).tolist(),  # rows: predicted grade, columns: reference grade
    }


def dcg(gains: np.ndarray, k: int) -> float:
    g = np.asarray(gains, dtype=np.float64)[:k]
    return float(((2.0**g - 1) / np.log2(np.arange(2, len(g) + 2))).sum())


def ndcg_at(ranked_grades: Sequence[int] | np.ndarray, ideal_grades: Sequence[int] | np.ndarray, k: int = 10) -> float:
    """NDCG@k of a ranking (its grades, best first) against the best possible ranking
    (all grades the judge gave over the corpus)."""
    ideal = dcg(np.sort(np.asarray(ideal_grades))[::-1], k)
    return dcg(np.asarray(ranked_grades), k) / ideal if ideal > 0 else 0.0


def reciprocal_rank(ranked_grades: Sequence[int] | np.ndarray, *, relevant: int = 3) -> float:
    hits = np.flatnonzero(np.asarray(ranked_grades) >= relevant)
    return 1.0 / (hits[0] + 1) if len(hits) else 0.0


def recall_at(ranked_ids: Sequence[str], relevant_ids: set[str], k: int = 100) -> float:
    """Share of the judge's relevant jobs found in the top k (capped at k relevant)."""
    if not relevant_ids:
        return 0.0
    found = len(set(ranked_ids[:k]) & relevant_ids)
    return found / min(k, len(relevant_ids))


def slot_f1(pred: dict[str, object], gold: dict[str, object]) -> tuple[float, float, float]:
    """Precision, recall, F1 over filled slots: a slot (filter field) counts as right when
    its value equals the gold one (lists compared as sets)."""

    def norm(v: object) -> object:
        if isinstance(v, list):
            return frozenset(map(str, v))
        if isinstance(v, dict):
            return tuple(sorted((k, norm(x)) for k, x in v.items() if x is not None))
        return v

    p = {k: norm(v) for k, v in pred.items() if v not in (None, [], {})}
    g = {k: norm(v) for k, v in gold.items() if v not in (None, [], {})}
    right = sum(1 for k, v in p.items() if g.get(k) == v)
    prec = right / len(p) if p else 1.0
    rec = right / len(g) if g else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1
