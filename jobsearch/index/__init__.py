"""The flat index: exact filtered top-k over shard sets, with turnover and hot swap.

`FlatIndex.open(dir)` to serve, `build_index(...)` / `build_from_arrays(...)` to write a set.
Attributes load on first use so `import jobsearch.index` stays cheap (no numba compile)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobsearch.index.build import build_from_arrays, build_index
    from jobsearch.index.flat import FlatIndex
    from jobsearch.index.merge import merge_hits

__all__ = ["FlatIndex", "build_index", "build_from_arrays", "merge_hits"]

_WHERE = {
    "FlatIndex": "jobsearch.index.flat",
    "build_index": "jobsearch.index.build",
    "build_from_arrays": "jobsearch.index.build",
    "merge_hits": "jobsearch.index.merge",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'jobsearch.index' has no attribute {name!r}")
