"""Export the retriever (MiniLM + mean pooling + L2 norm) to ONNX as a Triton-style model
version folder: `<out>/retriever/1/{model.onnx, tokenizer files, manifest.json}`.

Called by `jobsearch models export`, by `default_encoder()` on first use, and by the
Kubernetes model repository builder. Nothing is fetched from a hub."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from jobsearch.encode.manifest import INPUT_NAMES, MODEL_FILE, OUTPUT_NAME, Manifest, model_id_for

if TYPE_CHECKING:
    import torch

MODEL_NAME = "retriever"
VERSION = "1"
# Files that make the folder self-contained for tokenisation (`tokenizer.json` is the one
# the encoders read; the rest let `transformers.AutoTokenizer` load the folder too).
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "config.json",
)
MIN_COSINE = 0.999
# int8 weights move vectors a little (mean cosine to fp32 ~0.995 on posting texts); below
# this bar on the check texts the quantised graph is refused.
MIN_COSINE_INT8 = 0.98
Precision = Literal["int8", "fp32"]
# Sentences the export is checked on before it is published (short, long, truncated).
CHECK_TEXTS = (
    "python developer",
    "senior data engineer jobs in Berlin, remote friendly",
    "Registered nurse for a busy emergency department; night shifts, "
    "BLS and ACLS certification required, competitive pay and benefits. " * 6,
)


def version_dir(models_dir: Path, name: str = MODEL_NAME) -> Path:
    """Where a model's version lives under a models folder (`retriever`, or `query` for a
    tuned query tower)."""
    return Path(models_dir) / name / VERSION


def export_retriever(
    out_dir: Path,
    *,
    max_length: int = 128,
    optimize: Literal["onnxscript", "ort"] | None = "onnxscript",
    source: Path | None = None,
    name: str = MODEL_NAME,
    doc_model_id: str | None = None,
    precision: Precision = "int8",
) -> Path:
    """Export to `out_dir/<name>/1/` atomically and return that folder.

    `precision` "int8" (default) publishes the fp32 graph with its weights quantised to
    int8 (see `quantize_encoder`): about 2x the documents/s on CPU for a mean cosine of
    ~0.995 to fp32 (docs/encoder.md has the relevance gates). "fp32" keeps float weights
    (the choice for GPU serving, where ONNX Runtime's dynamic int8 ops run on the CPU).

    `source` is a folder of BERT weights + tokenizer (default: the packaged MiniLM); a
    query tower trained for the documents of model `doc_model_id` records that pairing.
    `optimize` ("onnxscript", "ort" or None; fp32 only) fuses attention, skip + layer norm and bias + GELU into ONNX
    Runtime contrib ops (see `optimize_onnx`) and keeps the fused graph only if it agrees with
    PyTorch (cosine >= 0.999); otherwise the plain graph is published with a warning."""
    if not 2 <= max_length <= 512:
        raise ValueError(f"max_length must be in [2, 512] (BERT positions), got {max_length}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from jobsearch.encode.torch_encoder import TorchEncoder, base_model_path, load_embedder

    src = Path(source) if source else base_model_path()
    target = version_dir(out_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        # eager attention exports as plain MatMul/Softmax, which the fusion passes turn into
        # one Attention op; the SDPA path leaves NaN guards that block it.
        embedder = load_embedder(src, attention="eager")
        plain = tmp / "plain.onnx"
        _export_onnx(embedder, plain)
        reference = TorchEncoder(embedder, src, max_length=max_length).encode(list(CHECK_TEXTS))
        cosine = _check(plain, src, max_length, reference)
        final, optimized, fusions = plain, False, {}
        # int8 quantises the plain graph: the fused Attention op keeps its Q/K/V weights
        # (a quarter of each layer's) in float, and the plain int8 graph encoded ~17% more
        # documents per CPU-second than the fused int8 one (docs/encoder.md).
        if optimize and precision == "fp32":
            fused = tmp / "fused.onnx"
            try:
                counts = optimize_onnx(plain, fused, method=optimize)
                fused_cos = _check(fused, src, max_length, reference)
            except Exception as exc:  # noqa: BLE001 - the plain graph is still valid
                warnings.warn(
                    f"ORT BERT fusion failed ({exc!r}); keeping the plain graph", stacklevel=2
                )
            else:
                if fused_cos >= MIN_COSINE:
                    final, optimized, cosine, fusions = fused, True, fused_cos, counts
                else:
                    warnings.warn(
                        f"fused graph disagrees with PyTorch (cosine {fused_cos:.6f}); keeping the plain graph",
                        stacklevel=2,
                    )
        if cosine < MIN_COSINE:
            raise RuntimeError(
                f"ONNX export disagrees with PyTorch: min cosine {cosine:.6f} < {MIN_COSINE}"
            )
        if precision == "int8":
            quantized = tmp / "int8.onnx"
            quantize_encoder(final, quantized)
            cosine = _check(quantized, src, max_length, reference)
            if cosine < MIN_COSINE_INT8:
                raise RuntimeError(
                    f"int8 encoder disagrees with PyTorch: min cosine {cosine:.6f} < "
                    f"{MIN_COSINE_INT8}; export with precision fp32"
                )
            final = quantized
        elif precision != "fp32":
            raise ValueError(f"precision must be 'int8' or 'fp32', got {precision!r}")
        stage = tmp / VERSION
        stage.mkdir()
        final.replace(stage / MODEL_FILE)
        for name in TOKENIZER_FILES:
            if (src / name).is_file():
                shutil.copy2(src / name, stage / name)
        Manifest(
            model_id=model_id_for(stage / MODEL_FILE),
            dim=int(reference.shape[1]),
            max_length=max_length,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            optimized=optimized,
            fusions=fusions,
            parity_min_cosine=round(min(float(cosine), 1.0), 7),
            doc_model_id=doc_model_id,
            precision=precision,
        ).write(stage)
        _swap_in(stage, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _export_onnx(embedder: torch.nn.Module, path: Path) -> None:
    import logging

    import torch

    # the exporter logs a warning per missing torchvision op; irrelevant for a text model
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)

    batch = torch.export.Dim("batch", min=1, max=4096)
    seq = torch.export.Dim("sequence", min=1, max=512)
    example = (torch.ones(2, 16, dtype=torch.int64), torch.ones(2, 16, dtype=torch.int64))
    with torch.inference_mode(False), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            embedder,
            example,
            str(path),
            dynamo=True,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
            external_data=False,  # one self-contained file for Triton and for hashing
            verbose=False,
        )


def optimize_onnx(src: Path, dst: Path, *, method: str = "onnxscript") -> dict[str, int]:
    """Fuse the BERT graph into ONNX Runtime contrib ops; return the fusion counts.

    `onnxscript` (default) runs `onnxscript.rewriter.ort_fusions`, written for dynamo
    exports: it fuses attention, skip + layer norm and bias + GELU. `ort` runs
    `onnxruntime.transformers.optimizer` (model_type "bert"), whose patterns target the
    legacy exporter: on a dynamo graph it only fuses BiasGelu (see docs/encoder.md). Both
    emit provider-neutral contrib ops, so the file runs on CPU and on Triton's GPU backend."""
    if method == "onnxscript":
        import onnx_ir as ir
        from onnxscript.rewriter.ort_fusions import optimize_for_ort

        model, counts = optimize_for_ort(ir.load(str(src)))
        ir.save(model, str(dst))
        return {k: int(v) for k, v in counts.items() if v}
    if method == "ort":
        from onnxruntime.transformers.optimizer import optimize_model

        fused = optimize_model(
            str(src), model_type="bert", num_heads=12, hidden_size=384, opt_level=0
        )
        fused.save_model_to_file(str(dst), use_external_data_format=False)
        return {k: int(v) for k, v in fused.get_fused_operator_statistics().items() if v}
    raise ValueError(f"unknown optimisation method {method!r}; expected 'onnxscript' or 'ort'")


def quantize_encoder(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights and the embedding table.

    Per channel (per-tensor scales cost MiniLM ~0.05 of cosine) and with 7-bit weights
    (`reduce_range`): CPUs without VNNI multiply u8 x s8 pairs into int16 with saturation
    (`vpmaddubsw`), and 7-bit weights cannot saturate, so every CPU computes the same
    vectors; an index built on one machine answers queries encoded on another."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs advice meant for CNNs on the root logger
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gather"],
            per_channel=True,
            reduce_range=True,
            extra_options={"MatMulConstBOnly": True},
        )
    finally:
        root.setLevel(level)


def _check(model: Path, tokenizer_dir: Path, max_length: int, reference: np.ndarray) -> float:
    """Smallest cosine between ONNX Runtime and PyTorch vectors on CHECK_TEXTS."""
    from jobsearch.encode.onnx_encoder import OnnxEncoder

    enc = OnnxEncoder.from_files(model, tokenizer_dir, max_length=max_length, model_id="check")
    got = enc.encode(list(CHECK_TEXTS))
    return float(np.min(np.sum(got * reference, axis=1)))


def _swap_in(stage: Path, target: Path) -> None:
    """Replace `target` with `stage` by renames: a reader sees the old or the new folder,
    never a half-written one."""
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        target.replace(old)
        stage.replace(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        stage.replace(target)
