"""Companies by name ("at Stripe", "not Amazon", "excluding Acme Staffing, Initech") and by
type ("not from staffing agencies", "no recruiters", "direct hire only"). Names match
case-, accent- and punctuation-insensitively, with or without a legal suffix ("Inc", "GmbH")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText, name_keys
from jobsearch.schema import Company

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

    def extract(self, q: QueryText, draft: Draft) -> None:
        if not self.by_key:
            return
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
            hit = self._longest(q, toks, i)
            if hit is None:
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
