from __future__ import annotations

from pathlib import Path

import pytest

from jobsearch.encode.default import default_encoder, ensure_exported
from jobsearch.encode.manifest import Manifest


def test_loads_an_existing_export_without_exporting(
    models_dir: Path, retriever_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stamp = (retriever_dir / "model.onnx").stat().st_mtime_ns
    enc = default_encoder(models_dir)
    assert enc.model_id == Manifest.read(retriever_dir).model_id
    assert (retriever_dir / "model.onnx").stat().st_mtime_ns == stamp
    assert "exporting" not in capsys.readouterr().err


def test_uses_the_data_home(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = models_dir.parent / "home"
    (home).mkdir(exist_ok=True)
    if not (home / "models").exists():
        (home / "models").symlink_to(models_dir)
    monkeypatch.setenv("JOBSEARCH_HOME", str(home))
    assert default_encoder().model_id == Manifest.read(models_dir / "retriever" / "1").model_id


@pytest.mark.slow
def test_exports_on_first_use_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = ensure_exported(tmp_path)
    assert "exporting the retriever encoder" in capsys.readouterr().err
    assert (target / "model.onnx").is_file()
    enc = default_encoder(tmp_path)
    assert enc.encode(["nurse"]).shape == (1, 384)
    assert capsys.readouterr().err == ""  # second use: no export
