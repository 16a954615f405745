"""Job and query embeddings for the grader's text semantics and for hard-negative mining:
the packaged MiniLM through `jobsearch.encode`, job vectors cached on disk per corpus."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from jobsearch.models.jobtable import JobTable


def load_encoder() -> Callable[[Sequence[str]], np.ndarray]:
    """The un-tuned MiniLM (PyTorch), as a texts -> unit vectors function."""
    from jobsearch.encode.torch_encoder import TorchEncoder

    enc = TorchEncoder.load()
    return lambda texts: enc.encode(list(texts))


def job_texts(table) -> list[str]:  # noqa: ANN001 - a pyarrow Table in POSTINGS_SCHEMA
    from jobsearch.encode.text import posting_text

    return [posting_text(r) for r in table.to_pylist()]


def job_vectors(
    jobs: JobTable, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray], *, cache_dir: Path | None = None
) -> np.ndarray:
    """Embed every job (posting_text, the index's own view of a posting); cached by content."""
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]
    path = cache_dir / f"job-vectors-{key}.npy" if cache_dir else None
    if path is not None and path.exists():
        vecs = np.load(path)
    else:
        from tqdm import tqdm

        chunks = [texts[i : i + 256] for i in range(0, len(texts), 256)]
        vecs = np.concatenate([embed(c) for c in tqdm(chunks, desc="embedding jobs", unit="batch", leave=False)])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vecs)
    jobs.attach_vectors(vecs)
    return vecs
