"""English word frequencies (the SymSpell frequency dictionary that ships in `symspellpy`,
82k words). The parser asks "is this a word of English?" before it reads a lower-case word
as a small town ("getting out in march") and before it offers a spelling correction."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DICTIONARY = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    import symspellpy

    path = Path(symspellpy.__file__).parent / DICTIONARY
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, _, count = line.partition(" ")
            counts[word] = int(count)
    return counts


def is_english(word: str) -> bool:
    return word in english_counts()


def english_count(word: str) -> int:
    return english_counts().get(word, 0)
