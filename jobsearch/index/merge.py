"""Exact top-k merge of per-shard answers: every shard is exact, so the best k of their
union is the global top-k. Used inside a process (segments) and across shard servers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jobsearch.stages import Hits


def merge_candidates(
    scores: Sequence[np.ndarray], job_ids: Sequence[Sequence[str]], k: int
) -> tuple[list[str], np.ndarray]:
    """Best k of several (scores, ids) lists, best first; ties keep the earlier list's order."""
    if not scores:
        return [], np.zeros(0, np.float32)
    s = np.concatenate([np.asarray(x, dtype=np.float32) for x in scores])
    ids = [j for part in job_ids for j in part]
    order = np.argsort(-s, kind="stable")[:k]
    return [ids[i] for i in order], s[order]


def merge_hits(per_shard: Sequence[Sequence[Hits]], k: int) -> list[Hits]:
    """Merge the answers of several shards (each a list of Hits, one per query)."""
    if not per_shard:
        return []
    nq = len(per_shard[0])
    if any(len(h) != nq for h in per_shard):
        raise ValueError("every shard must answer the same number of queries")
    out = []
    for q in range(nq):
        parts = [shard[q] for shard in per_shard]
        ids, sc = merge_candidates([p.scores for p in parts], [p.job_ids for p in parts], k)
        out.append(Hits(ids, sc, sum(p.n_matching for p in parts)))
    return out
