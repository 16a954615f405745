"""What is left once constraints are claimed becomes the semantic text: the role, domain,
skills and mission, without search filler ("jobs", "positions", "show me", dangling
prepositions) so the encoder sees only meaning."""

from __future__ import annotations

import re

from jobsearch.query.text import CONSUMED, QueryText

FILLER_NOUNS = frozenset(
    ["job", "jobs", "position", "positions", "opening", "openings", "role", "roles", "vacancy", "vacancies", "listing", "listings", "posting", "postings", "opportunity", "opportunities", "career", "careers", "gig", "gigs", "offer", "offers"]
)
EDGE_WORDS = frozenset(
    ["in", "at", "for", "with", "and", "or", "of", "from", "to", "on", "that", "which", "who", "whose", "where", "a", "an", "the", "only", "please", "paying", "pay", "pays", "posted", "based", "located", "near", "around", "within", "by", "as", "is", "are", "me", "i", "my", "any", "some", "also", "but", "nor", "not", "no", "than", "more", "less", "plus", "want", "need", "find", "show", "get", "looking", "look", "search", "searching", "seeking", "like", "would", "im", "i'm", "am", "something", "anything", "work", "working", "hiring", "hire", "available", "open", "what", "which", "any", "are", "there", "whats", "what's"]
)
_SPLIT = re.compile(rf"[{CONSUMED},;:!?()\[\]|]+|(?<!\w)[.](?!\w)|\s[-–—/]\s")
_TOKEN = re.compile(r"\S+")
_HAS_WORD = re.compile(r"[^\W_]")


def semantic_text(q: QueryText) -> str:
    """Join the unclaimed segments of the text, each trimmed of filler at its edges."""
    parts: list[str] = []
    pos = 0
    for seg_folded, start in _segments(q.s):
        words = [(m.group(), m.start() + start, m.end() + start) for m in _TOKEN.finditer(seg_folded)]
        # Tokens without a letter or digit ("/", "&", emoji) carry no meaning for the encoder.
        words = [w for w in words if _bare(w[0]) not in FILLER_NOUNS and _HAS_WORD.search(w[0])]
        while words and _bare(words[0][0]) in EDGE_WORDS:
            words.pop(0)
        while words and _bare(words[-1][0]) in EDGE_WORDS:
            words.pop()
        if words:
            parts.append(" ".join(q.original[a:b].strip(".,'\"") for _, a, b in words))
        pos = start
    del pos
    return " ".join(p for p in parts if p).strip()


def _segments(s: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for m in _SPLIT.finditer(s):
        out.append((s[start : m.start()], start))
        start = m.end()
    out.append((s[start:], start))
    return out


def _bare(word: str) -> str:
    return word.strip(".,'\"’").replace("’", "'")
