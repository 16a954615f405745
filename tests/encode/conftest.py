"""Encoder fixtures: ONE real export per test session (about 12 s), shared by every test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding `retriever/1` exported by `export_retriever` (fused graph,
    float weights: the graph-faithfulness tests hold it to PyTorch at cosine 0.999)."""
    from jobsearch.encode.export import export_retriever

    out = tmp_path_factory.mktemp("models")
    export_retriever(out, precision="fp32")
    return out


@pytest.fixture(scope="session")
def int8_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default export (int8 weights), as `default_encoder()` writes it on first use."""
    from jobsearch.encode.export import export_retriever

    return export_retriever(tmp_path_factory.mktemp("models-int8"))


@pytest.fixture(scope="session")
def retriever_dir(models_dir: Path) -> Path:
    from jobsearch.encode.export import version_dir

    return version_dir(models_dir)


@pytest.fixture(scope="session")
def onnx_encoder(retriever_dir: Path):
    from jobsearch.encode.onnx_encoder import OnnxEncoder

    return OnnxEncoder.load(retriever_dir)


@pytest.fixture(scope="session")
def torch_encoder():
    from jobsearch.encode.torch_encoder import TorchEncoder

    return TorchEncoder.load(max_length=128)


# Varied on purpose: one word, queries, punctuation, accents, non-Latin script, numbers, and
# texts far past 128 tokens (truncated).
SENTENCES: list[str] = [
    "nurse",
    "senior python developer remote Berlin",
    "software engineer jobs in Silicon Valley or Seattle, mostly remote",
    "Data engineer (Spark/Airflow) – 70.000 € plus, posted this week!",
    "Développeur full-stack à Montréal, télétravail partiel",
    "東京のデータサイエンティスト",
    "Truck driver, CDL class A, $28/hour, night shifts",
    "Registered nurse for a busy emergency department. " * 30,
    " ".join(f"word{i}" for i in range(400)),
    "We are hiring a machine learning engineer to build ranking models for search. "
    "You will own training pipelines, evaluation, and online experiments. " * 5,
]


@pytest.fixture(scope="session")
def sentences() -> list[str]:
    return list(SENTENCES)
