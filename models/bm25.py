"""BM25 keyword search (bm25s), the kind of system semantic search replaced: a baseline in
the evaluation harness. Strict filters, when given, are applied as a mask before the
top-k, so the comparison with the pipeline is about ranking, not filtering."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class BM25Search:
    def __init__(self, texts: Sequence[str], job_ids: Sequence[str]) -> None:
        import bm25s

        if len(texts) != len(job_ids):
            raise ValueError(f"expected one text per job id, got {len(texts)} texts and {len(job_ids)} ids")
        self.job_ids = np.array(list(job_ids), dtype=object)
        self._bm25 = bm25s.BM25()
        self._bm25.index(bm25s.tokenize(list(texts), stopwords="en", show_progress=False), show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        import bm25s

        tokens = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)[0]
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, *, k: int = 100, allowed: np.ndarray | None = None) -> list[str]:
        """Top-k job ids by BM25 score among `allowed` rows (bool mask; all when None);
        jobs sharing no term with the query are not returned."""
        s = self.scores(query)
        ok = s > 0
        if allowed is not None:
            ok &= allowed
        rows = np.flatnonzero(ok)
        top = rows[np.argsort(-s[rows], kind="stable")[:k]]
        return self.job_ids[top].tolist()
