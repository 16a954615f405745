"""Write the packaged all-MiniLM-L6-v2 in fp16 (45 MB) with its tokenizer files to a folder,
the base weights an accelerator run carries (scripts/gpu_train_ranker.sh)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main(dst: Path) -> None:
    from safetensors.torch import load_file, save_file

    from jobsearch.encode.torch_encoder import base_model_path

    src = Path(base_model_path())
    dst.mkdir(parents=True, exist_ok=True)
    sd = load_file(str(src / "model.safetensors"))
    save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in sd.items()
               if k != "embeddings.position_ids"}, str(dst / "model.safetensors"))
    for f in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copy(src / f, dst / f)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".rankdata/minilm"))
