from __future__ import annotations

import json
from pathlib import Path

import onnx
import pytest

from jobsearch.encode.export import TOKENIZER_FILES, export_retriever, version_dir
from jobsearch.encode.manifest import Manifest, model_id_for


def _dims(value_info: onnx.ValueInfoProto) -> list[str | int]:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def test_graph_has_named_tensors_and_dynamic_axes(retriever_dir: Path) -> None:
    graph = onnx.load(str(retriever_dir / "model.onnx"), load_external_data=False).graph
    inputs = {i.name: i for i in graph.input}
    assert list(inputs) == ["input_ids", "attention_mask"]
    for tensor in inputs.values():
        assert tensor.type.tensor_type.elem_type == onnx.TensorProto.INT64
        assert _dims(tensor) == ["batch", "sequence"]
    (out,) = graph.output
    assert out.name == "sentence_embedding"
    assert out.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert _dims(out) == ["batch", 384]


def test_folder_is_self_contained_triton_version(models_dir: Path, retriever_dir: Path) -> None:
    assert retriever_dir == models_dir / "retriever" / "1"
    for name in ("model.onnx", "manifest.json", *TOKENIZER_FILES):
        assert (retriever_dir / name).is_file(), name
    # weights are inside model.onnx (no external data file), and no temp folders remain
    assert sorted(p.name for p in (models_dir / "retriever").iterdir()) == ["1"]
    assert not list(retriever_dir.glob("*.data"))


def test_manifest_describes_the_model(retriever_dir: Path) -> None:
    manifest = Manifest.read(retriever_dir)
    raw = json.loads((retriever_dir / "manifest.json").read_text())
    assert raw["model_id"] == manifest.model_id == model_id_for(retriever_dir / "model.onnx")
    assert manifest.model_id.startswith("minilm-l6-v2-onnx-")
    assert manifest.dim == 384 and manifest.max_length == 128
    assert manifest.inputs == ["input_ids", "attention_mask"]
    assert manifest.outputs == ["sentence_embedding"]
    assert manifest.parity_min_cosine is not None and manifest.parity_min_cosine >= 0.999
    assert "T" in manifest.created  # ISO 8601
    # the fused graph is what ships: one Attention op per layer
    assert manifest.optimized and manifest.fusions.get("attention") == 6
    ops = {n.op_type for n in onnx.load(str(retriever_dir / "model.onnx")).graph.node}
    assert {"Attention", "SkipLayerNormalization", "BiasGelu"} <= ops


def test_bad_max_length_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_length"):
        export_retriever(tmp_path, max_length=1024)
    assert not (tmp_path / "retriever" / "1").exists()


@pytest.mark.slow
def test_plain_reexport_replaces_the_version_atomically(
    tmp_path: Path, retriever_dir: Path
) -> None:
    """Re-exporting over an existing version swaps the folder: the new manifest and model
    agree, nothing of the old one or of the temp folder is left."""
    import shutil

    from jobsearch.encode.onnx_encoder import OnnxEncoder

    shutil.copytree(retriever_dir, version_dir(tmp_path))  # an existing (fused) version
    fused_id = Manifest.read(version_dir(tmp_path)).model_id
    plain = export_retriever(tmp_path, max_length=64, optimize=None)
    assert plain == version_dir(tmp_path)
    manifest = Manifest.read(plain)
    assert not manifest.optimized and manifest.max_length == 64
    assert manifest.model_id != fused_id == Manifest.read(retriever_dir).model_id
    assert sorted(p.name for p in (tmp_path / "retriever").iterdir()) == ["1"]
    ops = {n.op_type for n in onnx.load(str(plain / "model.onnx")).graph.node}
    assert "Attention" not in ops
    enc = OnnxEncoder.load(plain)
    assert enc.max_length == 64 and enc.model_id == manifest.model_id
