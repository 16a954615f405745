"""The gate between a finished build and promotion: the index package's own verification
(manifest, checksums, row counts, self-query recall) of a shard set on the shared volume.
A corrupt or partial set fails here and is never activated."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from jobsearch.operator.plan import Verification

from jobsearch.errors import CorruptShardSetError, IndexNotFoundError, JobSearchError

Verifier = Callable[[Path, float], Verification]


def verify_shard_set(path: Path, recall_min: float) -> Verification:
    """Run jobsearch.index's verification; any domain error means "refuse this set"."""
    from jobsearch.index.verify import verify_shard_set as index_verify  # heavy: lazy

    if not path.is_dir():
        return Verification(False, message=f"{path} does not exist")
    try:
        report = index_verify(path, recall_min=recall_min)
    except (CorruptShardSetError, IndexNotFoundError) as exc:
        return Verification(False, message=str(exc))
    except JobSearchError as exc:
        return Verification(False, message=f"{type(exc).__name__}: {exc}")
    rows = int(getattr(report, "rows", 0) or (report.get("rows", 0) if isinstance(report, dict) else 0))
    return Verification(True, rows=rows)


def source_fingerprint(uri: str) -> str | None:
    """Size and mtime of a local corpus (file or folder): a change means new postings.
    Object-store URIs have no cheap fingerprint here (None: no source-change trigger)."""
    p = Path(uri)
    if not uri.startswith("/") or not p.exists():
        return None
    files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
    h = hashlib.sha256()
    for f in files:
        st = os.stat(f)
        h.update(f"{f.relative_to(p) if f != p else f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]
