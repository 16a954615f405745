"""Shipped models are installed into the data home once, never over a model already there,
and the shipped ranker (when the repository carries one) loads and matches its model card."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jobsearch.rank.shipped import SHIPPED_DIR, install_shipped


def test_install_copies_missing_versions_only(tiny_ranker_int8: Path, tmp_path: Path) -> None:
    source = tmp_path / "shipped"
    shutil.copytree(tiny_ranker_int8, source / "ranker" / "1")
    models = tmp_path / "models"
    assert install_shipped(models, source=source) == ["ranker ranker/1"]
    assert (models / "ranker" / "1" / "weights.bin").is_file()
    (models / "ranker" / "1" / "mine").write_text("kept")
    assert install_shipped(models, source=source) == []  # already there: untouched
    assert (models / "ranker" / "1" / "mine").read_text() == "kept"


def test_the_shipped_ranker_loads_and_verifies() -> None:
    from jobsearch.rank.onnx_ranker import OnnxRanker, ranker_versions

    versions = ranker_versions(SHIPPED_DIR)
    if not versions:
        pytest.skip("this checkout ships no ranker (jobsearch/rank/models/ranker/)")
    ranker = OnnxRanker.load(versions[-1], budget_ms=60_000)  # checks every sha256
    scores = ranker.score("registered nurse in London", ["Registered Nurse (mid). Skills: triage.",
                                                         "CNC Operator (entry). Skills: lathe."])
    assert scores.shape == (2,) and scores[0] > scores[1]
    # Served fused with the retrieval cosine (bench/ranker_fusion.py), so graded by the
    # retrieval calibration, not by its own logit calibration.
    assert ranker.fusion_weight > 0 and ranker.calibration is None


def test_retrieval_calibration_goes_beside_the_retriever(tmp_path: Path) -> None:
    from jobsearch.rank.calibration import ScoreCalibration

    source = tmp_path / "shipped"
    source.mkdir()
    ScoreCalibration([0.3, 0.5, 0.6], [0.3, 0.6], [0.0, 1.0], scale="retrieval-cosine").save(
        source / "retrieval-calibration.json")
    models = tmp_path / "models"
    assert install_shipped(models, source=source) == []  # no retriever exported yet: nothing to pair with
    (models / "retriever" / "1").mkdir(parents=True)
    (models / "retriever" / "1" / "manifest.json").write_text("{}")
    assert install_shipped(models, source=source) == ["retrieval calibration retriever/1/calibration.json"]
    assert install_shipped(models, source=source) == []
