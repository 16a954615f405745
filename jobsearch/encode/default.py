"""The encoder every command uses unless told otherwise: the exported retriever in the data
home, exported on first use (once, under a file lock, with a message on stderr)."""

from __future__ import annotations

import fcntl
import sys
from pathlib import Path

from jobsearch.encode.export import export_retriever, version_dir
from jobsearch.encode.manifest import MANIFEST_FILE, MODEL_FILE, Manifest
from jobsearch.encode.onnx_encoder import OnnxEncoder


def _models(models_dir: Path | None) -> Path:
    if models_dir is None:
        from jobsearch.home import models_dir as home_models_dir

        return home_models_dir()
    return Path(models_dir)


def default_encoder(
    models_dir: Path | None = None, *, threads: int | None = None, max_length: int | None = None
) -> OnnxEncoder:
    """Load `<models_dir>/retriever/1` (default: the data home's models folder), exporting it
    first if it is not there. `max_length` below the exported 128 trades retrieval
    agreement for bulk speed (see docs/encoder.md)."""
    return OnnxEncoder.load(ensure_exported(_models(models_dir)), threads=threads, max_length=max_length)


def retriever_model_id(models_dir: Path | None = None) -> str:
    """The retriever's model id from its manifest (exporting it first), without loading
    a session."""
    return Manifest.read(ensure_exported(_models(models_dir))).model_id


QUERY_MODEL = "query"


def query_encoder(models_dir: Path | None = None, *, threads: int | None = None) -> OnnxEncoder:
    """The encoder for queries: the tuned query tower at `<models_dir>/query/1` when it was
    trained for the current retriever's documents (`jobsearch eval train-retriever`), else
    the retriever itself. A tower trained for other documents is ignored with a warning.
    Only the model that will encode queries is loaded."""
    models_dir = _models(models_dir)
    tower = version_dir(models_dir, QUERY_MODEL)
    if _complete(tower):
        paired, docs = Manifest.read(tower).doc_model_id, retriever_model_id(models_dir)
        if paired == docs:
            return OnnxEncoder.load(tower, threads=threads)
        print(f"warning: ignoring the query tower at {tower}: it was trained for documents of "
              f"{paired!r}, the retriever is {docs!r}; retrain it with "
              "`jobsearch eval train-retriever`", file=sys.stderr)
    return default_encoder(models_dir, threads=threads)


def ensure_exported(models_dir: Path) -> Path:
    """Export the retriever under `models_dir` unless a complete version is there. A lock
    file stops two processes (e.g. `index build` and `serve`) exporting at once."""
    target = version_dir(models_dir)
    if _complete(target):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(target):  # another process may have finished while we waited
            print(
                f"exporting the retriever encoder to {target} (first use, ~15 s)...",
                file=sys.stderr,
            )
            export_retriever(models_dir)
    return target


def _complete(target: Path) -> bool:
    return (target / MODEL_FILE).is_file() and (target / MANIFEST_FILE).is_file()
