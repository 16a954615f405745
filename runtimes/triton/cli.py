"""`jobsearch triton-repo ...`: publish exported models as a Triton model repository, and
serve one locally (pytriton, CPU) for development."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help=(
        "Triton model repositories for the ONNX models.\n\n"
        "  jobsearch triton-repo build --out /data/models/retriever-v1          # from the data home\n\n"
        "  jobsearch triton-repo serve /data/models/retriever-v1 --http-port 8000"
    ),
    no_args_is_help=True,
)


@app.command()
def build(
    out: Annotated[Path, typer.Option(help="Repository root to write (<out>/<name>/config.pbtxt).")],
    model_dir: Annotated[Path | None, typer.Option(help="Exported model version folder (default: the data home's retriever).")] = None,
    name: Annotated[str, typer.Option(help="Triton model name.")] = "retriever",
    version: Annotated[int, typer.Option(min=1, help="Model version folder to write.")] = 1,
    device: Annotated[str, typer.Option(help="Instance group kind: gpu, cpu or auto.")] = "gpu",
    max_batch_size: Annotated[int, typer.Option(min=1)] = 64,
    instances: Annotated[int, typer.Option(min=1, help="Model instances per device.")] = 1,
) -> None:
    """Write config.pbtxt (tensors read from the ONNX graph) and copy the model version with
    its tokenizer files."""
    from jobsearch.runtimes.triton.repository import build_model

    if device not in ("gpu", "cpu", "auto"):
        raise typer.BadParameter("device must be gpu, cpu or auto")
    if model_dir is None:
        from jobsearch.encode.default import ensure_exported
        from jobsearch.home import models_dir

        model_dir = ensure_exported(models_dir())
    target = build_model(model_dir, out, name=name, version=version, device=device,  # type: ignore[arg-type]  # checked above
                         max_batch_size=max_batch_size, instances=instances)
    typer.echo(f"wrote {target}")


@app.command()
def ranker(
    out: Annotated[Path, typer.Option(help="Repository root to write (ranker_prefix/, ranker_candidate/).")],
    model_dir: Annotated[Path | None, typer.Option(help="Ranker version folder (default: the data home's newest).")] = None,
    version: Annotated[int, typer.Option(min=1, help="Model version folder to write.")] = 1,
    device: Annotated[str, typer.Option(help="Instance group kind: gpu, cpu or auto.")] = "gpu",
) -> None:
    """Write the ranker's two graphs (prefix, candidate) as Triton models (docs/ranker.md)."""
    from jobsearch.runtimes.triton.ranker import build_ranker

    if device not in ("gpu", "cpu", "auto"):
        raise typer.BadParameter("device must be gpu, cpu or auto")
    if model_dir is None:
        from jobsearch.home import models_dir
        from jobsearch.rank.onnx_ranker import ranker_versions

        versions = ranker_versions(models_dir())
        if not versions:
            raise typer.BadParameter(f"no ranker under {models_dir()}/ranker: run `jobsearch rank export`")
        model_dir = versions[-1]
    for target in build_ranker(model_dir, out, version=version, device=device):  # type: ignore[arg-type]
        typer.echo(f"wrote {target}")


@app.command()
def serve(
    repository: Annotated[Path, typer.Argument(help="Repository root.")],
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    http_port: Annotated[int, typer.Option()] = 8000,
    grpc_port: Annotated[int, typer.Option()] = 8001,
    metrics_port: Annotated[int, typer.Option()] = 8002,
) -> None:
    """Serve the repository with a real Triton server (pytriton; ONNX Runtime on CPU)."""
    from jobsearch.runtimes.triton.local_server import main

    main([str(repository), "--host", host, "--http-port", str(http_port), "--grpc-port",
          str(grpc_port), "--metrics-port", str(metrics_port)])
