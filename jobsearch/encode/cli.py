"""`jobsearch models ...`: export the retriever encoder to ONNX, inspect it, encode text.
Heavy imports (torch, onnxruntime) happen inside the commands so `--help` stays instant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help=(
        "The retriever encoder (all-MiniLM-L6-v2 -> ONNX -> ONNX Runtime).\n\n"
        "jobsearch models export  # write <data home>/models/retriever/1/\n\n"
        "jobsearch models info  # manifest and load time\n\n"
        "jobsearch models encode 'python developer' 'nurse'  # vectors as JSON\n\n"
        "Other commands export the model on first use, so `export` is only needed to choose "
        "the folder or max length, or to re-export."
    ),
    no_args_is_help=True,
)

OUT_HELP = "models folder (the model goes to <DIR>/retriever/1); default: <data home>/models"
ModelsOpt = Annotated[Path | None, typer.Option("--models", help=OUT_HELP)]


def _models_dir(out: Path | None) -> Path:
    if out is not None:
        return out
    from jobsearch.home import models_dir

    return models_dir()


@app.command()
def export(
    out: Annotated[Path | None, typer.Option("--out", help=OUT_HELP)] = None,
    max_length: Annotated[
        int, typer.Option(help="tokens per text (incl. [CLS]/[SEP]); longer texts are truncated")
    ] = 128,
    optimize: Annotated[
        str,
        typer.Option(
            help="graph fusions of the fp32 export: 'onnxscript' (fastest), 'ort' (onnxruntime optimizer) "
            "or 'none' (int8 quantises the plain graph, which runs faster than the fused one)"
        ),
    ] = "onnxscript",
    precision: Annotated[
        str,
        typer.Option(
            help="'int8' (default: weights quantised, ~2x documents/s on CPU, mean cosine "
            "~0.995 to fp32) or 'fp32' (float weights; use it for GPU serving)"
        ),
    ] = "int8",
) -> None:
    """Export MiniLM + mean pooling + L2 norm to ONNX with its tokenizer and a manifest.

    Checks ONNX Runtime against PyTorch (cosine >= 0.999 for the float graph, >= 0.98 once
    int8) before publishing; replaces an existing export atomically. An index built with
    another export must be rebuilt (`jobsearch index build`): vectors are keyed by model id."""
    from jobsearch.encode.export import export_retriever

    if optimize not in ("onnxscript", "ort", "none"):
        raise typer.BadParameter(f"--optimize must be onnxscript, ort or none, got {optimize!r}")
    if precision not in ("int8", "fp32"):
        raise typer.BadParameter(f"--precision must be int8 or fp32, got {precision!r}")
    target = export_retriever(
        _models_dir(out),
        max_length=max_length,
        optimize=None if optimize == "none" else optimize,  # type: ignore[arg-type]
        precision=precision,  # type: ignore[arg-type]
    )
    typer.echo(
        json.dumps(
            {"path": str(target), **json.loads((target / "manifest.json").read_text())}, indent=2
        )
    )


@app.command()
def info(models: ModelsOpt = None) -> None:
    """Print the exported model's manifest and how long it takes to load (JSON)."""
    import time

    from jobsearch.encode.export import version_dir
    from jobsearch.encode.manifest import Manifest
    from jobsearch.encode.onnx_encoder import OnnxEncoder
    from jobsearch.errors import ModelNotFoundError

    folder = version_dir(_models_dir(models))
    try:
        manifest = Manifest.read(folder)
        start = time.perf_counter()
        enc = OnnxEncoder.load(folder)
        load_ms = (time.perf_counter() - start) * 1e3
        start = time.perf_counter()
        enc.encode(["warm up"])
        first_ms = (time.perf_counter() - start) * 1e3
    except ModelNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    size = (folder / "model.onnx").stat().st_size
    payload = {
        "path": str(folder),
        **manifest.__dict__,
        "model_bytes": size,
        "load_ms": round(load_ms, 1),
        "first_encode_ms": round(first_ms, 1),
    }
    typer.echo(json.dumps(payload, indent=2))


@app.command()
def encode(
    texts: Annotated[list[str], typer.Argument(help="one or more texts to embed")],
    models: ModelsOpt = None,
    digits: Annotated[int, typer.Option(help="decimal places per component")] = 6,
) -> None:
    """Embed texts and print {"model_id", "dim", "vectors"} as JSON (exports on first use)."""
    from jobsearch.encode.default import default_encoder

    enc = default_encoder(_models_dir(models))
    vectors = enc.encode(texts)
    typer.echo(
        json.dumps(
            {
                "model_id": enc.model_id,
                "dim": enc.dim,
                "vectors": [[round(float(x), digits) for x in row] for row in vectors],
            }
        )
    )
