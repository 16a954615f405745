"""ONNX Runtime vs the PyTorch reference: the issue's acceptance test (cosine >= 0.999)."""

from __future__ import annotations

import numpy as np

MIN_COSINE = 0.999


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_onnx_matches_pytorch_in_one_batch(onnx_encoder, torch_encoder, sentences) -> None:
    got = onnx_encoder.encode(sentences)
    ref = torch_encoder.encode(sentences)
    assert got.shape == ref.shape == (len(sentences), 384)
    assert got.dtype == np.float32
    assert _cosines(got, ref).min() >= MIN_COSINE


def test_onnx_matches_pytorch_one_at_a_time(onnx_encoder, torch_encoder, sentences) -> None:
    got = np.concatenate([onnx_encoder.encode([s]) for s in sentences])
    ref = torch_encoder.encode(sentences)
    assert _cosines(got, ref).min() >= MIN_COSINE


def test_padding_and_batching_do_not_change_vectors(onnx_encoder, sentences) -> None:
    """A short text padded next to a 128-token one equals the text alone; so does every
    batch size, and output order follows input order despite length sorting."""
    alone = np.concatenate([onnx_encoder.encode([s]) for s in sentences])
    for batch_size in (1, 3, 64):
        batched = onnx_encoder.encode(sentences, batch_size=batch_size)
        assert _cosines(batched, alone).min() >= 0.99999
    reversed_ = onnx_encoder.encode(sentences[::-1])
    np.testing.assert_allclose(reversed_[::-1], onnx_encoder.encode(sentences), atol=1e-5)


def test_rows_are_unit_vectors_and_meaningful(onnx_encoder) -> None:
    vecs = onnx_encoder.encode(
        ["python developer", "software engineer writing python", "pastry chef"]
    )
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_long_texts_are_truncated_at_max_length(onnx_encoder) -> None:
    """Everything past 128 tokens is ignored: two texts that differ only there embed alike."""
    head = "Registered nurse for a busy emergency department. " * 20
    a, b = onnx_encoder.encode([head + "pastry chef", head + "rocket scientist"])
    np.testing.assert_allclose(a, b, atol=1e-6)
