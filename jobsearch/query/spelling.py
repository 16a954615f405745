"""Did you mean: words of a query that are neither English nor a known name are corrected
against the project's own vocabulary (occupation titles and skills, place names, metro and
state names) with SymSpell (`symspellpy`), so "sofware enginer in seatle" searches "software
engineer in seattle" and says so. Well-known abbreviations ("rn", "swe", "sparky") are
spelled out for the encoder; "PM" is two titles and becomes a choice. The corrected text is
parsed; the original stays one click away (`Suggestion(kind="did_you_mean")`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from symspellpy import SymSpell, Verbosity

from jobsearch.query.english import english_count, english_counts
from jobsearch.schema import Suggestion

MIN_LENGTH = 5  # shorter words have too many neighbours to correct safely
RARE_COUNT = 200_000  # an English-list word this rare may be a misspelling the list keeps
RARE_RATIO = 30  # ... when its correction is this many times as common ("tuscon" 124k, "tucson" 8.1M)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&+-]*[A-Za-z]|[A-Za-z]")
_TOKEN = re.compile(r"[a-z]+")

# Abbreviations and trade slang spelled out (lower case keys; matched as whole words).
ABBREVIATIONS: dict[str, str] = {
    "rn": "registered nurse", "rns": "registered nurses", "lpn": "licensed practical nurse",
    "cna": "certified nursing assistant", "np": "nurse practitioner", "swe": "software engineer",
    "sde": "software development engineer", "sre": "site reliability engineer", "eng": "engineer",
    "dev": "developer", "devs": "developers", "mgr": "manager", "sysadmin": "systems administrator",
    "sysadmins": "systems administrators", "sparky": "electrician", "sparkie": "electrician",
    "otr": "over-the-road", "csr": "customer service representative", "bdr": "business development representative",
    "sdr": "sales development representative", "fp&a": "FP&A financial analyst", "ml": "machine learning",
    "pharm": "pharmacy",
}
# "X tech": a technician, not technology.
_TECH_OF = re.compile(r"\b(pharm(?:acy)?|hvac|vet|lab|maintenance|surgical|medical|auto|dental|x-?ray|radiology|"
                      r"ultrasound|field|service|electronics)\s+tech(s)?\b", re.IGNORECASE)
# Ambiguous short titles: a clickable choice, the text left as written.
CHOICES: dict[str, tuple[str, ...]] = {
    "pm": ("product manager", "project manager"),
    "pms": ("product managers", "project managers"),
}


@dataclass
class Correction:
    text: str
    changed: list[tuple[str, str]] = field(default_factory=list)  # (typed, corrected) spelling fixes
    suggestions: list[Suggestion] = field(default_factory=list)


class Speller:
    def __init__(self, *, titles: dict[str, int], places: dict[str, int], known: frozenset[str],
                 rare: frozenset[str] = frozenset(), place_names: frozenset[str] = frozenset()) -> None:
        self.titles, self.places = _symspell(titles), _symspell(places)
        self.known = known
        # Known only as rare entries of the English list, which holds common misspellings
        # ("tuscon"): corrected to a far commoner place with two letters swapped (not "tiler"
        # -> Tyler, "vegans" -> Vegas: a changed or dropped letter makes another word).
        self.rare = rare
        self.place_names = place_names  # one-word names of cities of 100k+ and US states

    def correct(self, text: str, *, extra_known: frozenset[str] = frozenset()) -> Correction:
        out = Correction(text)
        out.text = _TECH_OF.sub(lambda m: f"{m.group(1)} technician{m.group(2) or ''}", out.text)
        parts: list[str] = []
        pos = 0
        for m in _WORD.finditer(out.text):
            word = m.group()
            low = word.lower()
            replacement = None
            if low in CHOICES:
                options = CHOICES[low]
                out.suggestions.append(Suggestion(
                    kind="ambiguous_title", text=f"“{word}” can mean {' or '.join(options)}; pick one.",
                    options=[{"query": _swap(text, word, o), "label": o} for o in options]))
            elif low in ABBREVIATIONS:
                replacement = ABBREVIATIONS[low]
            elif word.isalpha() and len(low) >= MIN_LENGTH and low not in extra_known \
                    and (low not in self.known or low in self.rare):
                if low in self.known:  # a rare list word: only a far commoner place, two letters swapped
                    replacement = self._closest(low, capitalised=True)
                    if replacement not in self.place_names or sorted(replacement) != sorted(low) \
                            or english_count(replacement) < RARE_RATIO * english_count(low):
                        replacement = None
                else:
                    replacement = self._closest(low, capitalised=word[:1].isupper() and not text.isupper())
                if replacement is not None:
                    if word[:1].isupper():
                        replacement = replacement.capitalize()
                    out.changed.append((word, replacement))
            parts.append(out.text[pos : m.start()])
            parts.append(replacement if replacement is not None else word)
            pos = m.end()
        parts.append(out.text[pos:])
        out.text = "".join(parts)
        if out.changed:
            out.suggestions.insert(0, Suggestion(
                kind="did_you_mean",
                text=f"Showing results for “{out.text}”. " + ", ".join(f"{a} → {b}" for a, b in out.changed),
                options=[{"query": text, "label": f"Search instead for “{text}”"}]))
        return out

    def _closest(self, word: str, *, capitalised: bool) -> str | None:
        distance = 1 if len(word) < 8 else 2
        best: tuple[int, int, str] | None = None
        for speller in ((self.places,) if capitalised else (self.titles, self.places)):
            for item in speller.lookup(word, Verbosity.TOP, max_edit_distance=distance):
                key = (item.distance, -item.count, item.term)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def _swap(text: str, word: str, new: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", new, text, count=1)


def _symspell(words: dict[str, int]) -> SymSpell:
    s = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word, count in words.items():
        s.create_dictionary_entry(word, count)
    return s


def _tokens(text: str) -> list[str]:
    from jobsearch.query.text import fold

    return [t for t in _TOKEN.findall(fold(text)) if len(t) >= MIN_LENGTH - 1]


@lru_cache(maxsize=1)
def technology_words() -> frozenset[str]:
    """Names and aliases of programming languages and formats (Pygments' lexer registry, a
    maintained list): words like "golang" or "kotlin" are no English word and no title, and
    were "corrected" to places ("golang developer" searched Goyang, Korea)."""
    from pygments.lexers import get_all_lexers

    return frozenset(w for name, aliases, _, _ in get_all_lexers() for a in (name, *aliases)
                     for w in _TOKEN.findall(a.lower()) if len(w) >= MIN_LENGTH)


@lru_cache(maxsize=1)
def speller() -> Speller:
    """The speller over the packaged vocabularies (built once per process)."""
    from jobsearch.query.gazetteer_index import place_index
    from jobsearch.query.semantic import EDGE_WORDS, FILLER_NOUNS
    from jobsearch.taxonomy.metros import METROS
    from jobsearch.taxonomy.occupations import _onet_records, occupations
    from jobsearch.taxonomy.translations import GRAMMAR, TERMS

    titles: dict[str, int] = {}
    for title, _ in _onet_records().values():  # official titles of all ~1,016 occupations
        for w in _tokens(title):
            titles[w] = titles.get(w, 0) + 1
    for occ in occupations():  # the curated ones, with posting titles and skills, weigh more
        for t in (occ.title, *occ.alternate_titles, *occ.skills):
            for w in _tokens(t):
                titles[w] = titles.get(w, 0) + 10
    g = place_index().g
    places: dict[str, int] = {}
    for c in g.cities.values():
        if c.population >= 100_000:
            for w in _tokens(c.name):
                places[w] = max(places.get(w, 0), c.population)
    for name in (*g.us_states.values(), *(c.name for c in g.countries.values()),
                 *(a for m in METROS for a in (m.name, *m.aliases))):
        for w in _tokens(name):
            places[w] = max(places.get(w, 0), 1_000_000)
    known = set(english_counts()) | set(titles) | set(places) | FILLER_NOUNS | EDGE_WORDS | technology_words()
    known |= set(place_index().cities)  # every gazetteer name, even small towns
    vocabulary = set(titles) | set(places) | set(place_index().cities) | FILLER_NOUNS | EDGE_WORDS
    for table in (*TERMS.values(), *GRAMMAR.values()):
        for phrase in table:
            words = _TOKEN.findall(phrase.lower())
            known.update(words)
            vocabulary.update(words)
    rare = frozenset(w for w, n in english_counts().items() if n < RARE_COUNT and w not in vocabulary)
    names = {c.name.lower() for c in g.cities.values() if c.population >= 100_000} | {n.lower() for n in g.us_states.values()}
    return Speller(titles=titles, places=places, known=frozenset(known), rare=rare,
                   place_names=frozenset(n for n in names if n.isalpha()))
