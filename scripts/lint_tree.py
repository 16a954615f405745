"""Build a folder where the `jobsearch` import root is one directory tree, for tools that
walk folders instead of asking the import system (import-linter's grimp, mypy).

setuptools maps `models/`, `runtimes/` and `operator/` under `jobsearch` (package-dir, see
setup.py); on disk they sit beside `jobsearch/`. This writes DEST/jobsearch/ with a link to
every entry of jobsearch/ plus links named after the mapped folders, and prints DEST.
Run by `make lint` and tests/test_import_contracts.py; rebuilt on every run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPED = ("models", "runtimes", "operator")  # the same list as setup.py


def build(dest: Path, root: Path = ROOT) -> Path:
    """The tree for the checkout at `root` (another worktree: bench/runtime_rss.py's "before")."""
    pkg = dest / "jobsearch"
    if pkg.exists():
        shutil.rmtree(pkg)
    pkg.mkdir(parents=True)
    for entry in sorted((root / "jobsearch").iterdir()):
        if entry.name != "__pycache__":
            (pkg / entry.name).symlink_to(entry)
    for folder in MAPPED:
        (pkg / folder).symlink_to(root / folder)
    return dest


if __name__ == "__main__":
    dest = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "lint-tree").resolve()
    print(build(dest, Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else ROOT))
