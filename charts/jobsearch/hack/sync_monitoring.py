"""Copy the monitoring rules and dashboards (generated under monitoring/) into the chart:
Helm's .Files only sees files inside the chart folder. Run after regenerating them:

    python charts/jobsearch/hack/sync_monitoring.py          # copy
    python charts/jobsearch/hack/sync_monitoring.py --check  # exit 1 if a copy is stale

tests/charts/test_monitoring_sync.py runs the check, so a stale copy fails CI."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CHART = Path(__file__).resolve().parents[1]
REPO = CHART.parents[1]
PAIRS = (
    (REPO / "monitoring" / "prometheus" / "rules", "*.yaml", CHART / "files" / "rules"),
    (REPO / "monitoring" / "dashboards", "*.json", CHART / "files" / "dashboards"),
)


def plan() -> list[tuple[Path | None, Path]]:
    """(source, copy) pairs that differ; source None means a copy with no source left."""
    out: list[tuple[Path | None, Path]] = []
    for src_dir, pattern, dst_dir in PAIRS:
        sources = {p.name: p for p in sorted(src_dir.glob(pattern))}
        copies = {p.name: p for p in sorted(dst_dir.glob(pattern))} if dst_dir.is_dir() else {}
        for name, src in sources.items():
            dst = dst_dir / name
            if name not in copies or copies[name].read_bytes() != src.read_bytes():
                out.append((src, dst))
        out += [(None, p) for n, p in copies.items() if n not in sources]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report stale copies, change nothing")
    args = ap.parse_args(argv)
    stale = plan()
    for src, dst in stale:
        if args.check:
            print(f"stale: {dst.relative_to(REPO)}" + ("" if src else " (source removed)"))
        elif src is None:
            dst.unlink()
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
