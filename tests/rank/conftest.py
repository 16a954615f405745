"""The fp32 export of the session's tiny ranker (tests/conftest.py builds the checkpoint
and its int8 version): the golden test compares it exactly with PyTorch."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_ranker_fp32(tiny_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jobsearch.rank.export import export_ranker

    out = tmp_path_factory.mktemp("tiny-ranker") / "1"
    export_ranker(tiny_checkpoint, out, int8=False)
    return out
