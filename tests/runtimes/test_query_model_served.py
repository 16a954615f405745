"""The query tagger as Triton's "query-model": the repository entry (config.pbtxt read from
the graph, tokenizer and labels beside the model) served by a real Triton (pytriton on
CPU), and the hybrid engine over Triton answering exactly as with the in-process tagger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.hybrid import HybridQueryEngine
from jobsearch.query.learned import QueryTagger

pytestmark = pytest.mark.slow

TEXTS = ["PM jobs bangalore 25 LPA", "mechanical engineer in Texas but not Houston",
         "Pflegefachkraft Intensivstation Teilzeit Hamburg", "hybrid data analyst with max 2 office days, not Globex"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jobsearch.runtimes.triton.query_model import build_query_model

    models = tmp_path_factory.getbasetemp() / "query-models"
    try:
        return build_query_model(tmp_path_factory.mktemp("qm-repo"), device="cpu", models_dir=models).parent
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def url(repo: Path, spawn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("pytriton", reason="nvidia-pytriton is not installed")
    port = spawn.free_port()
    server = spawn("triton-query-model", ["-m", "jobsearch.runtimes.triton.local_server", str(repo), "--host",
                                          "127.0.0.1", "--http-port", str(port), "--grpc-port", str(spawn.free_port()),
                                          "--metrics-port", str(spawn.free_port())], tmp_path_factory.mktemp("logs"))
    try:
        server.wait_ready(f"http://127.0.0.1:{port}/v2/models/query-model/ready")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_repository_entry_names_the_graphs_tensors(repo: Path) -> None:
    config = (repo / "query-model" / "config.pbtxt").read_text()
    for name in ("input_ids", "attention_mask", "tag_logits", "intent_logits"):
        assert f'name: "{name}"' in config
    assert {"model.onnx", "tokenizer.json", "labels.json"} <= {p.name for p in (repo / "query-model" / "1").iterdir()}


def test_triton_tagger_answers_like_the_in_process_one(repo: Path, url: str) -> None:
    from jobsearch.runtimes.triton.query_model import TritonQueryTagger

    version = repo / "query-model" / "1"
    local, remote = QueryTagger(version), TritonQueryTagger(url, version)
    rules = RuleQueryEngine()
    for text in TEXTS:
        got, want = remote.tag(text), local.tag(text)
        assert [(s.start, s.end, s.kind) for s in got.spans] == [(s.start, s.end, s.kind) for s in want.spans]
        assert [s.score for s in got.spans] == pytest.approx([s.score for s in want.spans], abs=1e-4)
        assert got.intent == want.intent
        assert HybridQueryEngine(rules, remote).parse(text) == HybridQueryEngine(rules, local).parse(text)
