"""Exact top-k merge of per-shard answers: every shard is exact, so the best k of their
union is the global top-k. Used inside a process (segments) and across shard servers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jobsearch.stages import Candidates


def merge_order(scores: Sequence[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into the concatenation of `scores`) of the best k, best first, and their
    scores; ties keep the earlier list's order."""
    if not scores:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    s = np.concatenate([np.asarray(x, dtype=np.float32) for x in scores])
    order = np.argsort(-s, kind="stable")[:k]
    return order, s[order]


def merge_hits(per_shard: Sequence[Sequence[Candidates]], k: int) -> list[Candidates]:
    """Merge the answers of several shards (each a list of Candidates, one per query).
    Records travel with their ids; the version is the shards' common one (None when they
    differ: callers that need one version check it before merging)."""
    if not per_shard:
        return []
    nq = len(per_shard[0])
    if any(len(h) != nq for h in per_shard):
        raise ValueError("every shard must answer the same number of queries")
    out = []
    for q in range(nq):
        parts = [shard[q] for shard in per_shard]
        versions = {p.version for p in parts}
        order, sc = merge_order([p.scores for p in parts], k)
        ids = [j for p in parts for j in p.job_ids]
        with_records = all(p.records is not None for p in parts)
        recs = [r for p in parts for r in (p.records or [])] if with_records else None
        out.append(
            Candidates(
                [ids[i] for i in order],
                sc,
                sum(p.n_matching for p in parts),
                version=versions.pop() if len(versions) == 1 else None,
                records=[recs[i] for i in order] if recs is not None else None,
            )
        )
    return out
