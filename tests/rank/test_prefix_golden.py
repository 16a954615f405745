"""The cached path equals full-mask attention: the prefix graph's keys/values reused by the
candidate graph (ONNX Runtime) give the scores of the whole sequence run under the same
sparse mask (the PyTorch reference), for candidates of different lengths in one padded
batch. Also: the PyTorch reference, with an all-ones mask, is the Hugging Face model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from jobsearch.rank.prefix import PrefixCrossEncoder, sparse_mask

QUERY = "registered nurse in London posted in the last 3 days | occupation: Registered Nurses; Healthcare"
JOBS = [
    "Registered Nurse (mid). Skills: triage, wound care. Care for patients on a busy surgical ward.",
    "Pharmacist (senior).",
    "CNC Operator (entry). Skills: lathe, milling, G-code, blueprint reading, quality checks. Set up and run machines.",
    "Practice Manager (manager). Skills: scheduling.",
]


def _reference(model: PrefixCrossEncoder, prefix: np.ndarray, ids: np.ndarray, mask: np.ndarray,
               *, sparse: bool) -> np.ndarray:
    p = prefix.shape[1]
    b = ids.shape[0]
    full = torch.cat([torch.from_numpy(prefix).expand(b, -1), torch.from_numpy(ids)], dim=1)
    types = torch.cat([torch.zeros(b, p, dtype=torch.long), torch.ones(b, ids.shape[1], dtype=torch.long)], dim=1)
    cmask = torch.from_numpy(mask)
    if sparse:
        m = sparse_mask(p, cmask)
    else:
        keys = torch.cat([torch.ones(b, p, dtype=torch.long), cmask], dim=1)
        m = keys[:, None, :].expand(-1, full.shape[1], -1)
    with torch.no_grad():
        return model.full(full, types, m, score_at=p).numpy()


@pytest.fixture(scope="module")
def torch_model(tiny_checkpoint: Path) -> PrefixCrossEncoder:
    from jobsearch.rank.export import load_checkpoint

    return PrefixCrossEncoder(load_checkpoint(tiny_checkpoint)).eval()


def test_ort_cached_path_equals_sparse_full_mask_reference(tiny_ranker_fp32: Path, torch_model: PrefixCrossEncoder) -> None:
    from jobsearch.rank.onnx_ranker import OnnxRanker

    ranker = OnnxRanker.load(tiny_ranker_fp32, budget_ms=60_000)
    prefix = ranker.tokenizer.prefix(QUERY)
    ids, mask = ranker.tokenizer.candidates(JOBS)
    assert len(set(mask.sum(axis=1).tolist())) == len(JOBS)  # different lengths: padding is exercised
    want = _reference(torch_model, prefix, ids, mask, sparse=True)
    got = ranker.score(QUERY, JOBS)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    assert np.ptp(want) > 0.02  # candidates score apart: equality is not trivial
    # Each candidate alone (no padding) scores as in the batch: candidates never see each other.
    alone = np.array([ranker.score(QUERY, [j])[0] for j in JOBS])
    np.testing.assert_allclose(alone, got, rtol=1e-4, atol=1e-4)
    # The sparse mask is not a no-op: full attention scores differently.
    full = _reference(torch_model, prefix, ids, mask, sparse=False)
    assert np.abs(full - want).max() > 1e-3


def test_pytorch_cached_path_and_hf_full_attention(tiny_checkpoint: Path, torch_model: PrefixCrossEncoder) -> None:
    from jobsearch.rank.export import load_checkpoint
    from jobsearch.rank.inputs import PairTokenizer

    tok = PairTokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    prefix = tok.prefix(QUERY)
    ids, mask = tok.candidates(JOBS)
    with torch.no_grad():
        keys, values = torch_model.prefix(torch.from_numpy(prefix))
        cached = torch_model.candidate(torch.from_numpy(ids), torch.from_numpy(mask), keys, values).numpy()
    np.testing.assert_allclose(cached, _reference(torch_model, prefix, ids, mask, sparse=True), rtol=1e-5, atol=1e-5)

    # With every key visible and the score at position 0, `full` is the Hugging Face model.
    hf = load_checkpoint(tiny_checkpoint)
    p = prefix.shape[1]
    full = torch.cat([torch.from_numpy(prefix).expand(len(JOBS), -1), torch.from_numpy(ids)], dim=1)
    types = torch.cat([torch.zeros(len(JOBS), p, dtype=torch.long), torch.ones(ids.shape, dtype=torch.long)], dim=1)
    keys_mask = torch.cat([torch.ones(len(JOBS), p, dtype=torch.long), torch.from_numpy(mask)], dim=1)
    with torch.no_grad():
        want = hf(input_ids=full, token_type_ids=types, attention_mask=keys_mask).logits[:, 0].numpy()
        got = torch_model.full(full, types, keys_mask[:, None, :].expand(-1, full.shape[1], -1), score_at=0).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_graphs_have_named_tensors_and_dynamic_axes(tiny_ranker_fp32: Path) -> None:
    import onnx

    def sig(name: str) -> tuple[dict[str, list[object]], dict[str, list[object]]]:
        g = onnx.load(str(tiny_ranker_fp32 / name), load_external_data=False).graph
        dims = lambda vs: {v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in vs}  # noqa: E731
        return dims(g.input), dims(g.output)

    ins, outs = sig("prefix.onnx")
    assert ins == {"input_ids": [1, "prefix"]}
    assert outs["prefix_keys"] == [2, 12, "prefix", 32] and outs["prefix_values"] == [2, 12, "prefix", 32]
    ins, outs = sig("candidate.onnx")
    assert ins["input_ids"] == ["batch", "tokens"] and ins["attention_mask"] == ["batch", "tokens"]
    assert ins["prefix_keys"] == [2, 12, "prefix", 32]
    assert outs == {"score": ["batch"]}


def test_int8_stays_near_fp32_and_weights_are_stored_once(tiny_ranker_fp32: Path, tiny_ranker_int8: Path) -> None:
    from jobsearch.rank.onnx_ranker import OnnxRanker

    jobs = JOBS + [f"{t.split('(')[0]} (lead)." for t in JOBS]
    a = OnnxRanker.load(tiny_ranker_fp32, budget_ms=60_000).score(QUERY, jobs)
    b = OnnxRanker.load(tiny_ranker_int8, budget_ms=60_000).score(QUERY, jobs)
    # An untrained head separates candidates by hundredths, so only closeness is checked
    # here; the shipped model's int8-vs-fp32 agreement is in docs/ranker.md.
    assert np.abs(a - b).max() < 0.2
    sizes = {p.name: p.stat().st_size for p in tiny_ranker_int8.iterdir()}
    assert sizes["prefix.onnx"] < 200_000 and sizes["candidate.onnx"] < 200_000
    fp32 = {p.name: p.stat().st_size for p in tiny_ranker_fp32.iterdir()}
    assert sizes["weights.bin"] < 0.4 * fp32["weights.bin"]
