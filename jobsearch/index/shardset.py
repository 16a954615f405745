"""Loading and verifying a shard set: the manifest schema, every checksum, shapes and row
counts, then a self-query recall check. Nothing is activated before this passes, so a
corrupt or partial set is refused with a message naming the problem."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import layout
from jobsearch.index.columns import Columns, Vocab
from jobsearch.index.layout import RECORDS, VECTORS, VOCAB, Manifest, sha256_file
from jobsearch.index.segment import Segment
from jobsearch.schema import Filters

SELF_QUERIES = 16
MIN_SELF_RECALL = 0.99


@dataclass(frozen=True)
class ShardSet:
    path: Path
    manifest: Manifest
    vocab: Vocab
    segments: tuple[Segment, ...]

    @property
    def version(self) -> str:
        return self.manifest.set_version

    @property
    def dim(self) -> int:
        return self.manifest.dim

    @property
    def rows(self) -> int:
        return self.manifest.rows


def _npy_shape(path: Path) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from a .npy header without reading the data."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(fh)
    return shape, dtype


def check_files(set_dir: Path, manifest: Manifest) -> None:
    """Every listed file exists with its recorded sha256; vector and column shapes agree
    with the manifest (rows, dim). Raises CorruptShardSetError naming the first problem."""
    for name, digest in manifest.files.items():
        _check_digest(set_dir / name, digest)
    if VOCAB not in manifest.files:
        raise CorruptShardSetError(f"{set_dir}: manifest lists no {VOCAB}")
    required = {VECTORS, RECORDS, *Columns.file_names()}
    for shard in manifest.shards:
        folder = set_dir / shard.name
        missing = required - set(shard.files)
        if missing:
            raise CorruptShardSetError(f"{folder}: manifest lists no {sorted(missing)}")
        for name, digest in shard.files.items():
            _check_digest(folder / name, digest)
        shape, dtype = _npy_shape(folder / VECTORS)
        if len(shape) != 2 or shape[0] != shard.rows:
            raise CorruptShardSetError(f"{folder / VECTORS}: shape {shape}, manifest says {shard.rows} rows")
        if shape[1] != manifest.dim:
            raise CorruptShardSetError(f"{folder / VECTORS}: dim {shape[1]}, manifest says dim {manifest.dim}")
        if str(dtype) != manifest.dtype:
            raise CorruptShardSetError(f"{folder / VECTORS}: dtype {dtype}, manifest says {manifest.dtype}")
        for name in Columns.file_names():
            cshape, _ = _npy_shape(folder / name)
            want = shard.rows + 1 if name == "col.loc_offsets.npy" else shard.rows
            if name != "col.loc_codes.npy" and cshape[0] != want:
                raise CorruptShardSetError(f"{folder / name}: {cshape[0]} rows, expected {want}")


def _check_digest(path: Path, digest: str) -> None:
    if not path.is_file():
        raise CorruptShardSetError(f"{path} is missing (partial shard set)")
    got = sha256_file(path)
    if got != digest:
        raise CorruptShardSetError(f"{path}: checksum mismatch (sha256 {got[:12]}..., manifest {digest[:12]}...)")


def self_query_recall(segments: tuple[Segment, ...], *, samples: int = SELF_QUERIES, seed: int = 0) -> float:
    """Share of sampled rows that find themselves (or an exact tie) in their own top-10."""
    rng = np.random.default_rng(seed)
    total = sum(s.rows for s in segments)
    if total == 0:
        return 1.0
    found = 0
    picks = rng.choice(total, size=min(samples, total), replace=False)
    starts = np.cumsum([0] + [s.rows for s in segments])
    now = datetime.now(UTC)
    for g in picks:
        si = int(np.searchsorted(starts, g, side="right") - 1)
        seg, row = segments[si], int(g - starts[si])
        src = seg.fp16 if seg.fp16 is not None else seg.vectors.view(np.float16)
        q = np.asarray(src[row], dtype=np.float32)[None]
        own = float(q[0] @ q[0]) if seg.fp16 is not None or seg.scales is None else None
        best = []
        for s in segments:
            scores, rows = s.topk(q, 10, s.plan(Filters(), now=now))
            best += [(float(sc), s is seg and int(r) == row) for sc, r in zip(scores[0], rows[0], strict=True) if r >= 0]
        best.sort(key=lambda t: -t[0])
        top = best[:10]
        if not np.any(q):  # a zeroed row matches everything equally: damaged, not found
            continue
        if any(hit for _, hit in top) or (own is not None and top and top[-1][0] >= own - 1e-3):
            found += 1
    return found / len(picks)


def load_set(set_dir: Path, *, verify: bool = True, expect_dim: int | None = None) -> ShardSet:
    """Load a shard set; with `verify`, refuse it (CorruptShardSetError) unless the manifest,
    checksums, shapes, row counts and the self-query recall check all pass."""
    set_dir = Path(set_dir)
    if not set_dir.is_dir():
        raise CorruptShardSetError(f"{set_dir} is not a directory")
    manifest = Manifest.read(set_dir)
    if expect_dim is not None and manifest.dim != expect_dim:
        raise CorruptShardSetError(f"{set_dir}: dim {manifest.dim} differs from the serving dim {expect_dim}")
    if verify:
        check_files(set_dir, manifest)
    try:
        vocab = Vocab.from_json(json.loads((set_dir / VOCAB).read_text()))
        segments = tuple(
            Segment.load(set_dir / s.name, vocab, dtype=manifest.dtype, name=f"{manifest.set_version}/{s.name}")
            for s in manifest.shards
        )
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptShardSetError(f"{set_dir}: cannot load ({exc})") from exc
    for info, seg in zip(manifest.shards, segments, strict=True):
        if seg.rows != info.rows or seg.dim != manifest.dim:
            raise CorruptShardSetError(f"{set_dir / info.name}: {seg.rows}x{seg.dim}, manifest {info.rows}x{manifest.dim}")
    if verify:
        recall = self_query_recall(segments)
        if recall < MIN_SELF_RECALL:
            raise CorruptShardSetError(f"{set_dir}: self-query recall {recall:.2f} < {MIN_SELF_RECALL} (vectors damaged?)")
    return ShardSet(path=set_dir, manifest=manifest, vocab=vocab, segments=segments)


def activate_set(root: Path, set_dir: Path) -> ShardSet:
    """Verify `set_dir` and make it the root's active set, all under the root lock (gc
    cannot delete it between the check and the pointer move). Returns the loaded set."""
    with layout.root_lock(root):
        loaded = load_set(set_dir, verify=True)
        layout.point_to(root, set_dir)
    return loaded


def rollback_set(root: Path) -> Path:
    """Verify and re-activate the newest earlier set in HISTORY, under the root lock."""
    with layout.root_lock(root):
        prev = layout.previous_set(root)
        load_set(prev, verify=True)
        layout.point_to(root, prev)
    return prev


__all__ = ["ShardSet", "load_set", "check_files", "self_query_recall", "activate_set", "rollback_set"]
