"""The Dockerfile (no Docker engine here, so checked statically): the three role targets
exist, images run as a numeric non-root user, torch comes from the CPU index before the
project, the chart's commands match the image's entrypoint, and the context is filtered."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "jobsearch"
DOCKERFILE = REPO / "docker" / "Dockerfile"


def _stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = None
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if m := re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE):
            current = m.group(1)
            stages[current] = [line]
        elif current and line and not line.startswith("#"):
            stages[current].append(line)
    return stages


def test_role_targets_exist_and_run_as_non_root() -> None:
    stages = _stages()
    assert {"runtime", "operator", "builder"} <= set(stages)
    base = stages["base"]
    user = next(line for line in base if line.startswith("USER"))
    uid = int(user.split()[1].split(":")[0])
    assert uid >= 10000
    values = (CHART / "values.yaml").read_text()
    assert f"runAsUser: {uid}" in values  # the chart's pod security matches the image user
    assert 'ENTRYPOINT ["jobsearch"]' in base
    for name in ("runtime", "operator", "builder"):
        assert stages[name][0].endswith("base AS " + name)


def test_torch_is_the_cpu_build_installed_before_the_project() -> None:
    text = DOCKERFILE.read_text()
    torch_at = text.index("download.pytorch.org/whl/cpu torch==")
    assert torch_at < text.index('pip install ".[k8s]"')
    assert ":latest" not in text
    ignore = (REPO / "docker" / "Dockerfile.dockerignore").read_text().splitlines()
    assert ignore[1] == "**" or "**" in ignore  # everything excluded unless re-included


def test_operator_args_match_the_cli() -> None:
    from jobsearch.operator.main import app
    from typer.main import get_command

    cmd = get_command(app)
    assert "run" in cmd.commands  # type: ignore[attr-defined]
    rendered = (CHART / "templates" / "operator-deployment.yaml").read_text()
    assert "args: [operator, run, --metrics-port" in rendered
