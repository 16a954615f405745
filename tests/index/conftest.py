"""Index fixtures: a seeded corpus and a small shard set built from it once per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_fixtures import clustered, make_rows


@pytest.fixture(scope="session")
def corpus() -> tuple[np.ndarray, list[dict[str, object]]]:
    return clustered(3000, seed=1), make_rows(3000, seed=1)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, corpus) -> Path:  # type: ignore[no-untyped-def]
    from jobsearch.index import build_from_arrays

    root = tmp_path_factory.mktemp("index")
    vectors, rows = corpus
    build_from_arrays(root, vectors, rows, model_id="test-model", shards=3)
    return root
