"""An on-disk embedding cache, so a second index build of the same corpus does not
re-encode. Vectors are keyed by (model_id, sha256 of the text): a new export gets a new
model_id and so a fresh cache, never stale vectors.

Layout: `<cache_dir>/<model_id>/seg-<stamp>.npy` (float32 [n, dim]) + `.keys` (n raw
32-byte digests). Segments are append-only and appear atomically (temp file + rename, keys
last: a segment without its keys file is invisible); many small ones are compacted."""

from __future__ import annotations

import hashlib
import os
import re
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from jobsearch.encode.onnx_encoder import check_texts
from jobsearch.stages import Encoder

DIGEST = 32
FLUSH_EVERY = 4096  # new vectors per segment: an interrupted build keeps most of its work
CHUNK = 256  # texts per inner encode call (the progress bar's step)
PROGRESS_MIN = 1000  # below this many misses, no progress bar unless asked
MAX_SEGMENTS = 16


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEncoder:
    """Wraps any `Encoder`; same `dim`, `model_id` and `encode` contract."""

    def __init__(self, encoder: Encoder, cache_dir: Path) -> None:
        self.inner = encoder
        self.dim = encoder.dim
        self.model_id = encoder.model_id
        self.folder = Path(cache_dir) / _safe_name(encoder.model_id)
        self.hits = 0
        self.misses = 0
        self._rows: dict[bytes, int] = {}
        # grows by doubling, so appending a query's vector is amortised O(dim), not a copy
        self._matrix = np.zeros((0, self.dim), dtype=np.float32)
        self._n = 0
        self._load()

    def __len__(self) -> int:
        return len(self._rows)

    def encode(self, texts: Sequence[str], progress: bool | None = None) -> np.ndarray:
        """Vectors for `texts`, encoding only texts not seen before (each unique text once).
        `progress`: None shows a bar for more than PROGRESS_MIN misses, True always, False never."""
        items = check_texts(texts)
        keys = [text_key(t) for t in items]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, items, strict=True):
            if key not in self._rows and key not in missing:
                missing[key] = text
        # a hit is a text served without encoding (repeats within one call count as hits)
        self.misses += len(missing)
        self.hits += len(items) - len(missing)
        if missing:
            self._encode_missing(missing, progress)
        out = np.empty((len(items), self.dim), dtype=np.float32)
        if items:
            out[:] = self._matrix[[self._rows[k] for k in keys]]
        return out

    def _encode_missing(self, missing: dict[bytes, str], progress: bool | None) -> None:
        from tqdm import tqdm

        keys = list(missing)
        show = progress if progress is not None else len(keys) > PROGRESS_MIN
        pending_keys: list[bytes] = []
        pending: list[np.ndarray] = []
        with tqdm(total=len(keys), desc="encoding", unit="text", disable=not show) as bar:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                vecs = np.asarray(self.inner.encode([missing[k] for k in chunk]), dtype=np.float32)
                if vecs.shape != (len(chunk), self.dim):
                    raise ValueError(
                        f"inner encoder returned shape {vecs.shape}, expected {(len(chunk), self.dim)}"
                    )
                pending_keys.extend(chunk)
                pending.append(vecs)
                bar.update(len(chunk))
                if len(pending_keys) >= FLUSH_EVERY:
                    self._append(pending_keys, np.concatenate(pending))
                    pending_keys, pending = [], []
        if pending_keys:
            self._append(pending_keys, np.concatenate(pending))
        if len(self._segments()) > MAX_SEGMENTS:
            self.compact()

    def _append(self, keys: list[bytes], vectors: np.ndarray) -> None:
        self._write_segment(keys, vectors)
        self._add(keys, vectors)

    def _add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        if self._n + len(vectors) > len(self._matrix):
            grown = np.zeros(
                (max(2 * len(self._matrix), self._n + len(vectors), 1024), self.dim), np.float32
            )
            grown[: self._n] = self._matrix[: self._n]
            self._matrix = grown
        self._matrix[self._n : self._n + len(vectors)] = vectors
        for i, key in enumerate(keys):
            self._rows.setdefault(key, self._n + i)
        self._n += len(vectors)

    def _segments(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p.with_suffix(".npy") for p in self.folder.glob("seg-*.keys"))

    def _write_segment(self, keys: list[bytes], vectors: np.ndarray) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self.folder / f"seg-{time.time_ns():020d}-{os.getpid()}"
        tmp_vec, tmp_key = stem.with_suffix(".npy.tmp"), stem.with_suffix(".keys.tmp")
        with open(tmp_vec, "wb") as fh:
            np.save(fh, np.ascontiguousarray(vectors, dtype=np.float32))
        tmp_key.write_bytes(b"".join(keys))
        tmp_vec.replace(stem.with_suffix(".npy"))
        tmp_key.replace(stem.with_suffix(".keys"))  # last: publishes the segment
        return stem.with_suffix(".npy")

    def _load(self) -> None:
        for vec_path in self._segments():
            key_path = vec_path.with_suffix(".keys")
            try:
                vectors = np.load(vec_path)
                raw = key_path.read_bytes()
            except (OSError, ValueError) as exc:
                warnings.warn(
                    f"skipping unreadable cache segment {vec_path.name}: {exc}", stacklevel=3
                )
                continue
            n = len(raw) // DIGEST
            if vectors.dtype != np.float32 or vectors.shape != (n, self.dim) or len(raw) % DIGEST:
                warnings.warn(
                    f"skipping cache segment {vec_path.name}: {vectors.shape} {vectors.dtype} "
                    f"does not match {n} keys of dim {self.dim}",
                    stacklevel=3,
                )
                continue
            self._add([raw[i * DIGEST : (i + 1) * DIGEST] for i in range(n)], vectors)

    def compact(self) -> None:
        """Rewrite every segment as one (new segment first, then delete the old ones; a
        reader in between sees duplicates, which are harmless)."""
        old = self._segments()
        if len(old) <= 1:
            return
        keys = sorted(self._rows, key=self._rows.__getitem__)
        vectors = self._matrix[[self._rows[k] for k in keys]]
        self._write_segment(keys, vectors)
        for path in old:
            path.with_suffix(".keys").unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        self._matrix, self._n = vectors, len(vectors)
        self._rows = {k: i for i, k in enumerate(keys)}


def _safe_name(model_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._")
    if not name:
        raise ValueError(f"model_id {model_id!r} cannot name a cache folder")
    return name
