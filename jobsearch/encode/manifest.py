"""`manifest.json` of an exported model version: what a loader needs to trust and use the
folder (model id, dim, max_length, tensor names) without opening the graph."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jobsearch.errors import ModelNotFoundError

MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.onnx"
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "sentence_embedding"


@dataclass(frozen=True)
class Manifest:
    model_id: str
    dim: int
    max_length: int
    created: str
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    pooling: str = "mean+l2"
    optimized: bool = False
    fusions: dict[str, int] = field(default_factory=dict)
    parity_min_cosine: float | None = None
    inputs: list[str] = field(default_factory=lambda: list(INPUT_NAMES))
    outputs: list[str] = field(default_factory=lambda: [OUTPUT_NAME])
    # A query tower: the document model whose vectors it was trained against (None: the
    # model encodes queries and documents alike).
    doc_model_id: str | None = None
    # "int8": weights quantised (see `export.quantize_encoder`); "fp32": float weights.
    precision: str = "fp32"

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_FILE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = Path(folder) / MANIFEST_FILE
        if not path.is_file():
            raise ModelNotFoundError(
                f"no {MANIFEST_FILE} in {folder}: not an exported model version; "
                "run `jobsearch models export` to create it"
            )
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelNotFoundError(
                f"{path} is unreadable ({exc}); re-run `jobsearch models export`"
            ) from exc


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def model_id_for(model_file: Path) -> str:
    """Content-addressed id: the same graph always gets the same id, so caches keyed by it
    are never stale after a re-export that changed the model."""
    return f"minilm-l6-v2-onnx-{file_sha256(model_file)[:12]}"
