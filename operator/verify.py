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
    """`path` is the index root one build Job wrote (ACTIVE + set-<version>/). Runs the
    index's own checks; any domain error means "refuse this set"."""
    from jobsearch.index.layout import active_set  # heavy (numba kernels): lazy
    from jobsearch.index.shardset import MIN_SELF_RECALL, load_set, self_query_recall

    if not path.is_dir():
        return Verification(False, message=f"{path} does not exist")
    try:
        shardset = load_set(active_set(path), verify=True)
        # The index refuses below its own floor; a JobIndex may ask for more.
        if recall_min > MIN_SELF_RECALL:
            recall = self_query_recall(shardset.segments)
            if recall < recall_min:
                return Verification(False, message=f"self-query recall {recall:.3f} < {recall_min}")
    except (CorruptShardSetError, IndexNotFoundError) as exc:
        return Verification(False, message=str(exc))
    except JobSearchError as exc:
        return Verification(False, message=f"{type(exc).__name__}: {exc}")
    return Verification(True, rows=shardset.rows)


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
