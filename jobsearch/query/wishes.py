"""Schedule wishes with no posting field ("night shift", "weekends only", "flexible hours"):
soft signals in `ParsedQuery.wishes` for ranking, never filters. The words stay in the
semantic text (postings say "Night Shift" in their titles); only "start immediately" / "ASAP",
which describe the person and not the job, are claimed."""

from __future__ import annotations

import re

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText

WISHES: list[tuple[str, re.Pattern[str]]] = [
    ("night_shift", re.compile(r"\bnight[\s-]?shifts?\b|\bnights?\s+only\b|\bworking\s+nights\b|\bnights\b")),
    ("overnight", re.compile(r"\bovernights?\b|\bgraveyard(?:\s+shifts?)?\b|\bthird\s+shift\b")),
    ("weekends", re.compile(r"\bweekends?\b|\bsaturdays?\s+(?:and|&)\s+sundays?\b")),
    ("evenings", re.compile(r"\bevenings?(?:\s+(?:only|shifts?))?\b|\bsecond\s+shift\b")),
    ("day_shift", re.compile(r"\bday[\s-]shifts?\b|\bdays\s+only\b|\bfirst\s+shift\b")),
    ("flexible_hours", re.compile(r"\bflexible\s+(?:hours|schedules?|shifts?|working\s+hours|times?)\b"
                                  r"|\bflexi[\s-]?time\b|\bflex\s+(?:hours|schedule)\b")),
    ("shift_work", re.compile(r"\bshift\s+work\b|\brotating\s+shifts?\b|\bshifts?\s+work\b")),
    ("home_daily", re.compile(r"\bhome\s+(?:every\s+night|nightly|daily|every\s+day)\b")),
]
# "no clearance required", "no degree": what the person lacks, never words to match on.
NOT_REQUIRED = re.compile(
    r"\b(?:no|without(?:\s+a)?|not\s+needing|don'?t\s+(?:need|have)(?:\s+an?)?)\s+(?:security\s+|college\s+|university\s+)?"
    r"(?P<what>clearance|degree|diploma|car|licen[cs]e|certification|experience)(?:\s+(?:required|needed|necessary))?\b"
)
_NEGATED = re.compile(r"\b(?:no|not|never|except|without|avoid|nothing\s+on)\s+(?:on\s+|at\s+|working\s+)?$")
IMMEDIATE = re.compile(r"\bstart(?:ing)?\s+(?:immediately|asap|right\s+away|now)\b|\bimmediate\s+start\b|\basap\b")


def extract_wishes(q: QueryText, draft: Draft) -> list[str]:
    found: list[str] = []
    for name, pattern in WISHES:
        for m in pattern.finditer(q.s):
            # "no weekends", "except nights": the wish is to avoid it
            lead = max(0, m.start() - 16)
            negated = _NEGATED.search(q.s[lead : m.start()])
            wish = f"no_{name}" if negated else name
            if wish not in found:
                found.append(wish)
            if negated and q.free(lead + negated.start(), m.end()):
                q.consume(lead + negated.start(), m.end())  # "no weekends" must not search "weekends"
    for m in NOT_REQUIRED.finditer(q.s):
        if m.group("what") != "experience":  # "no experience" is a seniority (entry level)
            found.append("no_" + m.group("what").replace("licence", "license"))
    q.sub(NOT_REQUIRED, lambda m: m.group("what") != "experience")
    if IMMEDIATE.search(q.s):
        found.append("immediate_start")
        q.sub(IMMEDIATE, lambda m: True)
    del draft  # wishes are no filter and no chip
    return found
