"""The import rules of pyproject.toml ([tool.importlinter]) hold: the engine never imports
the runtimes, the operator or training; the request path knows no HTTP; no sibling modules
import each other in a cycle. Runs the real `lint-imports` over scripts/lint_tree.py's tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(tmp_path: Path) -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    tree = subprocess.run([sys.executable, str(ROOT / "scripts" / "lint_tree.py"), str(tmp_path)],
                          capture_output=True, text=True, check=True).stdout.strip()
    proc = subprocess.run(
        [lint_imports, "--no-cache", str(ROOT / "pyproject.toml")], cwd=tree, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": tree}, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout
