"""Demo dates follow the clock: a generated corpus is re-anchored by whole days since it
was generated; ingested corpora (and indexes of another corpus) keep absolute dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jobsearch.corpus.clock import ABSOLUTE, CorpusClock, corpus_clock

GENERATED = datetime(2026, 11, 1, tzinfo=UTC)


def test_shift_is_whole_days_since_generation() -> None:
    clock = CorpusClock(GENERATED)
    now = GENERATED + timedelta(days=9, hours=15)
    assert clock.shift(now) == timedelta(days=9)
    assert clock.index_time(now) == GENERATED + timedelta(hours=15)
    posted = GENERATED - timedelta(hours=30)
    assert clock.shown(posted, now) == posted + timedelta(days=9)
    # shown age == age on the corpus's own calendar: filters and the page agree
    assert now - clock.shown(posted, now) == clock.index_time(now) - posted
    assert clock.shift(GENERATED - timedelta(days=2)) == timedelta(0)  # never backwards
    assert ABSOLUTE.shift(now) == timedelta(0) and ABSOLUTE.shown(posted, now) == posted


def _corpus(folder: Path, meta: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.json").write_text(json.dumps(meta))
    (folder / "postings.parquet").write_bytes(b"not really parquet, only hashed")
    return folder


def test_generated_corpus_is_reanchored_ingested_is_not(tmp_path: Path) -> None:
    gen = _corpus(tmp_path / "gen", {"generator": "jobsearch.corpus.generate v1", "now": GENERATED.isoformat()})
    assert corpus_clock(gen) == CorpusClock(GENERATED)
    ing = _corpus(tmp_path / "ing", {"generator": None, "source": "/data/jobs.jsonl"})
    assert corpus_clock(ing) is ABSOLUTE
    assert corpus_clock(tmp_path / "missing") is ABSOLUTE
    assert corpus_clock(None) is ABSOLUTE


def test_index_of_another_corpus_keeps_absolute_dates(tmp_path: Path) -> None:
    from jobsearch.corpus.clock import _fingerprint

    gen = _corpus(tmp_path, {"generator": "jobsearch.corpus.generate v1", "now": GENERATED.isoformat()})
    fp = _fingerprint(gen, "minilm")
    assert corpus_clock(gen, index_fingerprint=fp, model_id="minilm") == CorpusClock(GENERATED)
    assert corpus_clock(gen, index_fingerprint="0" * 64, model_id="minilm") is ABSOLUTE
