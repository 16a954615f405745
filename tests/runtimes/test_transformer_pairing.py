"""The KServe transformer's encoder (a query tower on Triton) answers to the document model
it pairs with, and the pairing check refuses one trained for other documents. (kserve is not
imported here: it cannot share a process with tritonclient.grpc, see ENVIRONMENT.md.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jobsearch.runtimes.remote import RemoteEncoder

from jobsearch.errors import IndexMismatchError
from jobsearch.index import FlatIndex
from jobsearch.pipeline import check_pairing


def _tower(demo_home: Path, dest: Path, doc_model_id: str) -> Path:
    """A query-tower version folder (manifest + tokenizer) paired with `doc_model_id`."""
    shutil.copytree(demo_home / "models" / "retriever" / "1", dest, ignore=shutil.ignore_patterns("*.onnx"))
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest.update(model_id="tower-abc", doc_model_id=doc_model_id)
    (dest / "manifest.json").write_text(json.dumps(manifest))
    return dest


def test_a_tower_for_the_served_documents_is_accepted(demo_home: Path, tmp_path: Path) -> None:
    index = FlatIndex.open(demo_home / "index")
    enc = RemoteEncoder("http://127.0.0.1:9/v2/models/query", _tower(demo_home, tmp_path / "q", index.model_id))
    assert enc.model_id == index.model_id  # answers to the documents it pairs with
    check_pairing(enc.model_id, index.model_id, index.set_dir)


def test_a_tower_for_other_documents_is_refused(demo_home: Path, tmp_path: Path) -> None:
    index = FlatIndex.open(demo_home / "index")
    enc = RemoteEncoder("http://127.0.0.1:9/v2/models/query", _tower(demo_home, tmp_path / "q", "another-retriever"))
    with pytest.raises(IndexMismatchError, match="another-retriever"):
        check_pairing(enc.model_id, index.model_id, index.set_dir)
