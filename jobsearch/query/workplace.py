"""Workplace phrases: "remote", "mostly remote", "hybrid", "on-site", "not remote",
"remote or hybrid", "at least 60% remote", office-day limits ("hybrid with max 2 office days":
at least 60% remote, a 5-day week) and acceptance ("onsite fine": no limit, "hybrid ok":
hybrid or remote)."""

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
    (re.compile(rf"\b(?:(?:(?:fully|completely|100\s*%)[\s-]*)?{_REMOTE}\s*(?:or|/|and|&)\s*{_HYBRID}|{_HYBRID}\s*(?:or|/|and|&)\s*{_REMOTE})\b"),
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
WORK_DAYS = 5
_N = r"(?P<n>[0-5]|one|two|three|four|zero|no)"
_MAX = r"(?:max(?:imum)?|at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than|only|just|<=?|≤)"
_OFFICE = r"(?:(?:in|at)\s+(?:the\s+)?office|on[\s-]?site|in[\s-]office|in[\s-]person)"
_WEEK = r"(?:\s*(?:a|per|each|/)\s*week)?"
OFFICE_DAYS: list[re.Pattern[str]] = [re.compile(p) for p in (
    rf"\b{_MAX}\s+{_N}\s+(?:office|on[\s-]?site|in[\s-]office)\s+days?{_WEEK}\b",
    rf"\b{_MAX}\s+{_N}\s+days?\s+{_OFFICE}{_WEEK}\b",
    rf"\b{_N}\s+(?:office|on[\s-]?site|in[\s-]office)\s+days?{_WEEK}\s+(?:max(?:imum)?|at\s+most|tops)\b",
    rf"\b{_N}\s+days?{_WEEK}\s+{_OFFICE}{_WEEK}(?:\s+(?:max(?:imum)?|at\s+most|tops))?\b",
)]
_WORDS_N = {"zero": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4}
# "onsite fine", "hybrid ok", "open to remote": the person accepts that workplace besides
# others, so it limits nothing (the phrase is claimed, not left as meaning).
_FINE = r"(?:\s+(?:is\s+)?(?:ok|okay|fine|acceptable|possible|welcome|too))"
_OPEN = r"(?:open\s+to|happy\s+with|fine\s+with|ok\s+with|okay\s+with|don'?t\s+mind)\s+"
ACCEPT: list[tuple[re.Pattern[str], list[str], str]] = [
    (re.compile(rf"\b(?:{_ONSITE}|{_HYBRID}|{_REMOTE})(?:\s+work)?{_FINE}\b"
                rf"|\b{_OPEN}(?:{_ONSITE}|{_HYBRID}|{_REMOTE})(?:\s+(?:work|roles?|jobs?))?\b"), [], ""),
]


def extract_workplace(q: QueryText, draft: Draft) -> None:
    def share(m: re.Match[str]) -> bool:
        pct = int(m.group(1))
        if not 0 < pct <= 100:
            return False
        _apply(draft, ["remote", "hybrid"] if pct < 100 else ["remote"], pct / 100,
               f"Remote or hybrid, ≥ {pct}% remote", q.span(m.start(), m.end()))
        return True

    def office_days(m: re.Match[str]) -> bool:
        raw = m.group("n")
        days = int(raw) if raw.isdigit() else _WORDS_N[raw]
        floor = round((WORK_DAYS - min(days, WORK_DAYS)) / WORK_DAYS, 2)
        _apply(draft, ["hybrid", "remote"] if floor < 1 else ["remote"], floor,
               f"At most {days} office day{'s' if days != 1 else ''} a week (≥ {floor:.0%} remote)",
               q.span(m.start(), m.end()))
        return True

    def accept(m: re.Match[str], allowed: list[str], label: str) -> bool:
        if allowed:
            _apply(draft, allowed, None, label, q.span(m.start(), m.end()))
        return True

    q.sub(_SHARE, share)
    for pattern in OFFICE_DAYS:
        q.sub(pattern, office_days)
    for pattern, allowed, label in ACCEPT:
        q.sub(pattern, lambda m, a=allowed, lab=label: accept(m, a, lab))
    for pattern, allowed, min_share, label in RULES:
        q.sub(pattern, lambda m, a=allowed, s=min_share, lab=label: _apply(
            draft, a, s, lab, q.span(m.start(), m.end())))


def _apply(draft: Draft, allowed: list[str], min_share: float | None, label: str, span: str) -> bool:
    draft.add_values("workplace", allowed, label=label, span=span)
    if min_share is not None:
        current = draft.filters["min_remote_share"]
        draft.filters["min_remote_share"] = max(min_share, current or 0.0)
    return True
