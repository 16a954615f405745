"""The ranker's two graphs served by a real Triton (pytriton, the session's repository):
their configs match the graphs, and the remote ranker, driving the prefix/candidate split
over V2, answers exactly what the embedded ranker answers on the demo index's candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

QUERIES = ["registered nurse in London", "senior data engineer remote, above median pay", "part-time nursing in Lyon"]


def test_configs_are_unbatched_with_dynamic_dims(triton_repo: Path) -> None:
    from jobsearch.runtimes.triton.local_server import read_config

    prefix = read_config(triton_repo / "ranker_prefix")
    assert prefix.max_batch_size == 0 and not prefix.HasField("dynamic_batching")
    assert [(t.name, list(t.dims)) for t in prefix.input] == [("input_ids", [1, -1])]
    assert [(t.name, list(t.dims)) for t in prefix.output] == [("prefix_keys", [2, 12, -1, 32]),
                                                                ("prefix_values", [2, 12, -1, 32])]
    cand = read_config(triton_repo / "ranker_candidate")
    assert {t.name: list(t.dims) for t in cand.input} == {
        "input_ids": [-1, -1], "attention_mask": [-1, -1],
        "prefix_keys": [2, 12, -1, 32], "prefix_values": [2, 12, -1, 32]}
    assert [(t.name, list(t.dims)) for t in cand.output] == [("score", [-1])]
    assert (triton_repo / "ranker_candidate" / "1" / "weights.bin").is_file()


def test_remote_ranker_equals_embedded(triton_url: str, triton_repo: Path, tiny_ranker_int8: Path, pipeline) -> None:  # noqa: ANN001
    from jobsearch.runtimes.remote_ranker import remote_ranker

    from jobsearch.query.relative_pay import for_retrieval
    from jobsearch.rank.onnx_ranker import OnnxRanker

    remote = remote_ranker(triton_url, triton_repo / "ranker_candidate" / "1", budget_ms=60_000)
    local = OnnxRanker.load(tiny_ranker_int8, budget_ms=60_000)
    assert remote.model_id == local.model_id
    compared = 0
    for text in QUERIES:
        parsed = pipeline.engine.parse(text, None)
        vec = pipeline.encoder.encode([parsed.semantic_text or text])
        cands = pipeline.retriever.search(np.asarray(vec, np.float32), for_retrieval(parsed.filters), 100,
                                          with_records=True)[0]
        np.testing.assert_allclose(remote.rank(parsed, cands), local.rank(parsed, cands), rtol=1e-5, atol=1e-5)
        compared += len(cands)
    assert compared > 100  # ("part-time nursing in Lyon" finds one posting in the demo corpus)
