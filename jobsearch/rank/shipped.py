"""The models that ship with the code (docs/ranker.md), committed under
`jobsearch/rank/models/`: the ranker's ONNX version (int8, model card, sha256), a tuned
query tower when one is committed, and the calibration of retrieval scores
(`retrieval-calibration.json`). `jobsearch demo` installs them into the data home, so a
fresh demo serves them with no training step; nothing already in the home is overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

SHIPPED_DIR = Path(__file__).parent / "models"
# (what, folder under SHIPPED_DIR and under <models>): the ranker and the query tower.
SHIPPED = (("ranker", "ranker"), ("query tower", "query"))
RETRIEVAL_CALIBRATION = "retrieval-calibration.json"


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
    # Grades for retrieval scores (when no ranker runs), fitted for the retriever's queries.
    retrieval = source / RETRIEVAL_CALIBRATION
    target = Path(models_dir) / "retriever" / "1"
    if retrieval.is_file() and (target / "manifest.json").is_file() and not (target / "calibration.json").exists():
        shutil.copy(retrieval, target / "calibration.json")
        installed.append("retrieval calibration retriever/1/calibration.json")
    return installed
