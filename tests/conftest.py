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
