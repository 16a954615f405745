"""Corpus fixtures: generated corpora built once per session in a private data home."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("JOBSEARCH_HOME")
    root = Path(old) if old else tmp_path_factory.mktemp("corpus-home")
    os.environ["JOBSEARCH_HOME"] = str(root)
    yield root
    if old is None:
        os.environ.pop("JOBSEARCH_HOME", None)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jobsearch.corpus.generate import generate_corpus

    out = tmp_path_factory.mktemp("small-corpus")
    generate_corpus(out, n_jobs=2000, seed=3, n_members=20, now=NOW, progress=False)
    return out


@pytest.fixture(scope="session")
def corpus_20k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jobsearch.corpus.generate import generate_corpus

    out = tmp_path_factory.mktemp("corpus-20k")
    generate_corpus(out, n_jobs=20000, seed=1, now=NOW, progress=False)
    return out


@pytest.fixture(scope="session")
def table_20k(corpus_20k: Path) -> pa.Table:
    from jobsearch.corpus.table import read_postings

    return read_postings(corpus_20k)


@pytest.fixture()
def now() -> datetime:
    return NOW


def _good_row(job_id: str = "a1", **changes: Any) -> dict[str, Any]:
    row = {
        "job_id": job_id, "title": "Data Engineer", "description": "Build data pipelines with Spark.",
        "company": {"id": "acme", "name": "Acme Data", "type": "direct", "industry_naics": "5132"},
        "location_ids": ["2950159"], "workplace": "hybrid", "remote_share": 0.4,
        "salary": {"min": 70000, "max": 80000, "currency": "EUR", "period": "year"},
        "posted_at": "2026-11-18T10:00:00Z", "seniority": "mid", "employment_type": "full_time",
        "occupation_code": "15-1243.00", "skills": ["Python", "SQL"],
    }
    row.update(changes)
    return row


@pytest.fixture()
def good_row() -> Callable[..., dict[str, Any]]:
    """A factory of valid nested Posting rows (Berlin data engineer); keyword changes apply."""
    return _good_row
