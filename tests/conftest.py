"""Session-wide fixtures: one small demo data home (corpus + exported encoder + built
index), built once per test session and shared by the API, web, monitoring, runtime and
relevance tests. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEMO_JOBS = 3000
DEMO_SEED = 11


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A JOBSEARCH_HOME with corpus/, models/ and index/ ready to serve; JOBSEARCH_HOME
    points at it for the whole session (subprocesses inherit it)."""
    from jobsearch import home
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.build import build_index

    # JOBSEARCH_TEST_HOME reuses a home built earlier (a developer's loop); CI builds afresh.
    reuse = os.environ.get("JOBSEARCH_TEST_HOME")
    root = Path(reuse) if reuse else tmp_path_factory.mktemp("jobsearch-home")
    old = os.environ.get("JOBSEARCH_HOME")
    os.environ["JOBSEARCH_HOME"] = str(root)
    try:
        if not (home.default_corpus_dir() / "postings.parquet").exists():
            generate_corpus(home.default_corpus_dir(), n_jobs=DEMO_JOBS, seed=DEMO_SEED, progress=False)
        if not (home.default_index_dir() / "ACTIVE").exists():
            build_index(home.default_corpus_dir(), home.default_index_dir(), default_encoder(), progress=False)
        yield root
    finally:
        if old is None:
            os.environ.pop("JOBSEARCH_HOME", None)
        else:
            os.environ["JOBSEARCH_HOME"] = old


@pytest.fixture(scope="session")
def pipeline(demo_home: Path):  # noqa: ANN201 - SearchPipeline, imported lazily
    from jobsearch.pipeline import open_pipeline

    return open_pipeline(demo_home / "index", demo_home / "corpus")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained cross-encoder: the packaged MiniLM pruned to two layers, a seeded head
    (one layer would hide the ranker's sparse mask, which acts through the next layer).
    Ranker tests check machinery (parity, budgets, fallbacks, Triton), not relevance."""
    from jobsearch.rank.export import base_checkpoint

    return base_checkpoint(tmp_path_factory.mktemp("tiny-ranker-ckpt"), layers=2, head_scale=50.0)


@pytest.fixture(scope="session")
def tiny_ranker_int8(tiny_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """That checkpoint exported as a ranker version (int8), at <models>/ranker/1."""
    from jobsearch.rank.export import export_ranker

    out = tmp_path_factory.mktemp("tiny-ranker-int8") / "ranker" / "1"
    export_ranker(tiny_checkpoint, out, int8=True)
    return out
