"""The models that ship with the code (docs/ranker.md): the ranker's ONNX version and the
tuned query tower, committed under `jobsearch/rank/models/` (int8, with model cards and
sha256). `jobsearch demo` installs them into the data home, so a fresh demo serves both
with no training step; a model already in the home is never overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

SHIPPED_DIR = Path(__file__).parent / "models"
# (what, folder under SHIPPED_DIR and under <models>): the ranker and the query tower.
SHIPPED = (("ranker", "ranker"), ("query tower", "query"))


def install_shipped(models_dir: Path, *, source: Path = SHIPPED_DIR) -> list[str]:
    """Copy each shipped model version that `models_dir` lacks; return what was installed."""
    installed = []
    for what, sub in SHIPPED:
        for version in sorted((source / sub).glob("*/manifest.json")):
            folder = version.parent
            target = Path(models_dir) / sub / folder.name
            if target.exists():
                continue
            tmp = target.with_name(target.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(folder, tmp)
            tmp.rename(target)
            installed.append(f"{what} {sub}/{folder.name}")
    return installed
