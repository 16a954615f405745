"""Workplace phrases: "remote", "mostly remote", "hybrid", "on-site", "not remote",
"remote or hybrid", "at least 60% remote"."""

from __future__ import annotations

import re

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText

_REMOTE = r"remote(?![\s-]+sensing)"
_ONSITE = r"(?:on[\s-]?site|in[\s-]office|in\s+the\s+office|office[\s-]based|in[\s-]person)"
_HYBRID = r"hybrid(?!\s+(?:cloud|vehicles?|cars?|apps?|mobile))"

# (pattern, allowed workplaces, min remote share, label). The first that matches a span wins.
RULES: list[tuple[re.Pattern[str], list[str], float | None, str]] = [
    (re.compile(rf"\b(?:not|no|non)[\s-]?{_REMOTE}\b"), ["onsite", "hybrid"], None, "On-site or hybrid (not remote)"),
    (re.compile(rf"\b(?:{_REMOTE}\s*(?:or|/|and|&)\s*{_HYBRID}|{_HYBRID}\s*(?:or|/|and|&)\s*{_REMOTE})\b"),
     ["remote", "hybrid"], None, "Remote or hybrid"),
    (re.compile(rf"\b(?:{_ONSITE}\s*(?:or|/|and|&)\s*{_HYBRID}|{_HYBRID}\s*(?:or|/|and|&)\s*{_ONSITE})\b"),
     ["onsite", "hybrid"], None, "On-site or hybrid"),
    (re.compile(r"\b(?:mostly|mainly|primarily|largely|predominantly|majority)\s+remote\b|\bremote[\s-]friendly\b"),
     ["remote", "hybrid"], 0.5, "Remote or hybrid, ≥ 50% remote"),
    (re.compile(rf"\b(?:fully|completely|100\s*%|all)[\s-]*{_REMOTE}\b|\b{_REMOTE}(?:[\s-](?:first|only))?\b"
                r"|\bwork(?:ing)?\s+from\s+home\b|\bwfh\b|\bfrom\s+anywhere\b|\btelecommut\w*"),
     ["remote"], None, "Remote"),
    (re.compile(rf"\b{_HYBRID}\b"), ["hybrid"], None, "Hybrid"),
    (re.compile(rf"\b{_ONSITE}\b"), ["onsite"], None, "On-site"),
]
_SHARE = re.compile(r"\b(?:at\s+least|min(?:imum)?|over|above)\s+(\d{1,3})\s*%\s*remote\b")


def extract_workplace(q: QueryText, draft: Draft) -> None:
    def share(m: re.Match[str]) -> bool:
        pct = int(m.group(1))
        if not 0 < pct <= 100:
            return False
        _apply(draft, ["remote", "hybrid"] if pct < 100 else ["remote"], pct / 100,
               f"Remote or hybrid, ≥ {pct}% remote", q.span(m.start(), m.end()))
        return True

    q.sub(_SHARE, share)
    for pattern, allowed, min_share, label in RULES:
        q.sub(pattern, lambda m, a=allowed, s=min_share, lab=label: _apply(
            draft, a, s, lab, q.span(m.start(), m.end())))


def _apply(draft: Draft, allowed: list[str], min_share: float | None, label: str, span: str) -> bool:
    draft.add_values("workplace", allowed, label=label, span=span)
    if min_share is not None:
        current = draft.filters["min_remote_share"]
        draft.filters["min_remote_share"] = max(min_share, current or 0.0)
    return True
