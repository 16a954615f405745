"""`python -m jobsearch.runtimes.serve` builds each role from the arguments the Helm chart
passes (in a subprocess: kserve must not load into the test process beside tritonclient.grpc)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
import sys
from jobsearch.runtimes.serve import build_parser, make_model
args, _ = build_parser().parse_known_args(sys.argv[1:])
model = make_model(args)
print(type(model).__name__, model.name, getattr(model, "active_file", None), getattr(model, "query_url", ""))
"""


def build(*argv: str) -> str:
    proc = subprocess.run([sys.executable, "-c", CHECK, *argv], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.rstrip("\n")


def test_each_role_is_built_from_the_chart_arguments(tmp_path: Path) -> None:
    pointer = tmp_path / "path"
    pointer.write_text(str(tmp_path / "index"))
    active = f"--active-file={pointer}"
    assert build("--role=shard", "--model_name=jobs-shard-1", "--shard=1", "--shards=2", active) == (
        f"ShardServer jobs-shard-1 {pointer} "
    )
    assert build("--role=query", "--model_name=search", active, "--corpus-dir=/data/corpus") == (
        f"QueryEngineServer search {pointer} "
    )
    out = build("--role=transformer", "--model_name=search", "--predictor_host=search-predictor.ns",
                active, "--encoder-url=http://retriever-predictor.ns/v2/models/retriever",
                "--encoder-dir=/data/models/retriever-v1/retriever/1",
                "--shard-url=http://jobs-shard-0-predictor.ns/v2/models/jobs-shard-0")
    # The query engine is the transformer's own predictor (KServe passes --predictor_host).
    assert out == f"SearchTransformer search {pointer} http://search-predictor.ns/v2/models/search"
