"""The learned query model: span-labelled training data, BIO decoding, LoRA folding, and the
shipped tagger built to ONNX (named tensors) and run by ONNX Runtime."""

from __future__ import annotations

import json

import numpy as np
import pytest

from jobsearch.query.learned import INPUT_NAMES, OUTPUT_NAMES, QueryTagger, decode_spans, tagger_dir

TAGS = ("O", "B-place", "I-place", "B-role", "I-role")


@pytest.fixture(scope="session")
def built_tagger(tmp_path_factory) -> QueryTagger:
    """The shipped adapter built once per session into a scratch models folder."""
    path = tagger_dir(tmp_path_factory.getbasetemp() / "query-models", build=True)
    if path is None:
        pytest.skip("no query tagger adapter ships in jobsearch/query/tagger/")
    return QueryTagger(path, threads=1)


def test_decode_spans_joins_pieces_and_skips_special_tokens() -> None:
    # [CLS] data engineer in san fran ##cisco [SEP]
    offsets = [(0, 0), (0, 4), (5, 13), (14, 16), (17, 20), (21, 25), (25, 30), (0, 0)]
    tags = np.array([1, 3, 4, 0, 1, 2, 2, 1])  # a B- on [SEP] must not open a span
    probs = np.array([1, 0.9, 0.7, 1, 0.8, 0.6, 1.0, 1])
    got = decode_spans(offsets, tags, probs, TAGS)
    assert [(a, b, k) for a, b, k, _ in got] == [(0, 13, "role"), (17, 30, "place")]
    assert got[0][3] == pytest.approx(0.8)


def test_decode_spans_lenient_inside_tag_opens_a_span() -> None:
    offsets = [(0, 6), (7, 12), (13, 18)]
    got = decode_spans(offsets, np.array([2, 4, 2]), np.ones(3), TAGS)  # I-place, I-role, I-place
    assert [(a, b, k) for a, b, k, _ in got] == [(0, 6, "place"), (7, 12, "role"), (13, 18, "place")]


def test_training_queries_carry_exact_spans_and_hold_out_families() -> None:
    from jobsearch.models.tagger_data import families, generate_examples

    train = generate_examples(400, seed=3, split="train")
    test = generate_examples(200, seed=3, split="test")
    assert [e.text for e in generate_examples(50, seed=3, split="train")] == [e.text for e in train[:50]]
    held = {f.name for f in families() if f.held_out}
    assert held and not {e.family for e in train} & held
    assert {e.family for e in test} <= held
    kinds = {k for e in train + test for *_, k in e.spans}
    assert {"place", "xplace", "xcompany", "pay", "period", "office_days", "schedule", "role"} <= kinds
    for e in train + test:
        for a, b, _ in e.spans:
            piece = e.text[a:b]
            assert piece and piece == piece.strip(), (e.text, a, b)
        assert "  " not in e.text
    assert {e.lang for e in train} > {"en"}  # other languages are in the training data


def test_lora_folds_into_one_linear() -> None:
    torch = pytest.importorskip("torch")
    from jobsearch.query.tagger_net import LoRALinear

    torch.manual_seed(0)
    lora = LoRALinear(torch.nn.Linear(8, 5), rank=2, alpha=4.0)
    with torch.no_grad():
        lora.lora_b.normal_()
    x = torch.randn(3, 8)
    assert torch.allclose(lora(x), lora.merged()(x), atol=1e-5)
    with pytest.raises(ValueError, match="rank"):
        LoRALinear(torch.nn.Linear(8, 5), rank=0, alpha=1.0)


@pytest.mark.slow
def test_built_tagger_has_named_tensors_and_finds_spans(built_tagger: QueryTagger) -> None:
    import onnx

    graph = onnx.load(str(built_tagger.model_dir / "model.onnx")).graph
    assert [i.name for i in graph.input] == list(INPUT_NAMES)
    assert [o.name for o in graph.output] == list(OUTPUT_NAMES)
    meta = json.loads((built_tagger.model_dir / "labels.json").read_text())
    assert meta["tags"][0] == "O" and "B-xplace" in meta["tags"]
    out = built_tagger.tag("senior data engineer jobs in Berlin, remote")
    kinds = {s.kind: s.text for s in out.spans}
    assert kinds.get("place") == "Berlin"
    assert kinds.get("workplace") == "remote"
    assert out.intent in meta["intents"] and 0 < out.intent_score <= 1
    for s in out.spans:
        assert "senior data engineer jobs in Berlin, remote"[s.start : s.end] == s.text
