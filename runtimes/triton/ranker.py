"""The ranker's two graphs as Triton models: `ranker_prefix` (query tokens -> per-layer K/V)
and `ranker_candidate` (candidate tokens + those K/V -> scores). The remote ranker drives the
split, like the embedded one: the prefix once per request, then the candidates in batches.
Neither graph has a batch axis Triton could merge requests along (a request is one prefix
and its own candidates), so both are max_batch_size 0 models, with dynamic dims.

    <out>/ranker_prefix/config.pbtxt      <out>/ranker_prefix/<v>/{model.onnx, weights.bin, ...}
    <out>/ranker_candidate/config.pbtxt   <out>/ranker_candidate/<v>/{model.onnx, weights.bin, ...}
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jobsearch.runtimes.triton.repository import (
    CONFIG_FILE,
    MODEL_FILE,
    Device,
    ModelConfig,
    graph_tensors,
    render_config,
)

from jobsearch.rank.export import (
    CALIBRATION_FILE,
    CANDIDATE_FILE,
    MANIFEST_FILE,
    PREFIX_FILE,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
)

PREFIX_MODEL = "ranker_prefix"
CANDIDATE_MODEL = "ranker_candidate"


def build_ranker(version_dir: Path, out_root: Path, *, version: int = 1, device: Device = "gpu",
                 instances: int = 1) -> list[Path]:
    """Write both ranker models from a ranker version folder (jobsearch rank export)."""
    version_dir = Path(version_dir)
    if not (version_dir / MANIFEST_FILE).is_file():
        from jobsearch.errors import ModelNotFoundError

        raise ModelNotFoundError(f"no ranker version at {version_dir}: run `jobsearch rank export`")
    written = []
    for name, graph in ((PREFIX_MODEL, PREFIX_FILE), (CANDIDATE_MODEL, CANDIDATE_FILE)):
        model_dir = Path(out_root) / name
        tmp = model_dir / f".tmp-{version}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        shutil.copy2(version_dir / graph, tmp / MODEL_FILE)
        # The graph's weights live in weights.bin beside it (its external-data location).
        for f in (WEIGHTS_FILE, TOKENIZER_FILE, MANIFEST_FILE, CALIBRATION_FILE):
            if (version_dir / f).is_file():
                shutil.copy2(version_dir / f, tmp / f)
        target = model_dir / str(version)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
        inputs, outputs = graph_tensors(target / MODEL_FILE, batched=False)
        cfg = ModelConfig(name=name, inputs=inputs, outputs=outputs, max_batch_size=0, device=device,
                          instances=instances)
        (model_dir / CONFIG_FILE).write_text(render_config(cfg))
        written.append(model_dir)
    return written
