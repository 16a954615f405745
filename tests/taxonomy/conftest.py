"""Taxonomy tests: a private data home so the derived OEWS table lands in a temp folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def taxonomy_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("JOBSEARCH_HOME")
    root = Path(old) if old else tmp_path_factory.mktemp("taxonomy-home")
    os.environ["JOBSEARCH_HOME"] = str(root)
    yield root
    if old is None:
        os.environ.pop("JOBSEARCH_HOME", None)
