"""Scores of the judged dev pairs by systems that run here (BM25 over the posting text,
retrieval cosine with the packaged encoder, a cross-encoder checkpoint over the ranker's
inputs), and reading the scores a training run wrote (dev_scores.json.gz)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.dev_set import DevQuery


def load_scores(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """{system: {qid: scores}} from {qid: {system: [scores]}} (gzip or plain JSON)."""
    if str(path).endswith(".gz"):
        with gzip.open(path, "rt") as f:
            raw = f.read()
    else:
        raw = Path(path).read_text()
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("expected {qid: {system: [scores]}}")
    out: dict[str, dict[str, np.ndarray]] = {}
    for qid, systems in data.items():
        for name, vals in systems.items():
            out.setdefault(name, {})[qid] = np.asarray(vals, dtype=np.float64)
    return out


def _engine_sides(queries: list[DevQuery], corpus_dir: Path | None) -> list[tuple[str, str]]:
    """(ranker query side, semantic text) per query, parsed by the query engine over the
    corpus's companies and members when a corpus is given."""
    from jobsearch.models.ranker_data import engine_for_corpus, sides

    members: dict[str, Any] = {}
    if corpus_dir is not None and (Path(corpus_dir) / "postings.parquet").exists():
        from jobsearch.corpus.members import load_members
        from jobsearch.corpus.table import read_postings

        members = load_members(Path(corpus_dir))
        engine = engine_for_corpus(read_postings(Path(corpus_dir)), members)
    else:
        from jobsearch.query.engine import build_query_engine

        engine = build_query_engine()
    return [sides(engine, q.query, (q.member or {}).get("member_id"), members) for q in queries]


def score_dev(system: str, queries: list[DevQuery], *, checkpoint: Path | None = None,
              corpus_dir: Path | None = None) -> dict[str, np.ndarray]:
    from jobsearch.encode.text import posting_text

    if system == "bm25":
        import bm25s

        out = {}
        for q in queries:  # BM25 statistics of the judged pool itself: a keyword re-ranker
            if not q.postings:  # nothing was judged for this query (every system returned nothing)
                out[q.qid] = np.zeros(0)
                continue
            bm = bm25s.BM25()
            bm.index(bm25s.tokenize([posting_text(r) for r in q.postings], stopwords="en", show_progress=False),
                     show_progress=False)
            tokens = bm25s.tokenize([q.query], stopwords="en", return_ids=False, show_progress=False)[0]
            out[q.qid] = np.asarray(bm.get_scores(tokens), dtype=np.float64)
        return out
    pairs = _engine_sides(queries, corpus_dir)
    if system in ("retrieval", "served"):
        if system == "retrieval":
            from jobsearch.models.embed import load_encoder

            embed_query = embed_doc = load_encoder()
        else:  # the data home's exported encoder and query tower, as the index and search use them
            from jobsearch.encode.default import default_encoder, query_encoder

            embed_doc, embed_query = default_encoder().encode, query_encoder().encode
        qv = embed_query([sem for _, sem in pairs])
        return {q.qid: embed_doc([posting_text(r) for r in q.postings]) @ v for q, v in zip(queries, qv, strict=True)}
    if system == "ranker":  # the ONNX ranker exactly as search runs it, without its time budget
        from jobsearch.rank.compact import compact_texts
        from jobsearch.rank.onnx_ranker import OnnxRanker, ranker_versions
        from jobsearch.rank.shipped import SHIPPED_DIR

        from jobsearch.home import models_dir

        versions = ranker_versions(models_dir()) or ranker_versions(SHIPPED_DIR)
        ranker = OnnxRanker.load(versions[-1], budget_ms=1e9)
        return {q.qid: ranker.score(side, compact_texts(q.postings)).astype(np.float64)
                for q, (side, _) in zip(queries, pairs, strict=True)}
    if system == "cross-encoder":
        from jobsearch.models.teacher import CrossEncoderTeacher
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from jobsearch.rank.compact import compact_texts

        model = AutoModelForSequenceClassification.from_pretrained(str(checkpoint), local_files_only=True)
        ce = CrossEncoderTeacher(model, AutoTokenizer.from_pretrained(str(checkpoint), local_files_only=True),
                                 max_length=128)
        return {q.qid: ce.score([side] * len(q.postings), compact_texts(q.postings)).astype(np.float64)
                for q, (side, _) in zip(queries, pairs, strict=True)}
    raise ValueError(f"unknown dev system {system!r}")
