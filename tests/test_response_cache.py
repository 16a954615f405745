"""The response cache is correct by construction: a cached answer never differs from an
uncached parse of the same text. Queries differ in case (the parser reads capitals:
"Reading" the town, "reading" the word), spacing and Unicode form (NFKC, invisible format
characters), so any key that folds more than the parser does would show up here."""

from __future__ import annotations

import random
import unicodedata

import pytest

from jobsearch.query.text import normalize_query

BASES = (
    "teacher in Reading",
    "teacher in reading",
    "jobs in Mobile",
    "jobs in mobile",
    "nurse in Bath posted this week",
    "nurse jobs bath",
    "chef in Nice",
    "nice chef jobs",
    "software engineer in Boston, remote",
    "data analyst in Independence paying at least 60k",
    "sales manager in Victoria",
    "warehouse work in Orange",
    "accountant in London UK",
    "driver jobs Reading or Slough",
)
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def _variant(rng: random.Random, base: str) -> str:
    words = base.split(" ")
    out = []
    for w in words:
        r = rng.random()
        if r < 0.15:
            w = w.upper()
        elif r < 0.3:
            w = w.lower()
        elif r < 0.45:
            w = w[:1].swapcase() + w[1:]
        if rng.random() < 0.1 and len(w) > 2:
            cut = rng.randrange(1, len(w))
            w = w[:cut] + rng.choice(INVISIBLE) + w[cut:]
        if rng.random() < 0.1:
            w = unicodedata.normalize("NFKC", w).translate(
                {c: c + 0xFEE0 for c in range(0x21, 0x7F)}  # full-width forms
            )
        out.append(w)
    sep = lambda: rng.choice([" ", " ", " ", "  ", "\t", "\u00a0", "\u3000"])  # noqa: E731
    return rng.choice(["", " ", "\n"]) + sep().join(out) + rng.choice(["", " ", "  "])


def test_normalisation_keeps_case_and_drops_invisible_characters() -> None:
    assert normalize_query("  Bo\u200bston\u00a0 jobs ") == "Boston jobs"
    assert normalize_query("ＲＥＡＤＩＮＧ") == "READING"
    assert normalize_query("teacher in Reading") != normalize_query("teacher in reading")


def test_zero_width_space_does_not_change_the_place(pipeline) -> None:  # noqa: ANN001
    plain = pipeline.parse("nurse in Boston")
    hidden = pipeline.parse("nurse in Bo\u200bston")
    assert hidden.filters == plain.filters and plain.filters.location_ids


@pytest.mark.slow
def test_no_cached_answer_differs_from_an_uncached_parse(pipeline) -> None:  # noqa: ANN001
    rng = random.Random(20261204)
    engine = pipeline.engine
    seen_keys: set[str] = set()
    hits = 0
    for _ in range(3000):
        text = _variant(rng, rng.choice(BASES))
        answer = pipeline.search(text, k=3)
        fresh = engine.parse(text)
        hits += normalize_query(text) in seen_keys
        seen_keys.add(normalize_query(text))
        assert answer.query.text == fresh.text == normalize_query(text)
        assert answer.query.filters == fresh.filters, text
        assert answer.query.semantic_text == fresh.semantic_text, text
    # The run exercised both paths: answers from the cache and fresh ones.
    assert hits > 500 and len(seen_keys) > 500
