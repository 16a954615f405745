"""On-disk layout of an index root and its shard sets: names, the manifest, checksums and
the atomically switched `ACTIVE` pointer. Pure file handling; loading lives in `segment`.

    <root>/ACTIVE                    name of the active set (replaced by rename)
    <root>/HISTORY                   activated sets, oldest first (for rollback)
    <root>/set-<version>/manifest.json
    <root>/set-<version>/vocab.json
    <root>/set-<version>/shard-000/{vectors.npy, [scales.npy, bounds.npy, vectors.f16.npy],
                                     col.*.npy, records.arrow}
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jobsearch.errors import CorruptShardSetError, IndexNotFoundError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VOCAB = "vocab.json"
ACTIVE = "ACTIVE"
HISTORY = "HISTORY"
VECTORS = "vectors.npy"
FP16_VECTORS = "vectors.f16.npy"  # int8 sets keep fp16 rows too, for the exact re-score
SCALES = "scales.npy"
BOUNDS = "bounds.npy"  # int8 sets: per-row error bounds that make the int8 scan exact
RECORDS = "records.arrow"
DTYPES = ("float16", "int8")
SET_PREFIX = "set-"


@dataclass
class ShardInfo:
    name: str
    rows: int
    files: dict[str, str]  # file name -> sha256


@dataclass
class Manifest:
    format_version: int
    set_version: str
    model_id: str
    dim: int
    dtype: str
    rows: int
    shards: list[ShardInfo]
    created: str
    corpus_fingerprint: str
    files: dict[str, str] = field(default_factory=dict)  # set-level files -> sha256

    def write(self, set_dir: Path) -> Path:
        path = set_dir / MANIFEST
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        return path

    @classmethod
    def read(cls, set_dir: Path) -> Manifest:
        path = Path(set_dir) / MANIFEST
        if not path.is_file():
            raise CorruptShardSetError(f"{set_dir}: {MANIFEST} is missing (partial or not a shard set)")
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptShardSetError(f"{path}: unreadable manifest ({exc})") from exc
        return cls.from_json(data, where=str(path))

    @classmethod
    def from_json(cls, data: object, *, where: str) -> Manifest:
        """Strict schema check: every field present with the right type, sane values."""
        spec = {
            "format_version": int, "set_version": str, "model_id": str, "dim": int, "dtype": str,
            "rows": int, "shards": list, "created": str, "corpus_fingerprint": str, "files": dict,
        }
        if not isinstance(data, dict):
            raise CorruptShardSetError(f"{where}: manifest is not a JSON object")
        for key, typ in spec.items():
            if not isinstance(data.get(key), typ) or isinstance(data.get(key), bool):
                raise CorruptShardSetError(f"{where}: manifest field {key!r} missing or not {typ.__name__}")
        if data["format_version"] != FORMAT_VERSION:
            raise CorruptShardSetError(
                f"{where}: format_version {data['format_version']} is not {FORMAT_VERSION}; rebuild the index"
            )
        if data["dtype"] not in DTYPES:
            raise CorruptShardSetError(f"{where}: dtype {data['dtype']!r} is not one of {DTYPES}")
        if data["dim"] <= 0 or data["rows"] < 0 or not data["shards"]:
            raise CorruptShardSetError(f"{where}: dim, rows or shard list out of range")
        shards = []
        for s in data["shards"]:
            if not (isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("rows"), int)
                    and isinstance(s.get("files"), dict)):
                raise CorruptShardSetError(f"{where}: malformed shard entry {s!r}")
            shards.append(ShardInfo(name=s["name"], rows=s["rows"], files=dict(s["files"])))
        if sum(s.rows for s in shards) != data["rows"]:
            raise CorruptShardSetError(f"{where}: shard rows add up to {sum(s.rows for s in shards)}, manifest says {data['rows']}")
        return cls(**{**data, "shards": shards})


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_set_dir(path: Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def write_atomic(path: Path, text: str) -> None:
    """Write a small file so readers see the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def active_set(root: Path) -> Path:
    """The set the root's ACTIVE pointer names; IndexNotFoundError (with the command to
    run) when there is no index here."""
    root = Path(root)
    if is_set_dir(root):
        return root
    pointer = root / ACTIVE
    if not pointer.is_file():
        raise IndexNotFoundError(
            f"no index at {root} (no {ACTIVE} pointer or {MANIFEST}); "
            f"run `jobsearch index build --out {root}`"
        )
    name = pointer.read_text().strip()
    target = Path(name) if os.path.isabs(name) else root / name
    if not target.is_dir():
        raise IndexNotFoundError(f"{pointer} names {name!r}, which does not exist; run `jobsearch index build --out {root}`")
    return target


def history(root: Path) -> list[str]:
    path = Path(root) / HISTORY
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def point_to(root: Path, set_dir: Path) -> None:
    """Make `set_dir` the active set of `root` (atomic rename) and record it in HISTORY."""
    root = Path(root)
    set_dir = Path(set_dir).resolve()
    name = set_dir.name if set_dir.parent == root.resolve() else str(set_dir)
    past = [h for h in history(root) if h != name] + [name]
    write_atomic(root / HISTORY, "\n".join(past[-20:]) + "\n")
    write_atomic(root / ACTIVE, name + "\n")


def previous_set(root: Path) -> Path:
    """The set activated before the current one (what `rollback` returns to)."""
    root = Path(root)
    past = history(root)
    current = active_set(root)
    candidates = [h for h in past if (root / h).resolve() != current.resolve()]
    if not candidates:
        raise IndexNotFoundError(f"{root}: no earlier shard set to roll back to")
    name = candidates[-1]
    return Path(name) if os.path.isabs(name) else root / name


def list_sets(root: Path) -> list[Path]:
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(SET_PREFIX))


def garbage_collect(root: Path, *, keep: int = 2) -> list[Path]:
    """Delete shard sets (and leftover `.tmp-*` folders) except the active one and the
    `keep` most recently activated others; returns what was removed."""
    import shutil

    root = Path(root)
    if keep < 0:
        raise ValueError(f"keep must be >= 0, got {keep}")
    active = active_set(root).resolve()
    recent = [h for h in history(root) if (root / h).resolve() != active][-keep:] if keep else []
    protected = {active} | {(root / h).resolve() for h in recent}
    removed = []
    for path in [*list_sets(root), *root.glob(".tmp-*")]:
        if path.resolve() not in protected:
            shutil.rmtree(path)
            removed.append(path)
    return removed
