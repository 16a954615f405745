from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import jobsearch.encode.cache as cache_mod
from jobsearch.encode.cache import CachedEncoder
from jobsearch.encode.onnx_encoder import OnnxEncoder
from jobsearch.stages import Encoder


class Counting:
    """The real ONNX encoder, recording every call (optionally under another model_id)."""

    def __init__(self, inner: OnnxEncoder, model_id: str | None = None) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.model_id = model_id or inner.model_id
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


TEXTS = [
    f"{role} in {city}"
    for role in ("nurse", "data engineer", "chef")
    for city in ("Berlin", "Lyon")
]


def test_second_build_does_not_reencode(onnx_encoder: OnnxEncoder, tmp_path: Path) -> None:
    first = Counting(onnx_encoder)
    cached = CachedEncoder(first, tmp_path)
    assert isinstance(cached, Encoder) and cached.model_id == onnx_encoder.model_id
    vecs1 = cached.encode(TEXTS)
    assert sum(len(c) for c in first.calls) == len(TEXTS)
    np.testing.assert_allclose(vecs1, onnx_encoder.encode(TEXTS), atol=1e-6)

    second = Counting(onnx_encoder)  # a new process: nothing in memory, only the files
    vecs2 = CachedEncoder(second, tmp_path).encode(TEXTS)
    assert second.calls == []
    assert np.array_equal(vecs1, vecs2)


def test_only_new_texts_are_encoded_once_each(onnx_encoder: OnnxEncoder, tmp_path: Path) -> None:
    inner = Counting(onnx_encoder)
    cached = CachedEncoder(inner, tmp_path)
    cached.encode(TEXTS[:2])
    out = cached.encode([TEXTS[1], TEXTS[2], TEXTS[2], TEXTS[0]])
    assert inner.calls == [TEXTS[:2], [TEXTS[2]]]
    assert (cached.hits, cached.misses) == (3, 3)
    np.testing.assert_array_equal(out[1], out[2])
    assert len(cached) == 3


def test_cache_is_per_model_id(onnx_encoder: OnnxEncoder, tmp_path: Path) -> None:
    CachedEncoder(Counting(onnx_encoder), tmp_path).encode(TEXTS)
    other = Counting(onnx_encoder, model_id="retrained/v2")
    CachedEncoder(other, tmp_path).encode(TEXTS)
    assert len(other.calls) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [onnx_encoder.model_id, "retrained_v2"]
    )


def test_empty_input(onnx_encoder: OnnxEncoder, tmp_path: Path) -> None:
    inner = Counting(onnx_encoder)
    out = CachedEncoder(inner, tmp_path).encode([])
    assert out.shape == (0, 384) and inner.calls == []
    with pytest.raises(TypeError, match="single string"):
        CachedEncoder(inner, tmp_path).encode("nurse")


def test_bulk_encode_flushes_segments_shows_progress_and_compacts(
    onnx_encoder: OnnxEncoder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cache_mod, "CHUNK", 4)
    monkeypatch.setattr(cache_mod, "FLUSH_EVERY", 4)
    monkeypatch.setattr(cache_mod, "PROGRESS_MIN", 10)
    monkeypatch.setattr(cache_mod, "MAX_SEGMENTS", 100)
    texts = [f"job number {i}" for i in range(22)]
    cached = CachedEncoder(Counting(onnx_encoder), tmp_path)
    vecs = cached.encode(texts)  # 22 misses > PROGRESS_MIN: a bar by default
    assert "encoding" in capsys.readouterr().err
    assert len(list(cached.folder.glob("seg-*.keys"))) == 6  # flushed every 4 vectors
    cached.compact()
    assert len(list(cached.folder.glob("seg-*.keys"))) == 1
    np.testing.assert_array_equal(cached.encode(texts, progress=False), vecs)
    reloaded = Counting(onnx_encoder)
    np.testing.assert_array_equal(CachedEncoder(reloaded, tmp_path).encode(texts), vecs)
    assert reloaded.calls == []
    assert capsys.readouterr().err == ""


def test_half_written_and_corrupt_segments_are_ignored(
    onnx_encoder: OnnxEncoder, tmp_path: Path
) -> None:
    cached = CachedEncoder(Counting(onnx_encoder), tmp_path)
    cached.encode(TEXTS[:3])
    folder = cached.folder
    # a crash between the two renames leaves vectors without keys: invisible
    np.save(folder / "seg-99999999999999999999-1.npy", np.zeros((2, 384), np.float32))
    (folder / "seg-00000000000000000001-1.npy.tmp").write_bytes(b"partial")
    # keys that do not match the vectors: skipped with a warning
    np.save(folder / "seg-00000000000000000002-1.npy", np.zeros((2, 384), np.float32))
    (folder / "seg-00000000000000000002-1.keys").write_bytes(b"x" * 31)
    inner = Counting(onnx_encoder)
    with pytest.warns(UserWarning, match="skipping cache segment"):
        again = CachedEncoder(inner, tmp_path)
    out = again.encode(TEXTS[:4])
    assert inner.calls == [[TEXTS[3]]]
    np.testing.assert_allclose(out, onnx_encoder.encode(TEXTS[:4]), atol=1e-6)
