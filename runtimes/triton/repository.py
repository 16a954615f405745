"""Build a Triton model repository from an exported model version: `config.pbtxt` whose
named tensors are read from the ONNX graph itself (so they cannot drift), dynamic
batching, an instance group per device, and the tokenizer files beside the model version
so nothing is fetched when the model loads.

    <out>/<name>/config.pbtxt
    <out>/<name>/<version>/{model.onnx, tokenizer.json, vocab.txt, ..., manifest.json}
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

MODEL_FILE = "model.onnx"
CONFIG_FILE = "config.pbtxt"
# Tokenizer and provenance files that travel with a model version.
SIDE_FILES = (
    "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
    "config.json", "manifest.json",
)
# ONNX TensorProto element types -> Triton data types.
ONNX_TO_TRITON = {1: "TYPE_FP32", 6: "TYPE_INT32", 7: "TYPE_INT64", 10: "TYPE_FP16", 9: "TYPE_BOOL",
                  11: "TYPE_FP64", 16: "TYPE_BF16", 3: "TYPE_INT8", 2: "TYPE_UINT8"}
Device = Literal["gpu", "cpu", "auto"]


@dataclass(frozen=True)
class Tensor:
    name: str
    data_type: str
    dims: tuple[int, ...]  # without the batch dimension; -1 is dynamic


@dataclass(frozen=True)
class ModelConfig:
    name: str
    inputs: tuple[Tensor, ...]
    outputs: tuple[Tensor, ...]
    max_batch_size: int = 64
    device: Device = "gpu"
    instances: int = 1
    preferred_batch_sizes: tuple[int, ...] = (8, 16, 32)
    max_queue_delay_us: int = 2000
    # Off for dynamically quantised (int8) graphs: their activations share one scale per
    # batch, so a request batched with others would get a slightly different answer.
    dynamic_batching: bool = True
    versions: tuple[int, ...] = field(default_factory=tuple)


def graph_tensors(model_path: Path, *, batched: bool = True) -> tuple[tuple[Tensor, ...], tuple[Tensor, ...]]:
    """Named inputs and outputs of an ONNX graph, batch dimension dropped. Refuses graphs
    whose first dimension is not a dynamic batch axis (Triton batches along it). With
    `batched=False` (a max_batch_size 0 model, e.g. the ranker's graphs) dims stay whole."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    initializers = {i.name for i in model.graph.initializer}

    def convert(values: object) -> tuple[Tensor, ...]:
        out = []
        for v in values:  # type: ignore[attr-defined]
            if v.name in initializers:
                continue
            t = v.type.tensor_type
            dims = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
            if batched and (not dims or dims[0] != -1):
                raise ValueError(f"{model_path}: tensor {v.name!r} has no dynamic batch axis ({dims})")
            if t.elem_type not in ONNX_TO_TRITON:
                raise ValueError(f"{model_path}: tensor {v.name!r} has unsupported type {t.elem_type}")
            out.append(Tensor(v.name, ONNX_TO_TRITON[t.elem_type], tuple(dims[1:] if batched else dims)))
        return tuple(out)

    return convert(model.graph.input), convert(model.graph.output)


def render_config(cfg: ModelConfig) -> str:
    """config.pbtxt text (protobuf text format of Triton's ModelConfig)."""

    def tensors(items: tuple[Tensor, ...]) -> str:
        rows = [
            f'  {{\n    name: "{t.name}"\n    data_type: {t.data_type}\n'
            f'    dims: [ {", ".join(str(d) for d in t.dims)} ]\n  }}'
            for t in items
        ]
        return ",\n".join(rows)

    kind = {"gpu": "KIND_GPU", "cpu": "KIND_CPU", "auto": "KIND_AUTO"}[cfg.device]
    preferred = ", ".join(str(b) for b in cfg.preferred_batch_sizes if b <= cfg.max_batch_size)
    lines = [
        f'name: "{cfg.name}"',
        'backend: "onnxruntime"',
        f"max_batch_size: {cfg.max_batch_size}",
        f"input [\n{tensors(cfg.inputs)}\n]",
        f"output [\n{tensors(cfg.outputs)}\n]",
        # Triton batches only models with a batch axis (max_batch_size > 0).
        *(["dynamic_batching {\n"
           f"  preferred_batch_size: [ {preferred} ]\n"
           f"  max_queue_delay_microseconds: {cfg.max_queue_delay_us}\n}}"]
          if cfg.max_batch_size and cfg.dynamic_batching else []),
        f"instance_group [\n  {{\n    count: {cfg.instances}\n    kind: {kind}\n  }}\n]",
    ]
    if cfg.versions:
        lines.append(
            "version_policy: { specific: { versions: [ "
            + ", ".join(str(v) for v in cfg.versions) + " ] } }"
        )
    return "\n".join(lines) + "\n"


def build_model(
    version_dir: Path,
    out_root: Path,
    *,
    name: str,
    version: int = 1,
    device: Device = "gpu",
    max_batch_size: int = 64,
    instances: int = 1,
) -> Path:
    """Copy one exported model version into `out_root/<name>/<version>/` and write its
    config.pbtxt from the graph; returns `out_root/<name>`."""
    version_dir = Path(version_dir)
    model = version_dir / MODEL_FILE
    if not model.is_file():
        from jobsearch.errors import ModelNotFoundError

        raise ModelNotFoundError(f"no {MODEL_FILE} in {version_dir}: run `jobsearch models export`")
    inputs, outputs = graph_tensors(model)
    model_dir = Path(out_root) / name
    target = model_dir / str(version)
    tmp = model_dir / f".tmp-{version}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in (MODEL_FILE, *SIDE_FILES):
        if (version_dir / f).is_file():
            shutil.copy2(version_dir / f, tmp / f)
    # Replace the version folder in one rename, so a reader never sees half a model.
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    cfg = ModelConfig(name=name, inputs=inputs, outputs=outputs, max_batch_size=max_batch_size,
                      device=device, instances=instances, dynamic_batching=_precision(version_dir) != "int8")
    (model_dir / CONFIG_FILE).write_text(render_config(cfg))
    return model_dir


def _precision(version_dir: Path) -> str:
    """The `precision` an encoder export's manifest records ("fp32" when absent)."""
    import json

    manifest = version_dir / "manifest.json"
    try:
        return str(json.loads(manifest.read_text()).get("precision", "fp32")) if manifest.is_file() else "fp32"
    except (OSError, ValueError, AttributeError):
        return "fp32"


def model_versions(model_dir: Path) -> list[Path]:
    return sorted((p for p in Path(model_dir).iterdir() if p.is_dir() and p.name.isdigit()),
                  key=lambda p: int(p.name))
