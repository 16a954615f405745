"""Companies by name ("at Stripe", "not Amazon", "excluding Acme Staffing, Initech") and by
type ("not from staffing agencies", "no recruiters", "direct hire only"). Names match
case-, accent- and punctuation-insensitively, with or without a legal suffix ("Inc", "GmbH");
a misspelt one is corrected with a did-you-mean ("at Contosso" -> Contoso). A well-known
employer the index has no postings from ("jobs at Google", "anything but Amazon") is reported,
never dropped: asked for, it is a filter nothing passes (an honest empty answer, its chip
removable); left out, there is nothing to leave out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from symspellpy import SymSpell, Verbosity

from jobsearch.query.draft import Draft
from jobsearch.query.english import english_count
from jobsearch.query.gazetteer_index import place_index
from jobsearch.query.text import QueryText, name_keys
from jobsearch.query.vocab import GUARD
from jobsearch.schema import Company, Suggestion
from jobsearch.taxonomy.known_employers import AMBIGUOUS, KNOWN_EMPLOYERS

FIRST_WORD_MAX_COUNT = 5_000_000  # English-word frequency above which a first word is a word ("general")
UNKNOWN_PREFIX = "unknown:"  # company_ids value of an employer the index has no postings from

LEGAL_SUFFIXES = frozenset(
    ["inc", "incorporated", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company", "plc", "ag", "sa", "se", "bv", "nv", "srl", "spa", "pty", "oy", "ab", "as", "kg", "lp", "llp", "sarl", "sas", "ug", "kk"]
)
# "no travel agencies" (nursing): travel-nurse staffing firms.
_AGENCY = r"(?:staffing|recruiting|recruitment|sourcing|temp|employment|placement|headhunting|talent|travel|nurse|nursing)"
STAFFING = re.compile(
    r"\b(?:not|no|without|excluding|exclude|except|avoid|skip|ignore|never)\s+(?:(?:from|via|through|by|with)\s+)?"
    r"(?:any\s+)?(?:third[\s-]party\s+)?"
    rf"(?:{_AGENCY}(?:\s*(?:/|,|or|and|&)\s*{_AGENCY})*\s+(?:agenc(?:y|ies)|firms?|companies|company|agents?|shops?)"
    r"|recruiters?|headhunters?|agenc(?:y|ies)|staffing|middlemen)\b"
    r"|\bdirect[\s-](?:hires?|employers?|applications?|only)(?:\s+only)?\b|\bonly\s+direct\s+(?:hires?|employers?)\b"
    r"|\b(?:hiring|employers?)\s+directly\b"
)
INCLUDE = re.compile(r"\b(?:at|for|with|from|by|inside)\s+$")
EXCLUDE = re.compile(
    r"\b(?:not\s+(?:at|from|with|for)|not|no|excluding|exclude|except(?:\s+for)?|other\s+than|but\s+not|"
    r"avoid|avoiding|without|anything\s+but|never|nothing\s+(?:at|from))\s+$"
)
_DOMAIN = re.compile(r"\.(?:com|io|ai|net|org|co)\b", re.IGNORECASE)
_LIST_GAP = re.compile(r"[\s\x00]*(?:,|/|&)?\s*(?:or|and|nor)?\s*")


def company_key(name: str) -> str:
    """Folded words of a name without trailing legal suffixes or a leading "the"."""
    words = [w for w in min(name_keys(name), key=len, default="").split() if w != "and"]
    while len(words) > 2 and len(words[-1]) == 1 and len(words[-2]) == 1:  # "S.A." -> "sa"
        words[-2:] = [words[-2] + words[-1]]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


class CompanyMatcher:
    def __init__(self, companies: Sequence[Company]) -> None:
        self.by_key: dict[str, list[Company]] = {}
        for c in companies:
            # "Amazon.com Inc" is also "Amazon"
            for key in {company_key(c.name), company_key(_DOMAIN.sub("", c.name))}:
                if key:
                    self.by_key.setdefault(key, []).append(c)
        self.max_words = max((len(k.split()) for k in self.by_key), default=0)
        self.words = frozenset(w for key in self.by_key for w in key.split())  # never "corrected"
        self.known: dict[str, str] = {}
        # Well-known employers the index has postings from: named without a cue ("siemens
        # engineering jobs", "amazon warehouse jobs") they are asked for, as absent ones are.
        self.famous: dict[str, str] = {}
        ix = place_index()
        for name in KNOWN_EMPLOYERS:
            key = company_key(name)
            # A place name stays a place ("Randstad" is the Dutch metro before the agency).
            if key and key not in ix.metros and key not in ix.countries:
                (self.famous if key in self.by_key else self.known)[key] = name
        self.known_words = max((len(k.split()) for k in (*self.known, *self.famous)), default=0)
        # "at kaiser" (Kaiser Permanente): after a cue, the first word of one company's longer
        # name, when no other company starts with it and it is not a common English word.
        starts: dict[str, set[str]] = {}
        for key, found in self.by_key.items():
            first = key.split()[0]
            starts.setdefault(first, set()).update(c.id for c in found)
        self.by_first: dict[str, list[Company]] = {}
        for key, found in self.by_key.items():
            words = key.split()
            if len(words) > 1 and len(starts[words[0]]) == 1 and len(words[0]) >= 4 and words[0] not in self.by_key \
                    and english_count(words[0]) < FIRST_WORD_MAX_COUNT and words[0] not in GUARD:
                self.by_first[words[0]] = found
        # Did-you-mean over the index's own names (whole keys, two edits at most).
        self.speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for key in self.by_key:
            if len(key) >= 5:
                self.speller.create_dictionary_entry(key, len(self.by_key[key]))

    def extract(self, q: QueryText, draft: Draft) -> None:
        if not self.by_key:
            return  # no index to speak for (offline `jobsearch parse`): names stay meaning
        toks = q.words()
        i, mode, last_end = 0, None, -1
        while i < len(toks):
            before = q.s[max(0, toks[i][0] - 30) : toks[i][0]]
            m_ex, m_in = EXCLUDE.search(before), INCLUDE.search(before)
            if m_ex or m_in:
                mode = "exclude" if m_ex else "include"
                start = toks[i][0] - len((m_ex or m_in).group())  # type: ignore[union-attr]
            elif mode and _LIST_GAP.fullmatch(q.s[last_end : toks[i][0]]):
                if toks[i][2] in ("or", "and", "nor"):
                    i += 1
                    continue
                start = last_end
            else:
                mode = None
                i += 1
                continue
            hit = self._longest(q, toks, i) or self._misspelt(q, toks, i, draft)
            if hit is None and toks[i][2] in self.by_first:
                hit = 1, self.by_first[toks[i][2]]
            if hit is None:
                unknown = self._known(q, toks, i, cued=True) or self._capitalised(q, toks, i)
                if unknown is not None:
                    n, name = unknown
                    end = toks[i + n - 1][1]
                    self._report(q, draft, name, include=mode == "include", span=q.span(toks[i][0], end))
                    q.consume(start, end)
                    last_end = end
                    i += n
                    continue
                mode = None
                i += 1
                continue
            n, found = hit
            end = toks[i + n - 1][1]
            while i + n < len(toks) and toks[i + n][2] in LEGAL_SUFFIXES:  # "Acme Staffing Inc."
                end = toks[i + n][1]
                n += 1
            span = q.span(toks[i][0], end)
            ids = [c.id for c in found]
            name = found[0].name
            if mode == "include":
                draft.add_values("company_ids", ids, label=f"At {name}", span=span)
            else:
                draft.add_values("exclude_company_ids", ids, label=f"Not at {name}", span=span)
            q.consume(start, end)
            last_end = end
            i += n

        self._bare_known(q, draft)

    def _bare_known(self, q: QueryText, draft: Draft) -> None:
        """A well-known employer named without a cue ("Tesla gigafactory austin"): asked for."""
        toks = q.words()
        i = 0
        while i < len(toks):
            hit = self._known(q, toks, i, cued=False)
            if hit is None:
                i += 1
                continue
            n, name = hit
            span = q.span(toks[i][0], toks[i + n - 1][1])
            key = company_key(name)
            if key in self.famous:
                found = self.by_key[key]
                draft.add_values("company_ids", [c.id for c in found], label=f"At {found[0].name}", span=span)
            else:
                self._report(q, draft, name, include=True, span=span)
            q.consume(toks[i][0], toks[i + n - 1][1])
            i += n

    def _known(self, q: QueryText, toks: list, i: int, *, cued: bool) -> tuple[int, str] | None:
        for n in range(min(self.known_words, len(toks) - i), 0, -1):
            words = toks[i : i + n]
            if any(not re.fullmatch(r"[\s.,'’&-]*", q.s[a[1] : b[0]]) for a, b in zip(words, words[1:], strict=False)):
                continue
            key = company_key(" ".join(w[2] for w in words))
            if key not in self.known and (cued or key not in self.famous):
                continue
            raw = q.original[words[0][0] : words[-1][1]]
            if not cued:
                shouted = q.original.isupper()
                capital = raw[:1].isupper() and not shouted
                if key in AMBIGUOUS and not capital:
                    return None
                if key in AMBIGUOUS and words[0][0] == 0 and not any(c.isupper() for c in raw[1:]):
                    return None  # "Target ..." opening a sentence: likely the word
            return n, self.known.get(key) or self.famous[key]
        return None

    def _capitalised(self, q: QueryText, toks: list, i: int) -> tuple[int, str] | None:
        """A capitalised name after a company cue that is neither a place nor a role word
        ("jobs at Zorblax"): an employer this index does not know."""
        if q.original.istitle() or q.original.isupper():
            return None
        n = 0
        while i + n < len(toks) and n < 3 and q.is_capitalised(toks[i + n][0]) and toks[i + n][2] not in GUARD \
                and toks[i + n][2].isalpha():  # "inside IR35" is a tax status
            n += 1
        if n == 0:
            return None
        key = " ".join(t[2] for t in toks[i : i + n])
        ix = place_index()
        if key.split()[0] in ix.cities or key in ix.countries or key in ix.states or key in ix.metros:
            return None
        return n, q.original[toks[i][0] : toks[i + n - 1][1]]

    def _misspelt(self, q: QueryText, toks: list, i: int, draft: Draft) -> tuple[int, list[Company]] | None:
        """"at Contosso": the index's closest company name within two edits, with a did-you-mean.
        Only a capitalised name is taken for a misspelt one ("at a small clinic" is not)."""
        if not q.is_capitalised(toks[i][0]) or q.original.isupper() or q.original.istitle():
            return None
        for n in range(min(self.max_words, 3, len(toks) - i), 0, -1):
            words = toks[i : i + n]
            key = company_key(" ".join(w[2] for w in words))
            if len(key) < 5:
                continue
            found = self.speller.lookup(key, Verbosity.TOP, max_edit_distance=1 if len(key) < 8 else 2)
            if found and found[0].distance > 0:
                company = self.by_key[found[0].term][0]
                typed = q.original[words[0][0] : words[-1][1]]
                draft.suggestions.append(Suggestion(
                    kind="did_you_mean", text=f"Showing {company.name} for “{typed}”.",
                    options=[{"company_id": company.id, "label": company.name, "typed": typed}]))
                return n, self.by_key[found[0].term]
        return None

    def _report(self, q: QueryText, draft: Draft, name: str, *, include: bool, span: str) -> None:
        if include:
            value = UNKNOWN_PREFIX + company_key(name)
            draft.add_values("company_ids", [value], label=f"At {name} (no postings in this index)", span=span)
            draft.suggestions.append(Suggestion(
                kind="unknown_company",
                text=f"No postings from {name} in this index; remove the “{name}” filter to see other employers.",
                options=[{"remove": f"company_ids:{value}", "label": f"Search without {name}"}]))
        else:
            draft.suggestions.append(Suggestion(
                kind="unknown_company", text=f"No postings from {name} in this index, so there are none to leave out."))

    def _longest(self, q: QueryText, toks: list, i: int) -> tuple[int, list[Company]] | None:
        for n in range(min(self.max_words + 1, len(toks) - i), 0, -1):
            words = toks[i : i + n]
            if any(not re.fullmatch(r"[\s.,'’&-]*", q.s[a[1] : b[0]]) for a, b in zip(words, words[1:], strict=False)):
                continue
            key = " ".join(w[2] for w in words)
            key = company_key(key) if n > 1 else key
            if key in self.by_key:
                return n, self.by_key[key]
        return None


def extract_company_type(q: QueryText, draft: Draft) -> None:
    q.sub(STAFFING, lambda m: draft.add_values(
        "exclude_company_types", ["staffing"], label="Not from staffing agencies",
        span=q.span(m.start(), m.end())))
