"""Queries in German, French, Spanish, Portuguese, Italian, Dutch, Polish and Japanese: the
language's role, workplace, employment-type, pay and schedule words are rewritten in English
before parsing, so "Elektriker Stellen Hamburg unbefristet Vollzeit" parses exactly as
"electrician jobs Hamburg permanent full-time" (the same filters and an English semantic
text). Place names are left as written: the gazetteer knows them in every language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jobsearch.query.text import fold
from jobsearch.taxonomy.translations import GRAMMAR, TERMS

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Japanese pay: 年収400万円以上 (a year, 万 = 10,000), 月給25万円, 時給1200円, 日給1万円; 以上 "or more".
_JA_PAY = re.compile(r"(年収|月給|月収|時給|日給)?\s*(\d[\d,]*(?:\.\d+)?)\s*(万)?\s*円\s*(以上|から|~|〜)?")
_JA_PERIOD = {"年収": "a year", "月給": "a month", "月収": "a month", "時給": "per hour", "日給": "per day"}


_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Language:
    code: str
    words: frozenset[str]  # distinctive one-word terms (folded)
    phrases: tuple[str, ...]  # distinctive terms of several words (folded)
    everything: re.Pattern[str]
    english: dict[str, str]  # folded foreign phrase -> English


def _pattern(keys: list[str], *, bounded: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    if not bounded:  # Japanese has no spaces between words
        return re.compile(f"(?:{alternatives})")
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


@lru_cache(maxsize=1)
def languages() -> dict[str, Language]:
    out = {}
    for code, terms in TERMS.items():
        english = {fold(k): v for k, v in GRAMMAR.get(code, {}).items()}
        english.update({fold(k): v for k, v in terms.items()})
        folded = [fold(k) for k in terms]
        out[code] = Language(code, frozenset(k for k in folded if _WORDS.fullmatch(k)),
                             tuple(k for k in folded if not _WORDS.fullmatch(k)),
                             _pattern(list(english), bounded=code != "ja"), english)
    return out


def detect(text: str) -> str | None:
    """The language with the most distinctive words in `text` (None: English or unknown)."""
    if _JAPANESE.search(text):
        return "ja"
    folded = fold(text)
    words = set(_WORDS.findall(folded))
    padded = f" {' '.join(_WORDS.findall(folded))} "
    best, hits = None, (0, 0)
    for code, lang in languages().items():
        if code == "ja":
            continue
        n = sum(len(w) for w in words & lang.words) + sum(len(p) for p in lang.phrases if f" {p} " in padded)
        # A word two languages share ("ingenieur": de, fr) is settled by the rest of the
        # query in either's grammar ("stage ingénieur Bordeaux" is French).
        score = (n, sum(len(w) for w in words & grammar_words(code)) if n else 0)
        if score > hits:
            best, hits = code, score
    return best


@lru_cache(maxsize=16)
def grammar_words(code: str) -> frozenset[str]:
    return frozenset(fold(k) for k in GRAMMAR.get(code, {}) if _WORDS.fullmatch(fold(k)))


def to_english(text: str) -> tuple[str, str | None]:
    """(`text` with the detected language's words in English, the language code or None)."""
    code = detect(text)
    if code is None:
        return text, None
    lang = languages()[code]
    if code == "ja":
        text = _JA_PAY.sub(_ja_pay, text)
        names, pattern = _japanese_cities()
        text = pattern.sub(lambda m: f" {names[m.group()]} ", text)
    folded = fold(text)
    parts: list[str] = []
    pos = 0
    for m in lang.everything.finditer(folded):
        parts.append(text[pos : m.start()])
        english = lang.english[m.group()]
        if code == "ja":
            english = f" {english} " if english else " "
        parts.append(english)
        pos = m.end()
    parts.append(text[pos:])
    return " ".join("".join(parts).split()), code


def _ja_pay(m: re.Match[str]) -> str:
    amount = float(m.group(2).replace(",", "")) * (10_000 if m.group(3) else 1)
    period = _JA_PERIOD.get(m.group(1) or "", "")
    floor = "at least " if m.group(1) or m.group(4) else ""
    return f" {floor}{amount:.0f} JPY {period} "


@lru_cache(maxsize=1)
def _japanese_cities() -> tuple[dict[str, str], re.Pattern[str]]:
    """Japanese cities of 100k+ by their names in kanji/kana (the gazetteer's alternate
    names: 川崎 and 川崎市 -> Kawasaki), the most populous where two share one."""
    from jobsearch.query.gazetteer_index import place_index

    names: dict[str, tuple[int, str]] = {}
    for c in place_index().g.cities.values():
        if c.country_code != "JP" or c.population < 100_000:
            continue
        for alt in c.alternate_names:
            if len(alt) >= 2 and all(_JAPANESE.match(ch) for ch in alt) and names.get(alt, (-1, ""))[0] < c.population:
                names[alt] = (c.population, c.name)
    table = {k: v[1] for k, v in names.items()}
    return table, re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
