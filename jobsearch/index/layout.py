"""On-disk layout of an index root and its shard sets: names, the manifest, checksums and
the atomically switched `ACTIVE` pointer. Pure file handling; loading lives in `segment`.

    <root>/ACTIVE                    name of the active set (replaced by rename)
    <root>/HISTORY                   activated sets, oldest first (for rollback)
    <root>/.lock                     flock held by every operation that changes the root
    <root>/.building-<version>       flock held by a build until its set is published
    <root>/set-<version>/manifest.json
    <root>/set-<version>/vocab.json
    <root>/set-<version>/shard-000/{vectors.npy, [scales.npy, bounds.npy, vectors.f16.npy],
                                     col.*.npy, records.arrow}
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jobsearch.errors import (
    CorruptShardSetError,
    IndexNotFoundError,
    IndexRootBusyError,
    StorageFullError,
)

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
TMP_PREFIX = ".tmp-"
LOCK = ".lock"
BUILDING_PREFIX = ".building-"
HISTORY_KEEP = 20  # HISTORY lines kept: rollback needs the recent past only
LOCK_TIMEOUT_S = 120.0


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
    # Rows of the corpus this set was cut from, when it holds only its first `rows` (a
    # partial set served while the rest is encoded: `jobsearch demo`); None: all of it.
    source_rows: int | None = None

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
        source_rows = data.get("source_rows")
        if source_rows is not None and (not isinstance(source_rows, int) or isinstance(source_rows, bool)
                                        or source_rows < data["rows"]):
            raise CorruptShardSetError(f"{where}: source_rows {source_rows!r} is not an int >= rows")
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Write a small file so readers see the old or the new content, never a mix, and the
    new content survives a crash once this returns (file and folder fsynced). A full disk
    raises StorageFullError and leaves the old content in place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFullError(f"no space left to write {path.name} in {path.parent}") from exc
        raise


_held = threading.local()  # root -> depth: the lock is re-entrant within one thread


@contextlib.contextmanager
def root_lock(root: Path, *, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the index root's lock (an flock on `<root>/.lock`): every operation that moves
    ACTIVE/HISTORY, publishes or deletes a set runs inside it, so they never interleave.
    Re-entrant in one thread; another thread or process waits (IndexRootBusyError after
    `timeout_s`)."""
    root = Path(root)
    key = str(root.resolve())
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _flock(fd, timeout_s=timeout_s, what=f"index root {root}")
        depth[key] = 1
        try:
            yield
        finally:
            depth[key] = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _flock(fd: int, *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise IndexRootBusyError(f"{what} is locked by another operation (waited {timeout_s:.0f} s)") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


@contextlib.contextmanager
def building(root: Path, version: str) -> Iterator[None]:
    """Mark set `version` as being built until the block ends: gc leaves its `.tmp-` folder
    and its published `set-` folder alone while the builder holds this flock."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{BUILDING_PREFIX}{version}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def builds_in_progress(root: Path) -> set[str]:
    """Versions whose builder is alive (holds its `.building-` flock). Marks left by a dead
    builder are removed."""
    live = set()
    for mark in Path(root).glob(f"{BUILDING_PREFIX}*"):
        version = mark.name[len(BUILDING_PREFIX):]
        try:
            fd = os.open(mark, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            live.add(version)
        else:
            with contextlib.suppress(OSError):
                mark.unlink()
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    return live


def make_read_only(set_dir: Path) -> None:
    """Published set files are never written again: drop their write bits so a stray
    writer fails instead of changing bytes a server has mapped."""
    for path in Path(set_dir).rglob("*"):
        if path.is_file():
            mode = path.stat().st_mode
            path.chmod(mode & ~0o222)


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


def _resolve_name(root: Path, name: str) -> Path:
    return Path(name) if os.path.isabs(name) else Path(root) / name


def point_to(root: Path, set_dir: Path) -> None:
    """Make `set_dir` the active set of `root` and record it in HISTORY: under the root
    lock, HISTORY first then ACTIVE, each written atomically with fsync. Refuses a folder
    that is not a shard set (a pointer never dangles)."""
    root = Path(root)
    set_dir = Path(set_dir).resolve()
    with root_lock(root):
        if not is_set_dir(set_dir):
            raise IndexNotFoundError(f"{set_dir.name} is not a shard set (deleted or never published); not activated")
        name = set_dir.name if set_dir.parent == root.resolve() else str(set_dir)
        past = [h for h in history(root) if h != name] + [name]
        write_atomic(root / HISTORY, "\n".join(past[-HISTORY_KEEP:]) + "\n")
        write_atomic(root / ACTIVE, name + "\n")


def previous_set(root: Path) -> Path:
    """The newest set in HISTORY before the current one that still exists (what
    `rollback` returns to)."""
    root = Path(root)
    past = history(root)
    current = active_set(root).resolve()
    candidates = [h for h in past if _resolve_name(root, h).resolve() != current and is_set_dir(_resolve_name(root, h))]
    if not candidates:
        raise IndexNotFoundError(f"{root.name}: no earlier shard set to roll back to")
    return _resolve_name(root, candidates[-1])


def list_sets(root: Path) -> list[Path]:
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(SET_PREFIX))


def garbage_collect(root: Path, *, keep: int = 2) -> list[Path]:
    """Delete shard sets (and leftover `.tmp-*` folders of dead builds) except the active
    one, the `keep` most recently activated others and any set a live build is still
    writing or publishing; returns what was removed. Runs under the root lock, so no
    activation is half done meanwhile; HISTORY drops the deleted sets."""
    import shutil

    root = Path(root)
    if keep < 0:
        raise ValueError(f"keep must be >= 0, got {keep}")
    with root_lock(root):
        active = active_set(root).resolve()
        past = history(root)
        recent = [h for h in past if _resolve_name(root, h).resolve() != active][-keep:] if keep else []
        protected = {active} | {_resolve_name(root, h).resolve() for h in recent}
        building_now = builds_in_progress(root)
        removed = []
        for path in [*list_sets(root), *root.glob(f"{TMP_PREFIX}*")]:
            version = path.name.removeprefix(SET_PREFIX).removeprefix(TMP_PREFIX)
            if path.resolve() in protected or version in building_now:
                continue
            _chmod_writable(path)  # published files are read-only; their folders are not
            shutil.rmtree(path)
            removed.append(path)
        gone = {p.resolve() for p in removed}
        kept = [h for h in past if _resolve_name(root, h).resolve() not in gone]
        if kept != past:
            write_atomic(root / HISTORY, "".join(h + "\n" for h in kept))
    return removed


def _chmod_writable(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        if p.is_dir():
            with contextlib.suppress(OSError):
                p.chmod(p.stat().st_mode | 0o700)
