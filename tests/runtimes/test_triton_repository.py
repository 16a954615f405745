"""The Triton model repository: every config.pbtxt parses as Triton's ModelConfig and
names exactly the ONNX graph's tensors; tokenizer files sit beside the model version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jobsearch.runtimes.triton.repository import (
    CONFIG_FILE,
    MODEL_FILE,
    build_model,
    graph_tensors,
    model_versions,
)

# Parsed in a subprocess: tritonclient.grpc's protobufs must not load beside kserve's.
PARSE = """
import json, sys
from google.protobuf import json_format, text_format
from tritonclient.grpc import model_config_pb2
out = {}
for path in sys.argv[1:]:
    cfg = text_format.Parse(open(path).read(), model_config_pb2.ModelConfig())
    out[path] = json_format.MessageToDict(cfg, preserving_proto_field_name=True)
print(json.dumps(out))
"""


def parse_configs(paths: list[Path]) -> dict[str, dict]:
    proc = subprocess.run([sys.executable, "-c", PARSE, *map(str, paths)], capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def gpu_repo(encoder_version_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gpu-repo")
    build_model(encoder_version_dir, root, name="retriever", version=3, device="gpu")
    return root


@pytest.mark.slow  # needs the session's exported encoder
def test_every_config_matches_its_onnx_graph(triton_repo: Path, gpu_repo: Path) -> None:
    # The encoders (CPU and GPU repositories); the ranker's graphs have their own test.
    configs = sorted(c for c in [*triton_repo.glob(f"*/{CONFIG_FILE}"), *gpu_repo.glob(f"*/{CONFIG_FILE}")]
                     if not c.parent.name.startswith("ranker"))
    assert len(configs) == 2
    parsed = parse_configs(configs)
    for path in configs:
        cfg = parsed[str(path)]
        model_dir = path.parent
        versions = model_versions(model_dir)
        assert versions, f"{model_dir} has no version folder"
        inputs, outputs = graph_tensors(versions[-1] / MODEL_FILE)
        assert cfg["name"] == model_dir.name
        for declared, graph in ((cfg["input"], inputs), (cfg["output"], outputs)):
            assert [(t["name"], t["data_type"], [int(d) for d in t["dims"]]) for t in declared] == [
                (t.name, t.data_type, list(t.dims)) for t in graph
            ]
        assert [t["name"] for t in cfg["input"]] == ["input_ids", "attention_mask"]
        assert [t["name"] for t in cfg["output"]] == ["sentence_embedding"]
        assert int(cfg["max_batch_size"]) >= 32
        # an int8 encoder quantises activations per batch: requests are never merged
        int8 = json.loads((versions[-1] / "manifest.json").read_text())["precision"] == "int8"
        assert ("dynamic_batching" not in cfg) if int8 else cfg["dynamic_batching"]["preferred_batch_size"]
        assert cfg["backend"] == "onnxruntime"
        for v in versions:
            for f in ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "manifest.json"):
                assert (v / f).is_file(), f"{v / f} missing: the tokenizer must travel with the model"
    kinds = {parsed[str(p)]["instance_group"][0]["kind"] for p in configs}
    assert kinds == {"KIND_CPU", "KIND_GPU"}
    assert model_versions(gpu_repo / "retriever")[-1].name == "3"


def test_graph_without_batch_axis_is_refused(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    onnx.save(helper.make_model(graph), tmp_path / "model.onnx")
    with pytest.raises(ValueError, match="dynamic batch axis"):
        graph_tensors(tmp_path / "model.onnx")
