"""The student checkpoint folder the ranker exporter reads (jobsearch/rank/export.py):
a Hugging Face BertForSequenceClassification (num_labels=1) with the MiniLM tokenizer
files, assembled from the fp16 weight parts an accelerator run brings back
(scripts/gpu_train_ranker.py: `student.part<i>.safetensors`, tensors larger than a part cut
into `<name>.__chunk<i>` pieces along their first axis)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
_CHUNK = re.compile(r"^(.*)\.__chunk(\d+)$")


def join_parts(parts: list[Path]) -> dict[str, Any]:
    """One state dict from the parts (chunks concatenated in order)."""
    import torch
    from safetensors.torch import load_file

    if not parts:
        raise FileNotFoundError("no student.part*.safetensors files")
    flat: dict[str, Any] = {}
    for p in sorted(parts, key=lambda x: int(re.findall(r"\d+", x.name)[-1])):
        flat.update(load_file(str(p)))
    chunks: dict[str, list[tuple[int, Any]]] = {}
    out: dict[str, Any] = {}
    for key, t in flat.items():
        m = _CHUNK.match(key)
        if m:
            chunks.setdefault(m.group(1), []).append((int(m.group(2)), t))
        else:
            out[key] = t
    for key, pieces in chunks.items():
        out[key] = torch.cat([t for _, t in sorted(pieces, key=lambda x: x[0])], dim=0)
    return out


def assemble(parts_dir: Path, out: Path, *, layers: int, base: Path | None = None,
             extra: dict[str, Any] | None = None) -> Path:
    """Write `out` (config.json with num_hidden_layers=layers, model.safetensors in fp16,
    tokenizer files of the packaged MiniLM) and check it loads with that many layers."""
    from safetensors.torch import save_file
    from transformers import AutoModelForSequenceClassification, BertConfig

    if base is None:
        from jobsearch.models.teacher import base_model_path

        base = base_model_path()
    sd = join_parts(sorted(Path(parts_dir).glob("student.part*.safetensors")))
    have = {int(m.group(1)) for k in sd if (m := re.match(r"bert\.encoder\.layer\.(\d+)\.", k))}
    if have != set(range(layers)):
        raise ValueError(f"expected encoder layers 0..{layers - 1} in the parts, got {sorted(have)}")
    out.mkdir(parents=True, exist_ok=True)
    cfg = BertConfig.from_pretrained(str(base))
    cfg.num_hidden_layers = layers
    cfg.num_labels = 1
    cfg.architectures = ["BertForSequenceClassification"]
    cfg.save_pretrained(str(out))
    save_file({k: v.contiguous() for k, v in sd.items()}, str(out / "model.safetensors"), metadata={"format": "pt"})
    for name in TOKENIZER_FILES:
        if (Path(base) / name).exists():
            shutil.copy(Path(base) / name, out / name)
    if extra:
        (out / "training.json").write_text(json.dumps(extra, indent=1))
    model = AutoModelForSequenceClassification.from_pretrained(str(out), local_files_only=True)
    if model.config.num_hidden_layers != layers or len(model.bert.encoder.layer) != layers:
        raise ValueError(f"assembled checkpoint has {len(model.bert.encoder.layer)} layers, expected {layers}")
    return out
