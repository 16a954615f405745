"""`build_index` end to end on a small corpus with the real MiniLM encoder (PyTorch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from index_fixtures import make_rows

from jobsearch.corpus.table import POSTINGS_SCHEMA, write_postings
from jobsearch.index import FlatIndex, build_index
from jobsearch.index.layout import Manifest
from jobsearch.schema import Filters

TITLES = ["Registered Nurse", "Data Engineer", "Truck Driver", "Pastry Chef", "Software Engineer", "Accountant"]


@pytest.mark.slow
def test_build_index_encodes_once_and_finds_postings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobsearch.encode.text import posting_text
    from jobsearch.encode.torch_encoder import TorchEncoder

    monkeypatch.setenv("JOBSEARCH_HOME", str(tmp_path / "home"))
    rows = make_rows(24, seed=61)
    for i, r in enumerate(rows):
        r["title"] = TITLES[i % len(TITLES)]
        r["description"] = f"We are hiring a {r['title'].lower()}."
    write_postings(pa.Table.from_pylist(rows, schema=POSTINGS_SCHEMA), tmp_path / "corpus")
    encoder = TorchEncoder.load()

    first = build_index(tmp_path / "corpus", tmp_path / "index", encoder, shards=2, progress=False)
    m = Manifest.read(first)
    assert m.rows == 24 and m.dim == encoder.dim and m.model_id == encoder.model_id and len(m.shards) == 2
    # A rebuild of the same corpus reads the embedding cache: same vectors, same fingerprint.
    second = build_index(tmp_path / "corpus", tmp_path / "index", encoder, progress=False)
    assert Manifest.read(second).corpus_fingerprint == m.corpus_fingerprint
    np.testing.assert_array_equal(np.load(second / "shard-000" / "vectors.npy")[:12],
                                  np.load(first / "shard-000" / "vectors.npy"))

    index = FlatIndex.open(tmp_path / "index")
    assert index.set_dir == second
    q = encoder.encode([posting_text(index.records([rows[4]["job_id"]])[0])])
    hit = index.search(q, Filters(), 3)[0]
    assert hit.job_ids[0] == rows[4]["job_id"] and hit.scores[0] == pytest.approx(1.0, abs=2e-3)
