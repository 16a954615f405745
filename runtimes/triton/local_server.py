"""Serve a Triton model repository on this machine through a real Triton server
(nvidia-pytriton: Triton with the Python backend, running each ONNX model with ONNX
Runtime), for development and tests where the standard Triton image is not available.
Each model's tensors, batch size and dynamic batching come from its config.pbtxt, parsed
with Triton's own ModelConfig protobuf, so the repository is exercised as written.

Runs in its own process (pytriton imports tritonclient.grpc, which cannot share a process
with kserve). Needs LD_LIBRARY_PATH to hold this Python's library folder; `main()` sets it
for the Triton it starts."""

from __future__ import annotations

import argparse
import os
import sysconfig
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.runtimes.triton.repository import CONFIG_FILE, MODEL_FILE, model_versions

TRITON_TO_NUMPY = {
    "TYPE_FP32": np.float32, "TYPE_FP16": np.float16, "TYPE_INT64": np.int64,
    "TYPE_INT32": np.int32, "TYPE_BOOL": np.bool_, "TYPE_FP64": np.float64,
}


def read_config(model_dir: Path) -> Any:
    """config.pbtxt as Triton's ModelConfig message (raises on any unknown field)."""
    from google.protobuf import text_format
    from tritonclient.grpc import model_config_pb2

    return text_format.Parse((model_dir / CONFIG_FILE).read_text(), model_config_pb2.ModelConfig())


def _bind(triton: Any, model_dir: Path) -> str:
    from pytriton.decorators import batch
    from pytriton.model_config import DynamicBatcher, ModelConfig, Tensor
    from tritonclient.grpc import model_config_pb2

    from jobsearch.encode.onnx_encoder import make_session

    cfg = read_config(model_dir)
    version = model_versions(model_dir)[-1]
    session: Any = make_session(version / MODEL_FILE, threads=1)
    out_names = [o.name for o in cfg.output]

    def infer_whole(**inputs: np.ndarray) -> dict[str, np.ndarray]:
        results = session.run(out_names, inputs)
        return dict(zip(out_names, results, strict=True))

    # A model without a batch axis (max_batch_size 0), or one whose config asks for no dynamic
    # batching (an int8 encoder), gets each request's tensors whole, never merged with others.
    merge = bool(cfg.max_batch_size) and cfg.HasField("dynamic_batching")
    infer = batch(infer_whole) if merge else _whole(infer_whole)

    def tensors(items: Any) -> list[Any]:
        return [
            Tensor(name=t.name, dtype=TRITON_TO_NUMPY[model_config_pb2.DataType.Name(t.data_type)],
                   shape=tuple(t.dims))
            for t in items
        ]

    db = cfg.dynamic_batching
    batcher = DynamicBatcher(
        max_queue_delay_microseconds=db.max_queue_delay_microseconds,
        preferred_batch_size=list(db.preferred_batch_size),
    ) if merge else None
    # pytriton may still hand several queued requests over at once; `_whole` runs them apart
    triton.bind(
        model_name=cfg.name,
        infer_func=infer,
        inputs=tensors(cfg.input),
        outputs=tensors(cfg.output),
        model_version=int(version.name),
        config=ModelConfig(max_batch_size=cfg.max_batch_size, batching=bool(cfg.max_batch_size),
                           batcher=batcher or DynamicBatcher()),
        strict=True,
    )
    return str(cfg.name)


def _whole(fn: Any) -> Any:
    """pytriton hands the function a list of requests' inputs: run each on its own."""

    def infer(requests: list[dict[str, np.ndarray]]) -> list[dict[str, np.ndarray]]:
        return [fn(**r) for r in requests]

    return infer


def serve(repository: Path, *, host: str, http_port: int, grpc_port: int, metrics_port: int) -> None:
    from pytriton.triton import Triton, TritonConfig

    config = TritonConfig(
        http_address=host, http_port=http_port, grpc_address=host, grpc_port=grpc_port,
        metrics_port=metrics_port, metrics_address=host, exit_on_error=True,
    )
    with Triton(config=config) as triton:
        names = [_bind(triton, d) for d in sorted(repository.iterdir()) if (d / CONFIG_FILE).is_file()]
        print(f"serving {names} on http://{host}:{http_port}", flush=True)
        triton.serve()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve a Triton model repository with pytriton (CPU).")
    ap.add_argument("repository", type=Path)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--http-port", type=int, default=8000)
    ap.add_argument("--grpc-port", type=int, default=8001)
    ap.add_argument("--metrics-port", type=int, default=8002)
    args = ap.parse_args(argv)
    # The Python backend stub must load this interpreter's libpython, not the system one.
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(
        p for p in (libdir, os.environ.get("LD_LIBRARY_PATH", "")) if p
    )
    serve(args.repository, host=args.host, http_port=args.http_port, grpc_port=args.grpc_port,
          metrics_port=args.metrics_port)


if __name__ == "__main__":
    main()
