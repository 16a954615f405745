"""The response cache is correct by construction: a cached answer never differs from an
uncached parse of the same text. Queries differ in case (the parser reads capitals:
"Reading" the town, "reading" the word), spacing, punctuation, typos, amounts, languages
and Unicode form (NFKC, NFD accents, invisible format characters, full-width and
compatibility forms), so any key that folds more than the parser does would show up here.

The generator draws each query as a *spelling* (what changes the text the parser reads:
case, typos, punctuation, amounts) in a *disguise* (what normalisation removes: invisible
characters, full-width and compatibility forms, decomposed accents, odd whitespace).
Spellings come from a bounded pool per base query, so 10,000 queries hit the cache far
more often than they miss it and the run stays cheap (about a thousand real searches)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from jobsearch.errors import BadQueryError
from jobsearch.query.text import normalize_query

BASES = (
    # Capitals that name places (and their lower-case words that do not).
    "teacher in Reading",
    "teacher in reading",
    "jobs in Mobile",
    "jobs in mobile",
    "nurse in Bath posted this week",
    "nurse jobs bath",
    "chef in Nice",
    "nice chef jobs",
    "sales manager in Victoria",
    "warehouse work in Orange",
    "driver jobs Reading or Slough",
    "accountant in London UK",
    "software engineer in Boston, remote",
    "data engineer in Silicon Valley or Seattle, mostly remote",
    # Amounts and pay.
    "data analyst in Independence paying at least 60k",
    "python developer in Berlin, at least 70,000 EUR a year",
    "nurse in Toronto paying $45 an hour",
    "product manager in New York above median pay",
    "accountant jobs, 120k USD+, not from staffing agencies",
    "teacher in Paris paying at least -50000",
    "warehouse jobs paying \u221230000",
    # Other languages, diacritics and transliterations.
    "Krankenpfleger in München, mindestens 60.000 €",
    "Softwareentwickler in Zürich, remote",
    "Softwareentwickler in Zuerich, remote",
    "enfermera en Madrid",
    "développeur à Montréal, télétravail",
    "ingénieur logiciel à Paris",
    "software engineer in São Paulo 120k",
    "data scientist in Kraków or Łódź",
    "marketing manager in Malmö",
    # Recency, workplace, company type, the member graph.
    "devops engineer, hybrid, posted recently",
    "senior UX designer in Seattle posted in the last 24 hours",
    "entry level sales representative, full time, on site",
    "mechanical engineer jobs where I have a connection",
    "remote data scientist jobs at companies where I know someone",
)
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u2066")
SPACES = (" ", " ", " ", "  ", "\t", "\u00a0", "\u3000", "\u2009", "\u202f")
# Compatibility forms NFKC maps back to the plain letters (ligatures, Kelvin sign, ...).
COMPAT = {"fi": "\ufb01", "fl": "\ufb02", "K": "\u212a", "2": "\u00b2", "1": "\u00b9", "0": "\u2070"}
SPELLINGS_PER_BASE = 16
SEED = 20261204


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # drop one
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # double one


def spelling(rng: random.Random, base: str) -> str:
    """A variant that changes the text the parser reads: case, typos, punctuation."""
    out = []
    for w in base.split(" "):
        r = rng.random()
        if r < 0.12:
            w = w.upper()
        elif r < 0.24:
            w = w.lower()
        elif r < 0.36:
            w = w[:1].swapcase() + w[1:]
        elif r < 0.42:
            w = w.title()
        if rng.random() < 0.06:
            w = _typo(rng, w)
        if rng.random() < 0.05:
            w += rng.choice([",", ";", " -", " /"])
        out.append(w)
    return " ".join(out) + rng.choice(["", "", "", "?", "!", ".", " please"])


def disguise(rng: random.Random, text: str) -> str:
    """The same text as the parser reads it, written differently: invisible characters,
    full-width or compatibility forms, decomposed accents, any whitespace."""
    words = []
    for w in text.split(" "):
        r = rng.random()
        if r < 0.1:
            w = w.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # full-width forms
        elif r < 0.2:
            w = unicodedata.normalize("NFD", w)  # accents as combining marks
        elif r < 0.25:
            for plain, compat in COMPAT.items():
                w = w.replace(plain, compat)
        if rng.random() < 0.1 and len(w) > 2:
            cut = rng.randrange(1, len(w))
            w = w[:cut] + rng.choice(INVISIBLE) + w[cut:]
        words.append(w)
    out = "".join(w + rng.choice(SPACES) for w in words[:-1]) + words[-1]
    out = rng.choice(["", " ", "\n", "\u200b"]) + out + rng.choice(["", " ", "  ", "\ufeff"])
    assert normalize_query(out) == normalize_query(text), (text, out)
    return out


def random_queries(rng: random.Random, n: int, members: list[str]) -> list[tuple[str, str | None]]:
    """`n` (text, member_id) pairs: a bounded pool of spellings per base, each drawn in a
    fresh disguise; about one in ten personalised."""
    pool = [base for base in BASES] + [spelling(rng, base) for base in BASES for _ in range(SPELLINGS_PER_BASE - 1)]
    queries = []
    for _ in range(n):
        member = rng.choice(members) if members and rng.random() < 0.1 else None
        queries.append((disguise(rng, rng.choice(pool)), member))
    return queries


def test_normalisation_keeps_case_and_drops_invisible_characters() -> None:
    assert normalize_query("  Bo\u200bston\u00a0 jobs ") == "Boston jobs"
    assert normalize_query("ＲＥＡＤＩＮＧ") == "READING"
    assert normalize_query("Zu\u0308rich \ufb01nance Montre\u200b\u0301al") == "Zürich finance Montréal"
    assert normalize_query("teacher in Reading") != normalize_query("teacher in reading")


def test_zero_width_space_does_not_change_the_place(pipeline) -> None:  # noqa: ANN001
    plain = pipeline.parse("nurse in Boston")
    hidden = pipeline.parse("nurse in Bo\u200bston")
    assert hidden.filters == plain.filters and plain.filters.location_ids


def test_the_disguises_reach_the_parser_unchanged(pipeline) -> None:  # noqa: ANN001
    """What normalisation removes never changes a parse (the premise of keying by it)."""
    rng = random.Random(SEED + 1)
    for base in BASES:
        try:
            plain = pipeline.engine.parse(base)
        except BadQueryError:
            continue
        for _ in range(5):
            assert pipeline.engine.parse(disguise(rng, base)) == plain, base


@pytest.mark.slow
def test_no_cached_answer_differs_from_an_uncached_parse(pipeline) -> None:  # noqa: ANN001
    """10,000 queries through the real search path and its cache: every answer's filters
    and semantic text equal a fresh parse of the query's own text (issue 18's target)."""
    engine = pipeline.engine
    members = sorted(pipeline.members)[:4]
    queries = random_queries(random.Random(SEED), 10_000, members)
    seen: set[tuple[str, str | None]] = set()
    hits = refused = 0
    for text, member in queries:
        key = (normalize_query(text), member)
        hits += key in seen
        seen.add(key)
        try:
            fresh = engine.parse(text, member)
        except BadQueryError:
            refused += 1
            with pytest.raises(BadQueryError):  # refused alike, cached or not
                pipeline.search(text, member_id=member, k=3)
            continue
        answer = pipeline.search(text, member_id=member, k=3)
        assert answer.query.text == fresh.text == normalize_query(text), text
        assert answer.query.filters == fresh.filters, text
        assert answer.query.semantic_text == fresh.semantic_text, text
    # The run exercised both paths (answers from the cache and fresh ones) and refusals.
    assert hits > 5000 and len(seen) > 500 and refused > 100, (hits, len(seen), refused)
