"""Recency phrases -> `posted_within_days`. Defaults (documented in docs/query-language.md):
"recently" = 7 days, "new" / "just posted" = 3, "today" = 1, "this month" = 30."""

from __future__ import annotations

import re

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText

RECENT_DAYS = 7
NEW_DAYS = 3
NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "couple": 2, "a couple": 2, "a couple of": 2,
           "few": 3, "a few": 3, "fourteen": 14, "thirty": 30}
UNIT_DAYS = {"hour": 1, "day": 1, "week": 7, "month": 30}

_LEAD = r"(?:(?:posted|listed|published|added|advertised|created|opened|from)\s+)?(?:(?:in|within|during|over)\s+)?(?:the\s+)?"
_NUM = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty|a\s+couple(?:\s+of)?|a\s+few|few)"
RULES: list[tuple[re.Pattern[str], int | None]] = [
    (re.compile(rf"\b{_LEAD}(?:last|past|previous|recent)\s+{_NUM}\s+(hour|day|week|month)s?\b"), None),
    (re.compile(rf"\b{_LEAD}{_NUM}\s+(hour|day|week|month)s?\s+(?:ago|old)\b"), None),
    (re.compile(rf"\b{_LEAD}(?:within|in)\s+{_NUM}\s+(hour|day|week|month)s?\b"), None),
    (re.compile(rf"\b{_LEAD}(?:today|(?:last|past)\s+(?:day|24\s*h(?:ours?)?))\b"), 1),
    (re.compile(rf"\b{_LEAD}(?:since\s+)?yesterday\b"), 2),
    (re.compile(rf"\b{_LEAD}(?:this|last|past|previous)\s+week\b"), 7),
    (re.compile(rf"\b{_LEAD}(?:this|last|past|previous)\s+month\b"), 30),
    (re.compile(r"\b(?:actively|urgently|now|currently)\s+hiring\b|\bhiring\s+(?:now|immediately|urgently|asap)\b"), RECENT_DAYS),
    (re.compile(r"\b(?:(?:posted|listed|published|added)\s+)?(?:very\s+)?(?:recently|recent)\b(?:\s+(?:posted|listed|published))?"), RECENT_DAYS),
    (re.compile(r"\b(?:just|newly|freshly)\s+(?:posted|listed|published|added)\b|\b(?:brand[\s-]new|newest|latest|fresh)\b"
                r"|^\s*new\b(?!\s+(?:grads?|graduates?|york|jersey|zealand|delhi|orleans|haven|mexico|hampshire|"
                r"castle|england|brunswick|westminster|rochelle|bedford|britain|braunfels|caledonia|hires?|"
                r"business|products?|homes?|cars?|construction|media|ventures?|markets?))"
                r"|\bnew(?=\s+(?:jobs?|postings?|openings?|listings?|positions?|roles?|opportunities|vacancies)\b)"), NEW_DAYS),
]


def _count(word: str) -> int:
    word = " ".join(word.split())
    return int(word) if word.isdigit() else NUMBERS[word]


def extract_recency(q: QueryText, draft: Draft) -> None:
    for pattern, fixed in RULES:
        def handle(m: re.Match[str], fixed: int | None = fixed) -> bool:
            if fixed is not None:
                days = fixed
            else:
                n, unit = _count(m.group(1)), m.group(2)
                days = max(1, -(-n // 24)) if unit == "hour" else n * UNIT_DAYS[unit]
            if not 0 < days <= 3650:
                return False
            vague = fixed in (RECENT_DAYS, NEW_DAYS)
            if vague and draft.filters.get("posted_within_days") is not None:
                return True  # "new ... posted this week": the stated window wins over "new"
            label = "Posted today" if days == 1 else f"Posted in the last {days} days"
            draft.set_value("posted_within_days", days, label=label, span=q.span(m.start(), m.end()))
            return True

        q.sub(pattern, handle)
