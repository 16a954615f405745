"""A segment: one immutable block of rows (a shard of a set, or a delta batch) with its
vectors, filter columns, vocabularies and display records, and the search over it.

`FlatIndex` searches every segment of its current view and merges their top-k exactly."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from jobsearch.corpus.table import POSTINGS_SCHEMA
from jobsearch.index import kernels
from jobsearch.index.columns import Columns, Vocab, build_columns
from jobsearch.index.int8scan import Int8Rows, bounds_from_codes, search_int8
from jobsearch.index.layout import BOUNDS, FP16_VECTORS, RECORDS, SCALES, VECTORS
from jobsearch.index.masks import MaskCache, Plan, plan
from jobsearch.rank.compact import COLUMN as COMPACT_TEXT
from jobsearch.rank.compact import with_compact_text
from jobsearch.schema import Filters

# From this many queries in one call a BLAS matmul per row block beats the fused kernel.
BLAS_FROM = 128
# Below this many rows the per-query kernel finishes a big batch (256 queries x 1,500 rows:
# milliseconds) before torch, which the BLAS path uses, has even imported (~2 s); an index
# build verifies a new set with such a batch.
BLAS_MIN_ROWS = 50_000


FP16_GATHER_MAX = 32_768  # int8 segments gather up to this many rows from their fp16 copy


class Segment:
    def __init__(
        self,
        *,
        vectors: np.ndarray,
        columns: Columns,
        vocab: Vocab,
        records: pa.Table,
        scales: np.ndarray | None = None,
        fp16: np.ndarray | None = None,
        bounds: np.ndarray | None = None,
        name: str = "",
    ) -> None:
        n = records.num_rows
        if vectors.shape[0] != n or columns.rows != n:
            raise ValueError(f"segment {name}: {vectors.shape[0]} vectors, {columns.rows} column rows, {n} records")
        self.name = name
        self.vectors = vectors.view(np.uint16) if vectors.dtype == np.float16 else vectors
        self.scales = scales
        self.fp16 = fp16  # int8 segments: the fp16 rows for the exact re-score (memory-mapped)
        self.bounds = bounds  # int8 segments: per-row quantisation error bounds (int8scan)
        if vectors.dtype == np.int8:
            if scales is None or fp16 is None:
                raise ValueError(f"segment {name}: int8 rows need their scales and fp16 rows")
            if bounds is None:
                self.bounds = bounds = bounds_from_codes(vectors, scales)
            self.int8: Int8Rows | None = Int8Rows(vectors, scales, bounds, fp16)
        else:
            self.int8 = None
        self.columns = columns
        self.vocab = vocab
        self.records_table = records
        self.job_ids = records.column("job_id")
        self.cache = MaskCache()
        self.gpu: Any = None  # a jobsearch.index.gpu.GpuScanner once placed on a device
        self._row_of: dict[str, int] | None = None
        self._lock = threading.Lock()

    @property
    def rows(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def vector_bytes(self) -> int:
        """Resident bytes of the scanned vectors (int8: codes + scales + bounds; the
        memory-mapped fp16 rows only page in for re-scored candidates)."""
        return self.int8.resident_bytes if self.int8 is not None else int(self.vectors.nbytes)

    @classmethod
    def from_arrays(cls, vectors: np.ndarray, table: pa.Table, *, dtype: str = "float16", name: str = "") -> Segment:
        columns, vocab = build_columns(table)
        vec16 = np.ascontiguousarray(vectors, dtype=np.float16)
        if dtype == "int8":
            r8 = Int8Rows.from_fp16(vec16)
            return cls(vectors=r8.codes, scales=r8.scale, fp16=vec16, bounds=r8.bounds,
                       columns=columns, vocab=vocab, records=table, name=name)
        return cls(vectors=vec16, columns=columns, vocab=vocab, records=table, name=name)

    def save(self, folder: Path) -> list[str]:
        """Write this segment's files into `folder`; returns their names."""
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        if self.vectors.dtype == np.int8:
            assert self.scales is not None and self.fp16 is not None and self.bounds is not None
            np.save(folder / VECTORS, self.vectors, allow_pickle=False)
            np.save(folder / SCALES, self.scales, allow_pickle=False)
            np.save(folder / BOUNDS, self.bounds, allow_pickle=False)
            np.save(folder / FP16_VECTORS, self.fp16, allow_pickle=False)
            names += [VECTORS, SCALES, BOUNDS, FP16_VECTORS]
        else:
            np.save(folder / VECTORS, self.vectors.view(np.float16), allow_pickle=False)
            names.append(VECTORS)
        self.columns.save(folder)
        names += Columns.file_names()
        with pa.OSFile(str(folder / RECORDS), "wb") as sink, ipc.new_file(sink, self.records_table.schema) as writer:
            writer.write_table(self.records_table)
        names.append(RECORDS)
        return names

    @classmethod
    def load(cls, folder: Path, vocab: Vocab, *, dtype: str, name: str = "") -> Segment:
        vectors = np.load(folder / VECTORS, allow_pickle=False)
        scales = fp16 = bounds = None
        if dtype == "int8":
            scales = np.load(folder / SCALES, allow_pickle=False)
            fp16 = np.load(folder / FP16_VECTORS, mmap_mode="r", allow_pickle=False)  # touched per candidate only
            # Sets written before bounds.npy get worst-case bounds in the constructor.
            bounds = np.load(folder / BOUNDS, allow_pickle=False) if (folder / BOUNDS).is_file() else None
        records = ipc.open_file(pa.memory_map(str(folder / RECORDS))).read_all()
        # Sets built before the ranker's compact text: add it now, so every segment of a
        # view (base and delta) has the same records schema.
        records = with_compact_text(records)
        return cls(vectors=vectors, scales=scales, fp16=fp16, bounds=bounds, columns=Columns.load(folder),
                   vocab=vocab, records=records, name=name)

    # --- search -----------------------------------------------------------------------

    def plan(self, filters: Filters, *, now: datetime, dead: np.ndarray | None = None) -> Plan:
        return plan(self.columns, self.vocab, filters, now=now, dead=dead, cache=self.cache)

    def to_device(self, device: str) -> None:
        """Keep this segment's fp16 rows resident on `device` ("cuda", or "cpu" for the torch
        path) and scan there; filters, ids and records stay on the host."""
        from jobsearch.index.gpu import GpuScanner

        rows = self.fp16 if self.fp16 is not None else self.vectors.view(np.float16)
        self.gpu = GpuScanner(rows, device=device)

    def topk(self, queries: np.ndarray, k: int, p: Plan) -> tuple[np.ndarray, np.ndarray]:
        """Exact (scores, rows) of each query under plan `p`; rows -1 where fewer pass."""
        if self.gpu is not None:
            return self.gpu.topk(queries, k, p)
        if self.int8 is not None and (p.rows is None or len(p.rows) > FP16_GATHER_MAX):
            return search_int8(self.int8, queries, k, mask=p.mask, rows=p.rows)
        if self.int8 is not None:
            assert self.fp16 is not None  # int8 segments always carry their fp16 rows
            # A selective filter gathers few rows: score them exactly from the fp16 copy
            # (one pass, no quantise + re-score + proof; 1% of 1M: 0.8 vs 1.4 ms). Many
            # rows: int8 reads half the bytes (10% of 1M: 8 vs 16 ms).
            return kernels.scan_topk(self.fp16, queries, k, mask=p.mask, rows=p.rows)
        if queries.shape[0] >= BLAS_FROM and self.rows >= BLAS_MIN_ROWS:
            return kernels.scan_topk_blas(self.vectors, queries, k, mask=p.mask, rows=p.rows)
        return kernels.scan_topk(self.vectors, queries, k, mask=p.mask, rows=p.rows)

    # --- lookups ------------------------------------------------------------------------

    def ids_at(self, rows: np.ndarray) -> list[str]:
        return self.job_ids.take(pa.array(rows, pa.int64())).to_pylist()

    def row_of(self, job_id: str) -> int | None:
        if self._row_of is None:
            with self._lock:
                if self._row_of is None:
                    self._row_of = {jid: i for i, jid in enumerate(self.job_ids.to_pylist())}
        return self._row_of.get(job_id)

    def rows_of(self, job_ids: list[str]) -> np.ndarray:
        """Row of each job id, -1 where absent (one dict lookup each, no Python branching)."""
        self.row_of("")  # builds the id map once
        lookup = self._row_of
        assert lookup is not None
        return np.array([lookup.get(j, -1) for j in job_ids], dtype=np.int64)

    def records_at(self, rows: list[int]) -> list[dict[str, object]]:
        return self.records_table.take(pa.array(rows, pa.int64())).to_pylist()


def records_table(rows: list[dict[str, object]] | pa.Table) -> pa.Table:
    """Posting rows (POSTINGS_SCHEMA dicts) as a table in exactly that schema, plus the
    ranker's `compact_text` (kept when the rows carry it, else computed)."""
    if isinstance(rows, pa.Table):
        kept = rows.column(COMPACT_TEXT) if COMPACT_TEXT in rows.column_names else None
        table = rows.select(POSTINGS_SCHEMA.names).cast(POSTINGS_SCHEMA)
        if kept is not None:
            return table.append_column(pa.field(COMPACT_TEXT, pa.string()), kept)
        return with_compact_text(table)
    return with_compact_text(pa.Table.from_pylist(list(rows), schema=POSTINGS_SCHEMA))
