"""The index with its base shards on a device (the GPU scan path) answers exactly as the
CPU kernels, and keeps doing so across a swap. Runs the torch path on CPU tensors here; on
a CUDA machine JOBSEARCH_INDEX_DEVICE=cuda takes the same code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_fixtures import NOW, unit

from jobsearch.index import FlatIndex, build_from_arrays
from jobsearch.index.flat import index_device
from jobsearch.schema import Filters


@pytest.mark.parametrize("filters", [Filters(), Filters(workplace=["remote"]), Filters(country_codes=["DE"])])
def test_device_scan_equals_cpu_kernels(built: Path, filters: Filters) -> None:
    cpu = FlatIndex.open(built)
    dev = FlatIndex.open(built, device="cpu")
    assert all(seg.gpu is not None for seg in dev.view.segments)
    q = unit(np.random.default_rng(3).standard_normal((4, cpu.dim)).astype(np.float32))
    for a, b in zip(cpu.search(q, filters, 10, now=NOW), dev.search(q, filters, 10, now=NOW), strict=True):
        assert a.job_ids == b.job_ids and a.n_matching == b.n_matching
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)


def test_a_swapped_in_set_is_placed_before_it_serves(built: Path, corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vectors, rows = corpus
    other = tmp_path / "other"
    set_dir = build_from_arrays(other, vectors[:500], rows[:500], model_id="test-model")
    dev = FlatIndex.open(built, device="cpu")
    dev.swap(set_dir, persist=False)
    assert dev.rows == 500 and all(seg.gpu is not None for seg in dev.view.segments)
    hits = dev.search(vectors[:1], Filters(), 1, now=NOW)[0]
    assert hits.job_ids == [rows[0]["job_id"]]


def test_the_device_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBSEARCH_INDEX_DEVICE", "tpu")
    with pytest.raises(ValueError, match="cpu, cuda or auto"):
        index_device()
    monkeypatch.setenv("JOBSEARCH_INDEX_DEVICE", "cpu")
    assert index_device() is None
