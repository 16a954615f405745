from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from jobsearch.encode.cli import app

runner = CliRunner()


def test_help_teaches() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("export", "info", "encode", "retriever/1"):
        assert word in result.output


def test_encode_prints_json_vectors(models_dir: Path, onnx_encoder) -> None:
    result = runner.invoke(
        app, ["encode", "python developer", "nurse", "--models", str(models_dir)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["model_id"] == onnx_encoder.model_id and payload["dim"] == 384
    vecs = np.asarray(payload["vectors"], dtype=np.float32)
    np.testing.assert_allclose(vecs, onnx_encoder.encode(["python developer", "nurse"]), atol=1e-5)


def test_info_reports_manifest_and_load_time(models_dir: Path, onnx_encoder) -> None:
    result = runner.invoke(app, ["info", "--models", str(models_dir)])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["model_id"] == onnx_encoder.model_id
    assert info["max_length"] == 128 and info["load_ms"] > 0 and info["model_bytes"] > 10_000_000


def test_info_without_export_says_what_to_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--models", str(tmp_path)])
    assert result.exit_code == 2
    assert "jobsearch models export" in result.output


def test_export_rejects_unknown_optimisation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--out", str(tmp_path), "--optimize", "turbo"])
    assert result.exit_code != 0
    assert "turbo" in result.output
