"""Writing shard sets: from a corpus folder (encode every posting, cached) or from arrays
(tests, benchmarks, compaction). A set is written under a temporary name, renamed into
place, verified, and only then activated, so readers never see a partial set."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from jobsearch.errors import InvalidPostingError
from jobsearch.index.layout import (
    DTYPES,
    SET_PREFIX,
    TMP_PREFIX,
    VOCAB,
    Manifest,
    ShardInfo,
    building,
    make_read_only,
    point_to,
    root_lock,
    sha256_file,
)
from jobsearch.index.segment import Segment, records_table
from jobsearch.index.shardset import load_set
from jobsearch.stages import Encoder


def _fingerprint(vectors: np.ndarray, table: pa.Table) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(vectors).tobytes())
    for jid in table.column("job_id").to_pylist():
        h.update(str(jid).encode() + b"\0")
    return h.hexdigest()


# `dtype="auto"` stores int8 rows from this many rows on, when an int8 scan measures faster
# than fp16 on this CPU (`autotune`): below it an fp16 scan is already sub-millisecond to a few ms and the int8
# re-score's fixed cost (query quantisation, candidate re-score) is not repaid.
AUTO_INT8_FROM = 200_000


def resolve_dtype(dtype: str, rows: int, dim: int) -> str:
    """The storage dtype for a set: `float16`, `int8`, or `auto` (int8 for large sets on a
    CPU where the int8 scan measures faster, else float16)."""
    if dtype == "auto":
        if rows < AUTO_INT8_FROM:
            return "float16"
        from jobsearch.index.autotune import int8_is_faster

        return "int8" if int8_is_faster(dim) else "float16"
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES} or 'auto', got {dtype!r}")
    return dtype


def _check_inputs(vectors: np.ndarray, table: pa.Table, shards: int) -> None:
    if vectors.ndim != 2 or vectors.shape[1] == 0:
        raise ValueError(f"vectors must be a 2-d (rows, dim) array, got shape {vectors.shape}")
    if vectors.shape[0] != table.num_rows:
        raise ValueError(f"{vectors.shape[0]} vectors for {table.num_rows} postings")
    if shards < 1:
        raise ValueError(f"shards must be >= 1, got {shards}")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors contain NaN or infinity")
    if np.abs(vectors).max(initial=0.0) > 65504:
        raise ValueError("vectors exceed the float16 range")
    ids = table.column("job_id")
    if ids.null_count:
        raise InvalidPostingError("some postings have no job_id")
    if len(set(ids.to_pylist())) != table.num_rows:
        import collections

        dup = [j for j, c in collections.Counter(ids.to_pylist()).items() if c > 1][:3]
        raise InvalidPostingError(f"duplicate job_id(s) {dup}: job ids must be unique in an index")


def new_version(fingerprint: str) -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + fingerprint[:8]


def build_from_arrays(
    out_dir: Path,
    vectors: np.ndarray,
    table: pa.Table | list[dict[str, object]],
    *,
    model_id: str,
    shards: int = 1,
    dtype: str = "float16",
    corpus_fingerprint: str | None = None,
    activate: bool = True,
    verify: bool = True,
    encoder: Encoder | None = None,
    members_file: Path | None = None,
    source_rows: int | None = None,
) -> Path:
    """Write a new shard set under the index root `out_dir` from unit vectors and posting
    rows (POSTINGS_SCHEMA), verify it, activate it (unless told not to); return its dir.
    `dtype`: float16, int8 (exact int8 scan + fp16 re-score) or auto (`resolve_dtype`).
    `encoder` (of `model_id`): verification re-encodes a random sample of postings.
    Beside the shards: the catalog (companies, `members_file` reference), pay statistics
    (`jobsearch.index.sidecar`) and the attributes mined per occupation and place
    (`jobsearch.index.attributes`), all verified with the set. `source_rows`: the rows of
    the corpus when `table` is only its first part (a partial set, see `build_index`)."""
    out_dir = Path(out_dir)
    table = records_table(table)
    vectors = np.asarray(vectors)
    _check_inputs(vectors, table, shards)
    dtype = resolve_dtype(dtype, table.num_rows, int(vectors.shape[1]))
    fingerprint = corpus_fingerprint or _fingerprint(vectors, table)
    version = new_version(fingerprint)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f"{TMP_PREFIX}{version}"
    final = out_dir / f"{SET_PREFIX}{version}"
    # gc leaves this build's folders alone until it is published and activated.
    with building(out_dir, version):
        try:
            tmp.mkdir()
            _write_set(tmp, vectors, table, version=version, model_id=model_id, shards=shards,
                       dtype=dtype, fingerprint=fingerprint, members_file=members_file,
                       source_rows=source_rows)
            make_read_only(tmp)
            with root_lock(out_dir):
                tmp.rename(final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if verify:
            load_set(final, verify=True, encoder=encoder)
        if activate:
            point_to(out_dir, final)
    return final


def _write_set(
    tmp: Path, vectors: np.ndarray, table: pa.Table, *, version: str, model_id: str, shards: int,
    dtype: str, fingerprint: str, members_file: Path | None = None, source_rows: int | None = None,
) -> None:
    from jobsearch.errors import StorageFullError
    from jobsearch.index.attributes import write_attributes
    from jobsearch.index.sidecar import write_sidecars

    try:
        seg_all = Segment.from_arrays(vectors, table, dtype=dtype)
        vocab_file = tmp / VOCAB
        vocab_file.write_text(json.dumps(seg_all.vocab.to_json()))
        infos = []
        bounds = np.linspace(0, table.num_rows, shards + 1).astype(int)
        for s in range(shards):
            lo, hi = int(bounds[s]), int(bounds[s + 1])
            name = f"shard-{s:03d}"
            part = _slice(seg_all, lo, hi)
            files = part.save(tmp / name)
            infos.append(ShardInfo(name=name, rows=hi - lo, files={f: sha256_file(tmp / name / f) for f in files}))
        manifest = Manifest(
            format_version=1, set_version=version, model_id=model_id, dim=int(vectors.shape[1]),
            dtype=dtype, rows=table.num_rows, shards=infos, created=datetime.now(UTC).isoformat(),
            corpus_fingerprint=fingerprint,
            files={VOCAB: sha256_file(vocab_file), **write_sidecars(tmp, table, members_file=members_file),
                   **write_attributes(tmp, vectors, table)},  # refinements (jobsearch.refine)
            source_rows=source_rows if source_rows is not None and source_rows > table.num_rows else None,
        )
        manifest.write(tmp)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFullError(f"no space left on the disk of the index to write shard set {version}") from exc
        raise


def _slice(whole: Segment, lo: int, hi: int) -> Segment:
    """Rows [lo, hi) of a segment as a shard; shards share the set's vocabulary."""
    from dataclasses import fields

    wc = whole.columns
    off = wc.loc_offsets[lo : hi + 1]
    cols = {f.name: getattr(wc, f.name)[lo:hi] for f in fields(wc) if not f.name.startswith("loc_")}
    columns = type(wc)(loc_offsets=off - off[0], loc_codes=wc.loc_codes[off[0] : off[-1]], **cols)
    return Segment(
        vectors=whole.vectors[lo:hi],
        scales=None if whole.scales is None else whole.scales[lo:hi],
        fp16=None if whole.fp16 is None else whole.fp16[lo:hi],
        bounds=None if whole.bounds is None else whole.bounds[lo:hi],
        columns=columns,
        vocab=whole.vocab,
        records=whole.records_table.slice(lo, hi - lo),
    )


def build_index(
    corpus_dir: Path,
    out_dir: Path,
    encoder: Encoder,
    *,
    shards: int = 1,
    dtype: str = "float16",
    progress: bool = True,
    limit: int | None = None,
) -> Path:
    """Encode every posting of a corpus (through the embedding cache, so a rebuild of the
    same corpus does not re-encode) and write, verify and activate a new shard set.

    `limit`: only the first `limit` postings, recorded as a partial set (`source_rows`) so
    searches can say how much of the corpus they cover; the full build that follows reuses
    their vectors from the cache."""
    from jobsearch.metrics import INDEX_BUILD_DURATION

    started = time.perf_counter()
    try:
        set_dir = _build_index(Path(corpus_dir), Path(out_dir), encoder, shards=shards, dtype=dtype, progress=progress,
                               limit=limit)
    except BaseException:
        INDEX_BUILD_DURATION.labels(outcome="failure").observe(time.perf_counter() - started)
        raise
    INDEX_BUILD_DURATION.labels(outcome="success").observe(time.perf_counter() - started)
    return set_dir


def _build_index(corpus_dir: Path, out_dir: Path, encoder: Encoder, *, shards: int, dtype: str, progress: bool,
                 limit: int | None) -> Path:
    from jobsearch.corpus.table import MEMBERS_FILE, POSTINGS_FILE, read_postings
    from jobsearch.encode.cache import CachedEncoder
    from jobsearch.encode.text import posting_text
    from jobsearch.home import cache_dir

    table = read_postings(Path(corpus_dir))
    source_rows = table.num_rows
    if limit is not None and limit < source_rows:
        table = table.slice(0, max(limit, 1))
    texts = [posting_text(row) for row in table.to_pylist()]
    cached = CachedEncoder(encoder, cache_dir())
    # The cache batches, shows its own progress bar and encodes only texts it has not seen.
    vectors = np.asarray(cached.encode(texts, progress=progress), dtype=np.float32).reshape(len(texts), encoder.dim)
    fingerprint = hashlib.sha256(
        (sha256_file(Path(corpus_dir) / POSTINGS_FILE) + encoder.model_id
         + (f"/first-{table.num_rows}" if table.num_rows < source_rows else "")).encode()
    ).hexdigest()
    return build_from_arrays(
        out_dir, vectors, table, model_id=encoder.model_id, shards=shards, dtype=dtype,
        corpus_fingerprint=fingerprint, encoder=encoder,  # the raw encoder: the cache would echo itself
        members_file=Path(corpus_dir) / MEMBERS_FILE, source_rows=source_rows,
    )
