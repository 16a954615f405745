"""Folded query text with consumption: each extractor claims the spans it understood, and
whatever nobody claimed becomes the semantic text. Folding keeps offsets, so spans map back
to the user's own spelling for labels and chips."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CONSUMED = "\x00"
# The one limit on query length (API model, pipeline and engine all read it).
MAX_QUERY_CHARS = 1000
# Format characters (zero-width space/joiners, BOM, bidi marks) are invisible: "Bo\u200bston"
# must read as "Boston", not as the place "Bo".
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_WORD = re.compile(r"[^\W_]+")
# German transliteration so "Muenchen" / "Zuerich" find "München" / "Zürich".
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character, lower-cased and stripped of accents; always one character long."""
    low = ch.lower()
    base = _COMBINING.sub("", unicodedata.normalize("NFKD", low))
    if len(base) == 1:
        return base
    return low if len(low) == 1 else ch


def normalize_query(text: str) -> str:
    """The text exactly as the parser reads it: NFKC (full-width and compatibility forms to
    their plain spelling), format characters removed, runs of whitespace as one space.
    Case is kept: the parser reads capitals ("Reading" the town, "reading" the word), so
    anything keyed by query text (the response cache) must key by this, not a lower-cased form."""
    # Format characters go first: one between a letter and its combining accent would
    # otherwise keep NFKC from composing them ("Montre\u200b\u0301al" must read "Montréal").
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return " ".join(text.split())


def fold(text: str) -> str:
    """Length-preserving fold (offsets of the result are offsets of `text`)."""
    return "".join(fold_char(ch) for ch in text)


def name_keys(name: str) -> set[str]:
    """Index keys of a place or company name: folded words joined by one space, plus the
    German transliteration variant."""
    keys = set()
    for variant in (name.lower(), name.lower().translate(_GERMAN)):
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", variant))
        key = " ".join(_WORD.findall(folded))
        if key:
            keys.add(key)
    return keys


class QueryText:
    """The user's text and its folded working copy; consumed spans are blanked."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.s = fold(original)

    def consume(self, start: int, end: int) -> None:
        self.s = self.s[:start] + CONSUMED * (end - start) + self.s[end:]

    def span(self, start: int, end: int) -> str:
        return self.original[start:end].strip(" ,;.")

    def free(self, start: int, end: int) -> bool:
        return CONSUMED not in self.s[start:end]

    def is_capitalised(self, start: int) -> bool:
        return self.original[start : start + 1].isupper()

    def words(self) -> list[tuple[int, int, str]]:
        """Unconsumed words as (start, end, folded word)."""
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.s)]

    def sub(self, pattern: re.Pattern[str], handler) -> None:  # noqa: ANN001 - callable(match) -> bool
        """Run `handler` on each match of `pattern` over the unconsumed text; consume the
        matches it accepts (returns True)."""
        for m in list(pattern.finditer(self.s)):
            if self.free(m.start(), m.end()) and handler(m):
                self.consume(m.start(), m.end())
