from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jobsearch.encode.onnx_encoder import OnnxEncoder
from jobsearch.errors import ModelNotFoundError
from jobsearch.stages import Encoder


def test_is_an_encoder_stage(onnx_encoder: OnnxEncoder, retriever_dir: Path) -> None:
    assert isinstance(onnx_encoder, Encoder)
    assert onnx_encoder.dim == 384
    assert (
        onnx_encoder.model_id
        == (retriever_dir / "manifest.json").read_text().split('"model_id": "')[1].split('"')[0]
    )


def test_missing_model_dir_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="jobsearch models export"):
        OnnxEncoder.load(tmp_path / "nowhere")


def test_model_without_manifest_is_refused(tmp_path: Path, retriever_dir: Path) -> None:
    (tmp_path / "model.onnx").symlink_to(retriever_dir / "model.onnx")
    with pytest.raises(ModelNotFoundError, match="manifest.json"):
        OnnxEncoder.load(tmp_path)


def test_empty_input_gives_empty_matrix(onnx_encoder: OnnxEncoder) -> None:
    out = onnx_encoder.encode([])
    assert out.shape == (0, 384) and out.dtype == np.float32


def test_bare_string_and_non_strings_are_rejected(onnx_encoder: OnnxEncoder) -> None:
    with pytest.raises(TypeError, match="single string"):
        onnx_encoder.encode("python developer")
    with pytest.raises(TypeError, match="text 1 is int"):
        onnx_encoder.encode(["ok", 3])  # type: ignore[list-item]


def test_empty_string_still_embeds(onnx_encoder: OnnxEncoder) -> None:
    vec = onnx_encoder.encode([""])
    assert vec.shape == (1, 384) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5


def test_shorter_max_length_truncates_more(retriever_dir: Path, onnx_encoder: OnnxEncoder) -> None:
    short = OnnxEncoder.load(retriever_dir, threads=1, max_length=64)
    assert short.max_length == 64 and short.model_id == f"{onnx_encoder.model_id}-len64"
    query = ["senior python developer remote Berlin"]
    np.testing.assert_allclose(short.encode(query), onnx_encoder.encode(query), atol=1e-5)
    long_text = ["Registered nurse. " * 10 + "Pastry chef, sourdough and croissants. " * 10]
    assert float(short.encode(long_text) @ onnx_encoder.encode(long_text).T) < 0.99
    with pytest.raises(ValueError, match="exceeds the exported max_length"):
        OnnxEncoder.load(retriever_dir, max_length=256)
