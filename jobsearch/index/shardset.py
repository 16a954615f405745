"""Loading and verifying a shard set: the manifest schema, every checksum, shapes and row
counts, every vector unit length, every filter column against its records, self-query
recall on random rows, and (given an encoder) a re-encoding of random postings. Nothing is
activated before this passes, so a corrupt, partial or wrongly built set is refused with a
message naming the problem."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import layout
from jobsearch.index.columns import Columns, Vocab, build_columns
from jobsearch.index.layout import RECORDS, VECTORS, VOCAB, Manifest, sha256_file
from jobsearch.index.segment import Segment
from jobsearch.schema import Filters
from jobsearch.stages import Encoder

if TYPE_CHECKING:
    from jobsearch.index.attributes import Attributes

SELF_QUERIES = 256  # random rows (fresh seed each time) that must find themselves
MIN_SELF_RECALL = 0.99
UNIT_TOLERANCE = 1e-2  # fp16 storage keeps unit norms within ~1e-3
REENCODE_SAMPLES = 32
MIN_REENCODE_COSINE = 0.98


@dataclass(frozen=True)
class ShardSet:
    path: Path
    manifest: Manifest
    vocab: Vocab
    segments: tuple[Segment, ...]
    sizes: dict[str, int] = field(default_factory=dict)  # file sizes when loaded (changed_files)

    @property
    def version(self) -> str:
        return self.manifest.set_version

    @property
    def dim(self) -> int:
        return self.manifest.dim

    @property
    def rows(self) -> int:
        return self.manifest.rows

    @cached_property
    def attributes(self) -> Attributes | None:
        """Attributes mined per occupation and place at build (refinement chips), read and
        checked against the manifest on first use; None for a set built without them."""
        from jobsearch.index.attributes import read_attributes

        return read_attributes(self.path, self.manifest)


def _npy_shape(path: Path) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from a .npy header without reading the data."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(fh)
    return shape, dtype


def check_files(set_dir: Path, manifest: Manifest, *, shards: Sequence[int] | None = None) -> None:
    """Every listed file exists with its recorded sha256; vector and column shapes agree
    with the manifest (rows, dim). Raises CorruptShardSetError naming the first problem.
    `shards`: check only these shards' folders (a shard server), set-level files always."""
    for name, digest in manifest.files.items():
        _check_digest(set_dir / name, digest)
    if VOCAB not in manifest.files:
        raise CorruptShardSetError(f"{set_dir}: manifest lists no {VOCAB}")
    required = {VECTORS, RECORDS, *Columns.file_names()}
    chosen = manifest.shards if shards is None else [manifest.shards[i] for i in shards]
    for shard in chosen:
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


def self_query_recall(
    segments: tuple[Segment, ...], *, samples: int = SELF_QUERIES, seed: int | None = None
) -> float:
    """Share of `samples` random rows (a fresh random seed unless given) that find
    themselves, or an exact tie, in their own unfiltered top-10. One batched scan per
    segment, so 256 rows cost about one query batch."""
    rng = np.random.default_rng(seed)
    total = sum(s.rows for s in segments)
    if total == 0:
        return 1.0
    picks = np.sort(rng.choice(total, size=min(samples, total), replace=False))
    starts = np.cumsum([0] + [s.rows for s in segments])
    seg_of = np.searchsorted(starts, picks, side="right") - 1
    q = np.stack([_fp32_row(segments[int(si)], int(g - starts[si])) for g, si in zip(picks, seg_of, strict=True)])
    now = datetime.now(UTC)
    scores, owners = [], []
    for i, s in enumerate(segments):
        sc, rows = s.topk(q, min(10, s.rows), s.plan(Filters(), now=now))
        scores.append(np.where(rows >= 0, sc, -np.inf))
        owners.append(np.where(rows >= 0, starts[i] + rows, -1))
    all_sc, all_own = np.concatenate(scores, axis=1), np.concatenate(owners, axis=1)
    order = np.argsort(-all_sc, axis=1, kind="stable")[:, :10]
    top_sc = np.take_along_axis(all_sc, order, axis=1)
    top_own = np.take_along_axis(all_own, order, axis=1)
    own = np.einsum("ij,ij->i", q, q)
    hit = (top_own == picks[:, None]).any(axis=1) | (top_sc[:, -1] >= own - 1e-3)
    hit &= np.any(q != 0, axis=1)  # a zeroed row matches everything equally: damaged, not found
    return float(hit.mean())


def _fp32_row(seg: Segment, row: int) -> np.ndarray:
    src = seg.fp16 if seg.fp16 is not None else seg.vectors.view(np.float16)
    return np.asarray(src[row], dtype=np.float32)


def check_vectors(segments: tuple[Segment, ...], *, where: Path, chunk: int = 65_536) -> None:
    """Every row is a unit vector: zero, NaN or non-unit rows (a builder that wrote
    garbage, or a bad normalisation) raise CorruptShardSetError with a count."""
    for seg in segments:
        src = seg.fp16 if seg.fp16 is not None else seg.vectors.view(np.float16)
        bad = zero = 0
        first = -1
        for lo in range(0, seg.rows, chunk):
            block = np.asarray(src[lo : lo + chunk], dtype=np.float32)
            norms = np.sqrt(np.einsum("ij,ij->i", block, block))
            off = ~(np.abs(norms - 1.0) <= UNIT_TOLERANCE)  # NaN counts as off
            zero += int(np.count_nonzero(norms == 0))
            if off.any():
                first = lo + int(np.flatnonzero(off)[0]) if first < 0 else first
                bad += int(np.count_nonzero(off))
        if bad:
            raise CorruptShardSetError(
                f"{where.name}/{seg.name.rsplit('/', 1)[-1]}: {bad} of {seg.rows} vectors are not unit length "
                f"({zero} all zero; first at row {first})"
            )


def check_columns(segments: tuple[Segment, ...], vocab: Vocab, *, where: Path) -> None:
    """Every row's filter columns say what its record says: the columns are rebuilt from
    the records (the same code the builder runs) and compared value by value, through the
    vocabularies. A builder that wrote a wrong column is refused, not served."""
    for seg in segments:
        built, bvocab = build_columns(seg.records_table)
        cols, label = seg.columns, f"{where.name}/{seg.name.rsplit('/', 1)[-1]}"
        for name in ("workplace", "seniority", "employment_type", "company_type", "posted_at"):
            _same(label, name, getattr(cols, name), getattr(built, name))
        for name in ("remote_share", "salary_usd"):
            a, b = getattr(cols, name), getattr(built, name)
            _same(label, name, np.where(np.isnan(a), -1.0, a), np.where(np.isnan(b), -1.0, b))
        _same(label, "company", np.asarray(vocab.companies, dtype=object)[cols.company],
              np.asarray(bvocab.companies, dtype=object)[built.company])
        _same(label, "loc_offsets", cols.loc_offsets, built.loc_offsets)
        _same(label, "location_ids", np.asarray(vocab.places, dtype=object)[cols.loc_codes],
              np.asarray(bvocab.places, dtype=object)[built.loc_codes])
        countries = np.asarray([*vocab.countries, ""], dtype=object)
        bcountries = np.asarray([*bvocab.countries, ""], dtype=object)
        _same(label, "place_country", countries[vocab.place_country[cols.loc_codes]],
              bcountries[bvocab.place_country[built.loc_codes]])


def _same(label: str, name: str, stored: np.ndarray, expected: np.ndarray) -> None:
    if stored.shape != expected.shape:
        raise CorruptShardSetError(f"{label}: column {name} has {stored.shape[0]} values, the records give {expected.shape[0]}")
    diff = np.flatnonzero(stored != expected)
    if diff.size:
        row = int(diff[0])
        raise CorruptShardSetError(
            f"{label}: column {name} disagrees with the records in {diff.size} of {stored.shape[0]} rows "
            f"(first at {row}: {stored[row]!r} stored, {expected[row]!r} in the record)"
        )


def check_encoding(segments: tuple[Segment, ...], encoder: Encoder, *, samples: int = REENCODE_SAMPLES,
                   seed: int | None = None, where: Path) -> float:
    """Re-encode the texts of a random sample of rows and compare with the stored vectors:
    a set built with another model, or rows shuffled against their records, fail. Returns
    the lowest cosine seen."""
    from jobsearch.encode.text import posting_text

    rng = np.random.default_rng(seed)
    total = sum(s.rows for s in segments)
    if total == 0:
        return 1.0
    picks = np.sort(rng.choice(total, size=min(samples, total), replace=False))
    starts = np.cumsum([0] + [s.rows for s in segments])
    texts, stored = [], []
    for g in picks:
        si = int(np.searchsorted(starts, g, side="right") - 1)
        seg, row = segments[si], int(g - starts[si])
        texts.append(posting_text(seg.records_at([row])[0]))
        stored.append(_fp32_row(seg, row))
    fresh = np.asarray(encoder.encode(texts), dtype=np.float32)
    cos = np.einsum("ij,ij->i", fresh, np.stack(stored)) / (
        np.linalg.norm(fresh, axis=1) * np.linalg.norm(np.stack(stored), axis=1) + 1e-12
    )
    worst = int(np.argmin(cos))
    if cos[worst] < MIN_REENCODE_COSINE:
        raise CorruptShardSetError(
            f"{where.name}: stored vectors differ from a re-encoding of their postings "
            f"(cosine {cos[worst]:.3f} < {MIN_REENCODE_COSINE} for {texts[worst][:60]!r})"
        )
    return float(cos.min())


def load_set(
    set_dir: Path, *, verify: bool = True, expect_dim: int | None = None, encoder: Encoder | None = None,
    only: int | None = None,
) -> ShardSet:
    """Load a shard set; with `verify`, refuse it (CorruptShardSetError) unless the manifest,
    checksums, shapes and row counts check out, every vector is unit length, every filter
    column agrees with its records, `SELF_QUERIES` random rows find themselves and (with
    an `encoder` of the set's model) a random sample re-encodes to its stored vectors.
    Without `verify`, file sizes are still checked before anything is mapped. `only`: load
    (and verify) just that shard, for a shard server; the set's other shards stay on disk."""
    set_dir = Path(set_dir)
    if not set_dir.is_dir():
        raise CorruptShardSetError(f"{set_dir} is not a directory")
    manifest = Manifest.read(set_dir)
    if expect_dim is not None and manifest.dim != expect_dim:
        raise CorruptShardSetError(f"{set_dir}: dim {manifest.dim} differs from the serving dim {expect_dim}")
    if only is not None and not 0 <= only < len(manifest.shards):
        raise CorruptShardSetError(f"{set_dir}: has {len(manifest.shards)} shards, no shard {only}")
    picked = list(manifest.shards) if only is None else [manifest.shards[only]]
    if verify:
        check_files(set_dir, manifest, shards=None if only is None else [only])
    else:
        check_sizes(set_dir, manifest)
    try:
        vocab = Vocab.from_json(json.loads((set_dir / VOCAB).read_text()))
        segments = tuple(
            Segment.load(set_dir / s.name, vocab, dtype=manifest.dtype, name=f"{manifest.set_version}/{s.name}")
            for s in picked
        )
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptShardSetError(f"{set_dir}: cannot load ({exc})") from exc
    for info, seg in zip(picked, segments, strict=True):
        if seg.rows != info.rows or seg.dim != manifest.dim:
            raise CorruptShardSetError(f"{set_dir / info.name}: {seg.rows}x{seg.dim}, manifest {info.rows}x{manifest.dim}")
    if verify:
        check_vectors(segments, where=set_dir)
        check_columns(segments, vocab, where=set_dir)
        recall = self_query_recall(segments)
        if recall < MIN_SELF_RECALL:
            raise CorruptShardSetError(f"{set_dir}: self-query recall {recall:.2f} < {MIN_SELF_RECALL} (vectors damaged?)")
        if encoder is not None and getattr(encoder, "model_id", None) == manifest.model_id:
            check_encoding(segments, encoder, where=set_dir)
    return ShardSet(path=set_dir, manifest=manifest, vocab=vocab, segments=segments,
                    sizes=file_sizes(set_dir, manifest))


def file_sizes(set_dir: Path, manifest: Manifest) -> dict[str, int]:
    """Size of every file the manifest lists (relative path -> bytes)."""
    out = {}
    for name in manifest.files:
        out[name] = (set_dir / name).stat().st_size
    for shard in manifest.shards:
        for name in shard.files:
            out[f"{shard.name}/{name}"] = (set_dir / shard.name / name).stat().st_size
    return out


def check_sizes(set_dir: Path, manifest: Manifest) -> None:
    """Cheap pre-mapping check: every .npy file is as long as its header says (a truncated
    file is refused here instead of killing the process with SIGBUS when a page is read)."""
    for shard in manifest.shards:
        for name in shard.files:
            path = set_dir / shard.name / name
            if not path.is_file():
                raise CorruptShardSetError(f"{set_dir.name}/{shard.name}/{name} is missing (partial shard set)")
            if name.endswith(".npy"):
                want = _npy_bytes(path)
                got = path.stat().st_size
                if got != want:
                    raise CorruptShardSetError(
                        f"{set_dir.name}/{shard.name}/{name}: {got} bytes, its header needs {want} (file changed)"
                    )


def changed_files(shardset: ShardSet) -> list[str]:
    """Files of a loaded set whose size differs from when it was loaded (or are gone): a
    server that sees any stops mapping this set."""
    out = []
    for name, size in shardset.sizes.items():
        try:
            now = (shardset.path / name).stat().st_size
        except OSError:
            now = -1
        if now != size:
            out.append(name)
    return out


def _npy_bytes(path: Path) -> int:
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(fh)
        return fh.tell() + int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize


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
