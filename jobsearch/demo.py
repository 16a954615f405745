"""`jobsearch demo`'s preparation: a corpus, the encoder, and an index that answers searches
within seconds of the first run. When more than `FIRST_ROWS * 2` postings need encoding, the
first `FIRST_ROWS` become a partial shard set (it says so: `SearchResponse.searchable`), the
server starts, and the rest encode in a background thread whose full set replaces the partial
one through ACTIVE (the server follows it). Each phase's time goes to the log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

FIRST_ROWS = 1000
"""Postings searchable before the server starts (~5-10 s of encoding on 2 cores)."""


class Phases:
    """Prints `[  12.3 s] <what> (took 4.5 s)` lines: time since start, and per phase."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.start = time.perf_counter()

    def done(self, what: str, since: float) -> None:
        now = time.perf_counter()
        self.echo(f"[{now - self.start:6.1f} s] {what} (took {now - since:.1f} s)")


def _minutes(seconds: float) -> str:
    return f"about {max(1, round(seconds / 60))} minute{'s' if round(seconds / 60) > 1 else ''}" \
        if seconds >= 90 else f"about {max(5, round(seconds / 5) * 5)} seconds"


def _active_source_rows(index: Path) -> tuple[bool, int | None]:
    """(an index is active, the active set's source_rows: None when it is whole)."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.layout import Manifest, active_set

    if not (index / "ACTIVE").exists():
        return False, None
    try:
        return True, Manifest.read(active_set(index)).source_rows
    except (JobSearchError, OSError):
        return False, None  # unreadable: build afresh


def prepare(corpus: Path, index: Path, *, jobs: int, seed: int, rebuild: bool,
            echo: Callable[[str], None], first_rows: int = FIRST_ROWS) -> threading.Thread | None:
    """Make `corpus` and a searchable `index`; return the thread still filling the index in
    (None when the index is already whole)."""
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.build import build_index

    phases = Phases(echo)
    if rebuild or not (corpus / "postings.parquet").exists():
        t = time.perf_counter()
        echo(f"generating {jobs:,} postings (seed {seed}) into {corpus}")
        generate_corpus(corpus, n_jobs=jobs, seed=seed)
        phases.done("corpus generated", t)
    active, source_rows = _active_source_rows(index)
    if active and source_rows is None and not rebuild:
        return None
    t = time.perf_counter()
    encoder = default_encoder()  # exports the ONNX encoder on first use (~30 s)
    phases.done("encoder ready", t)
    total = read_postings(corpus).num_rows
    if total <= 2 * first_rows:
        t = time.perf_counter()
        echo(f"building the index of {total:,} postings into {index}")
        build_index(corpus, index, encoder)
        phases.done(f"index built: all {total:,} postings searchable", t)
        return None
    if rebuild or not active:
        t = time.perf_counter()
        echo(f"encoding the first {first_rows:,} of {total:,} postings, so searches can start")
        build_index(corpus, index, encoder, limit=first_rows, progress=False)
        rate = first_rows / (time.perf_counter() - t)
        phases.done(f"first {first_rows:,} postings searchable", t)
        rest = total - first_rows
    else:  # a partial set from an interrupted run: its vectors are in the cache
        rate, rest = 0.0, total - (source_rows or 0)
    estimate = f", {_minutes(rest / rate)} at {rate:.0f} postings/s" if rate else ""
    echo(f"the other {rest:,} postings encode in the background{estimate}; until then each search "
         "says how much of the corpus it covered")

    def fill_in() -> None:
        started = time.perf_counter()
        try:
            build_index(corpus, index, encoder, progress=False)
        except Exception as exc:  # noqa: BLE001 - the server keeps the partial set; say why
            echo(f"filling in the index failed ({exc}); still serving the partial index; "
                 "run `jobsearch demo` again to resume (encoded postings are cached)")
            return
        phases.done(f"index complete: all {total:,} postings searchable", started)

    thread = threading.Thread(target=fill_in, name="demo-fill-in", daemon=True)
    thread.start()
    return thread
