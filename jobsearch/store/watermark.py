"""A shard set's store watermark: the change-log position its rows include, written
beside its manifest (`store-watermark.json`) before the set is activated where possible.
A follower starting on that set replays only the changes after it. The file names the
store it counts in, so a set is never followed from another store's positions."""

from __future__ import annotations

import json
from pathlib import Path

WATERMARK_FILE = "store-watermark.json"


def read_watermark(set_dir: Path, store_id: str) -> int | None:
    """The seq `set_dir` includes in store `store_id`, or None (no file, another store, unreadable)."""
    try:
        data = json.loads((Path(set_dir) / WATERMARK_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("store_id") != store_id or not isinstance(data.get("seq"), int):
        return None
    return int(data["seq"])


def write_watermark(set_dir: Path, store_id: str, seq: int) -> None:
    from jobsearch.index.layout import write_atomic

    write_atomic(Path(set_dir) / WATERMARK_FILE, json.dumps({"store_id": store_id, "seq": int(seq)}) + "\n")
