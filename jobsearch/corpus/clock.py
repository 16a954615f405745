"""Demo dates that follow the clock. A generated corpus is a snapshot of a job board on the
day it was generated ("now" in corpus.json); served weeks later, "posted in the last 3 days"
would find nothing. So a generated corpus's dates are read relative to its generation day
and moved forward, at serve time, by the whole days since. Ingested postings (a file of
real postings) keep their absolute dates, untouched.

The pipeline evaluates time filters at `index_time(now)` (the same instant on the corpus's
own calendar) and shows `shown(posted_at, now)`; both move by the same whole days, so every
date the page shows is consistent with the filters, and the index's day-bucketed mask
cache keeps working."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GENERATOR_PREFIX = "jobsearch.corpus.generate"
CORPUS_META = "corpus.json"


@dataclass(frozen=True)
class CorpusClock:
    """`anchor`: when a generated corpus was generated; None for absolute dates."""

    anchor: datetime | None = None

    def shift(self, now: datetime) -> timedelta:
        if self.anchor is None:
            return timedelta(0)
        return timedelta(days=max(0, (now - self.anchor).days))

    def index_time(self, now: datetime) -> datetime:
        """`now` on the corpus's own calendar: what time filters are evaluated at."""
        return now - self.shift(now)

    def shown(self, posted_at: datetime, now: datetime) -> datetime:
        """A stored posting date as the clock of `now` shows it."""
        return posted_at + self.shift(now)


ABSOLUTE = CorpusClock()


def corpus_clock(corpus_dir: Path | None, *, index_fingerprint: str | None = None, model_id: str = "") -> CorpusClock:
    """The clock of a served corpus: re-anchored when `corpus_dir` holds a generated corpus
    and (when `index_fingerprint` is given) the served index was built from that very
    corpus; absolute otherwise (ingested postings, or an index of another corpus)."""
    if corpus_dir is None:
        return ABSOLUTE
    meta_path = Path(corpus_dir) / CORPUS_META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ABSOLUTE
    if not str(meta.get("generator") or "").startswith(GENERATOR_PREFIX) or not meta.get("now"):
        return ABSOLUTE
    if index_fingerprint is not None and index_fingerprint != _fingerprint(Path(corpus_dir), model_id):
        return ABSOLUTE
    anchor = datetime.fromisoformat(meta["now"])
    return CorpusClock(anchor if anchor.tzinfo else anchor.replace(tzinfo=UTC))


def _fingerprint(corpus_dir: Path, model_id: str) -> str | None:
    """As `jobsearch index build` fingerprints the corpus it indexes."""
    from jobsearch.corpus.table import POSTINGS_FILE

    try:
        with (corpus_dir / POSTINGS_FILE).open("rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
    return hashlib.sha256((digest + model_id).encode()).hexdigest()
