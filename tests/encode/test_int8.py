"""The default export: int8 weights (issue 17). Close to the float graph, 7-bit weights (no
saturation on CPUs without VNNI), its own model id (vectors of the two never mix)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from jobsearch.encode.export import MIN_COSINE_INT8
from jobsearch.encode.manifest import Manifest, model_id_for
from jobsearch.encode.onnx_encoder import OnnxEncoder


def test_manifest_says_int8_and_its_parity(int8_dir: Path, retriever_dir: Path) -> None:
    manifest = Manifest.read(int8_dir)
    assert manifest.precision == "int8" and Manifest.read(retriever_dir).precision == "fp32"
    assert manifest.parity_min_cosine is not None and manifest.parity_min_cosine >= MIN_COSINE_INT8
    assert manifest.model_id == model_id_for(int8_dir / "model.onnx") != Manifest.read(retriever_dir).model_id
    # int8 weights and embedding table: about a third of the float file
    assert (int8_dir / "model.onnx").stat().st_size < (retriever_dir / "model.onnx").stat().st_size * 0.4


def test_weights_are_7_bit_so_no_cpu_saturates(int8_dir: Path) -> None:
    graph = onnx.load(str(int8_dir / "model.onnx")).graph
    ops = {n.op_type for n in graph.node}
    assert ops & {"DynamicQuantizeMatMul", "MatMulInteger"}, ops
    weights = [numpy_helper.to_array(t) for t in graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 36  # 6 layers x (qkv, out, ffn in, ffn out) at least
    # vpmaddubsw adds two u8 x s8 products in int16: 255 * 64 * 2 < 32767, so |w| <= 64 is safe
    assert max(int(np.abs(w.astype(np.int32)).max()) for w in weights) <= 64


def test_vectors_stay_close_to_fp32(int8_dir: Path, onnx_encoder: OnnxEncoder, sentences: list[str]) -> None:
    int8 = OnnxEncoder.load(int8_dir)
    a, b = int8.encode(sentences), onnx_encoder.encode(sentences)
    cos = np.sum(a * b, axis=1)
    assert cos.min() >= MIN_COSINE_INT8 and cos.mean() >= 0.985, cos
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    # similarities between texts (what retrieval ranks by) move by a few hundredths at most
    assert np.abs(a @ a.T - b @ b.T).max() < 0.05


def test_cli_rejects_an_unknown_precision(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("jobsearch")
    run = subprocess.run([str(exe), "models", "export", "--out", str(tmp_path), "--precision", "int4"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "--precision must be int8 or fp32" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "retriever").exists()


def test_info_reports_the_precision(int8_dir: Path) -> None:
    exe = Path(sys.executable).with_name("jobsearch")
    run = subprocess.run([str(exe), "models", "info", "--models", str(int8_dir.parent.parent)],
                         capture_output=True, text=True, check=True)
    assert json.loads(run.stdout)["precision"] == "int8"
