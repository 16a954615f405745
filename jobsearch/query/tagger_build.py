"""Build the query tagger's ONNX model from the packaged MiniLM and a trained adapter:
cut the base to the adapter's layer count, fold the LoRA weights in, export with named
tensors (input_ids, attention_mask -> tag_logits, intent_logits; dynamic batch and
sequence), fuse for ONNX Runtime, quantise the weights to int8, and check the answers
against PyTorch before the folder is swapped in. Called on first use by
`jobsearch.query.learned.tagger_dir` (`python -m jobsearch.models.tagger build`)."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from jobsearch.query.learned import INPUT_NAMES, OUTPUT_NAMES

CHECK_TEXTS = ("senior data engineer in Berlin but not Munich, hybrid max 2 office days",
               "PM jobs bangalore 25 LPA", "Pflegefachkraft Intensivstation Teilzeit Hamburg")
# Agreement required between PyTorch and the int8 ONNX model on CHECK_TEXTS' argmax tags,
# counted where PyTorch is sure (top two tag probabilities apart by CONFIDENT_MARGIN).
MIN_TAG_AGREEMENT = 0.95
CONFIDENT_MARGIN = 0.3


def load_net(adapter_dir: Path):  # noqa: ANN201 - QueryTaggerNet with merged weights
    from jobsearch.query.tagger_net import (
        ADAPTER_FILE,
        QueryTaggerNet,
        add_adapters,
        base_bert,
        base_path,
        load_state,
        merge_adapters,
    )

    meta = json.loads((adapter_dir / "labels.json").read_text())
    logging.getLogger("transformers").setLevel(logging.ERROR)
    bert = base_bert(base_path(), int(meta["layers"]))
    add_adapters(bert, rank=int(meta["rank"]), alpha=float(meta["alpha"]))
    net = QueryTaggerNet(bert, len(meta["tags"]), len(meta["intents"]))
    state = load_state(adapter_dir / ADAPTER_FILE)
    missing = set(state) - set(net.state_dict())
    if missing:
        raise ValueError(f"{adapter_dir / ADAPTER_FILE}: weights {sorted(missing)[:3]} do not fit the network")
    net.load_state_dict(state, strict=False)
    merge_adapters(net.bert)
    return net.eval(), meta


def export_onnx(net, path: Path) -> None:  # noqa: ANN001
    import torch

    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    batch = torch.export.Dim("batch", min=1, max=1024)
    seq = torch.export.Dim("sequence", min=2, max=512)
    example = (torch.ones(2, 12, dtype=torch.int64), torch.ones(2, 12, dtype=torch.int64))
    with torch.inference_mode(False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, example, str(path), dynamo=True, input_names=list(INPUT_NAMES),
                          output_names=list(OUTPUT_NAMES),
                          dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
                          external_data=False, verbose=False)


def build_from_adapter(adapter_dir: Path, target: Path, *, quantize: bool = True) -> Path:
    """Write model.onnx, tokenizer.json and labels.json to `target` (atomically)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from jobsearch.encode.export import _swap_in, optimize_onnx
    from jobsearch.query.learned import QueryTagger
    from jobsearch.query.tagger_net import base_path

    net, meta = load_net(adapter_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tagger-", dir=target.parent))
    try:
        stage = tmp / "stage"
        stage.mkdir()
        export_onnx(net, tmp / "fp32.onnx")
        optimize_onnx(tmp / "fp32.onnx", tmp / "fused.onnx")
        if quantize:
            quantize_dynamic(str(tmp / "fused.onnx"), str(stage / "model.onnx"), weight_type=QuantType.QInt8)
        else:
            shutil.copy(tmp / "fused.onnx", stage / "model.onnx")
        shutil.copy(Path(base_path()) / "tokenizer.json", stage / "tokenizer.json")
        (stage / "labels.json").write_text(json.dumps({k: meta[k] for k in ("version", "tags", "intents")}) + "\n")
        tagger = QueryTagger(stage)
        same, sure = 0, 0
        for text in CHECK_TEXTS:
            _, tag_logits, _ = tagger.logits(text)
            ids = torch.tensor([tagger.tokenizer.encode(text).ids])
            with torch.no_grad():
                ref = torch.softmax(net(ids, torch.ones_like(ids))[0][0], -1).numpy()
            top2 = np.sort(ref, -1)[:, -2:]
            confident = (top2[:, 1] - top2[:, 0]) >= CONFIDENT_MARGIN
            sure += int(confident.sum())
            same += int((ref.argmax(-1) == tag_logits.argmax(-1))[confident].sum())
        if sure and same / sure < MIN_TAG_AGREEMENT:
            raise RuntimeError(f"ONNX tagger disagrees with PyTorch on {sure - same} of {sure} confident tags")
        _swap_in(stage, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target

