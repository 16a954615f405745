"""Export a trained cross-encoder checkpoint (Hugging Face `BertForSequenceClassification`,
num_labels=1, tokenizer files inside) as a ranker model version:

    <models>/ranker/<version>/
        prefix.onnx       input_ids (1, P) -> prefix_keys, prefix_values (layers, heads, P, head_dim)
        candidate.onnx    input_ids, attention_mask (B, C) + prefix_keys/values -> score (B,)
        weights.bin       the two graphs' weights, stored once (both graphs point into it)
        tokenizer.json    calibration.json (when given)    manifest.json (the model card)

`int8` quantises the weights of MatMul and the embedding Gather (ONNX Runtime dynamic
quantisation): a quarter of the size and faster on CPU. `pair_graph` exports the plain
full-attention cross-encoder (`[CLS] q [SEP] job [SEP]` -> score), which the benchmark and
the sparse-mask measurements compare against."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from jobsearch.rank.prefix import PrefixCrossEncoder

PREFIX_FILE = "prefix.onnx"
CANDIDATE_FILE = "candidate.onnx"
WEIGHTS_FILE = "weights.bin"
TOKENIZER_FILE = "tokenizer.json"
CALIBRATION_FILE = "calibration.json"
MANIFEST_FILE = "manifest.json"
OPSET = 17


@dataclass(frozen=True)
class RankerManifest:
    """The model card of a ranker version: what a loader needs, and where it came from."""

    model_id: str
    layers: int
    heads: int
    head_dim: int
    prefix_tokens: int
    candidate_tokens: int
    quantization: str  # "int8" or "fp32"
    attention: str  # "sparse-prefix": query side sees only itself; candidates see query + self
    created: str
    source: str  # where the weights came from (checkpoint folder, base model)
    rebuild: str  # the command that rebuilds this folder
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    notes: str = ""
    # Served score = logit + fusion_weight x retrieval cosine (0: the logit alone). A fused
    # score has no calibration of its own: grades then come from the retrieval calibration.
    fusion_weight: float = 0.0

    def write(self, folder: Path) -> None:
        (folder / MANIFEST_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, folder: Path) -> RankerManifest:
        from jobsearch.errors import ModelNotFoundError

        path = Path(folder) / MANIFEST_FILE
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError as exc:
            raise ModelNotFoundError(f"no ranker model card at {path}; run `jobsearch rank export`") from exc
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelNotFoundError(f"{path} is unreadable ({exc}); re-run `jobsearch rank export`") from exc


def load_checkpoint(folder: Path, *, layers: int | None = None) -> Any:
    """A BertForSequenceClassification from `folder`, keeping its first `layers` layers."""
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    model = AutoModelForSequenceClassification.from_pretrained(str(folder), num_labels=1, local_files_only=True)
    if layers is not None:
        prune(model, layers)
    # Checkpoints may be stored in fp16 (an accelerator run); export and score in fp32.
    return model.float().eval()


def prune(model: Any, layers: int) -> Any:
    """Keep the first `layers` transformer layers (layer pruning, in place)."""
    have = len(model.bert.encoder.layer)
    if not 1 <= layers <= have:
        raise ValueError(f"layers must be in 1..{have}, got {layers}")
    model.bert.encoder.layer = model.bert.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model


class _Prefix(torch.nn.Module):
    def __init__(self, enc: PrefixCrossEncoder) -> None:
        super().__init__()
        self.enc = enc

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.enc.prefix(input_ids)


class _Candidate(torch.nn.Module):
    def __init__(self, enc: PrefixCrossEncoder) -> None:
        super().__init__()
        self.enc = enc

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, prefix_keys: torch.Tensor,
                prefix_values: torch.Tensor) -> torch.Tensor:
        return self.enc.candidate(input_ids, attention_mask, prefix_keys, prefix_values)


class _Pair(torch.nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits[:, 0]


def _export(module: torch.nn.Module, args: tuple[torch.Tensor, ...], path: Path, *, inputs: list[str],
             outputs: list[str], axes: dict[str, dict[int, str]]) -> None:
    # The TorchScript exporter: ~5x faster than dynamo on these graphs, same ops.
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, str(path), dynamo=False, input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=OPSET)


def export_graphs(model: Any, out_dir: Path) -> tuple[Path, Path]:
    """Write prefix.onnx and candidate.onnx (fp32, weights inline) for `model`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    enc = PrefixCrossEncoder(model.eval()).eval()
    ids = torch.full((1, 5), 101, dtype=torch.long)
    with torch.no_grad():
        keys, values = enc.prefix(ids)
    kv_axes = {2: "prefix"}
    prefix, candidate = out_dir / PREFIX_FILE, out_dir / CANDIDATE_FILE
    _export(_Prefix(enc), (ids,), prefix, inputs=["input_ids"], outputs=["prefix_keys", "prefix_values"],
            axes={"input_ids": {1: "prefix"}, "prefix_keys": kv_axes, "prefix_values": kv_axes})
    cand = torch.full((2, 4), 102, dtype=torch.long)
    _export(_Candidate(enc), (cand, torch.ones_like(cand), keys, values), candidate,
            inputs=["input_ids", "attention_mask", "prefix_keys", "prefix_values"], outputs=["score"],
            axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                  "prefix_keys": kv_axes, "prefix_values": kv_axes, "score": {0: "batch"}})
    return prefix, candidate


def pair_graph(model: Any, path: Path) -> Path:
    """The plain full-attention cross-encoder as one graph: input_ids, attention_mask,
    token_type_ids (B, L) -> score (B,)."""
    ids = torch.full((2, 6), 101, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    _export(_Pair(model.eval()), (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
            inputs=["input_ids", "attention_mask", "token_type_ids"], outputs=["score"],
            axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "score": {0: "batch"}})
    return path


def quantize_int8(path: Path) -> None:
    """Dynamic int8 quantisation of MatMul weights and the embedding tables, in place; per
    channel: per-tensor scales cost the retriever-sized MiniLM 0.97 cosine, per-channel 0.99."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_suffix(".int8.onnx")
    quantize_dynamic(str(path), str(tmp), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"],
                     extra_options={"MatMulConstBOnly": True}, per_channel=True)
    tmp.replace(path)


def share_weights(folder: Path, graphs: list[str]) -> None:
    """Move the initialisers of `graphs` into one `weights.bin`, each distinct tensor stored
    once: the prefix and candidate graphs carry the same embeddings and layers."""
    import onnx
    from onnx.external_data_helper import set_external_data

    models = {g: onnx.load(str(folder / g)) for g in graphs}
    offsets: dict[str, tuple[int, int]] = {}
    with open(folder / WEIGHTS_FILE, "wb") as out:
        for g, model in models.items():
            for init in model.graph.initializer:
                raw = onnx.numpy_helper.to_array(init).tobytes()
                if len(raw) < 1024:
                    continue  # scalars and shapes stay inline
                digest = hashlib.sha256(raw + str(init.data_type).encode() + str(list(init.dims)).encode()).hexdigest()
                if digest not in offsets:
                    pad = (-out.tell()) % 64  # aligned, so ORT can map it
                    out.write(b"\0" * pad)
                    offsets[digest] = (out.tell(), len(raw))
                    out.write(raw)
                offset, length = offsets[digest]
                init.raw_data = raw  # normalise to raw storage before pointing it outside
                set_external_data(init, location=WEIGHTS_FILE, offset=offset, length=length)
                init.ClearField("raw_data")
                init.data_location = onnx.TensorProto.EXTERNAL
            onnx.save(model, str(folder / g))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_ranker(
    checkpoint: Path,
    out_dir: Path,
    *,
    layers: int | None = None,
    calibration: Path | None = None,
    int8: bool = True,
    model_id: str | None = None,
    notes: str = "",
    rebuild: str = "",
) -> RankerManifest:
    """Export `checkpoint` as a complete ranker version in `out_dir` (replaced if there)."""
    from jobsearch.rank.inputs import CANDIDATE_TOKENS, PREFIX_TOKENS

    checkpoint = Path(checkpoint)
    tokenizer = checkpoint / TOKENIZER_FILE
    if not tokenizer.is_file():
        raise FileNotFoundError(f"no {TOKENIZER_FILE} in {checkpoint}: save the tokenizer with the checkpoint")
    model = load_checkpoint(checkpoint, layers=layers)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    graphs = [PREFIX_FILE, CANDIDATE_FILE]
    export_graphs(model, tmp)
    if int8:
        for g in graphs:
            quantize_int8(tmp / g)
    share_weights(tmp, graphs)
    shutil.copy(tokenizer, tmp / TOKENIZER_FILE)
    if calibration is not None:
        shutil.copy(calibration, tmp / CALIBRATION_FILE)
    files = {p.name: sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
    cfg = model.config
    weights_id = hashlib.sha256("".join(files[g] for g in graphs + [WEIGHTS_FILE]).encode()).hexdigest()[:12]
    manifest = RankerManifest(
        model_id=model_id or f"ranker-{cfg.num_hidden_layers}l-{weights_id}",
        layers=int(cfg.num_hidden_layers), heads=int(cfg.num_attention_heads),
        head_dim=int(cfg.hidden_size) // int(cfg.num_attention_heads),
        prefix_tokens=PREFIX_TOKENS, candidate_tokens=CANDIDATE_TOKENS,
        quantization="int8" if int8 else "fp32", attention="sparse-prefix",
        created=datetime.now(UTC).isoformat(timespec="seconds"), source=str(checkpoint),
        rebuild=rebuild or f"jobsearch rank export {checkpoint} --out {out_dir}", files=files, notes=notes,
    )
    manifest.write(tmp)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return manifest


def base_checkpoint(out: Path, *, layers: int, seed: int = 0, head_scale: float = 1.0) -> Path:
    """The packaged MiniLM as an untrained one-logit cross-encoder with its first `layers`
    layers, saved with its tokenizer files (a starting point, and the tests' tiny model;
    `head_scale` widens the seeded head so an untrained model's scores spread)."""
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from jobsearch.rank.tokenizer import base_model_dir

    hf_logging.set_verbosity_error()
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(str(base_model_dir()), num_labels=1,
                                                               local_files_only=True)
    prune(model, layers)
    with torch.no_grad():
        model.classifier.weight.mul_(head_scale)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copy(base_model_dir() / name, out / name)
    return out
