"""Seniority and employment-type phrases. Role nouns stay meaning: "engineering manager",
"director of sales" and "executive assistant" are roles, so "manager" / "director" /
"executive" become seniority only as "manager-level", "director level", "C-level"."""

from __future__ import annotations

import re

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText

_ROLE_AHEAD = (r"(?=\s+(?:software|data|backend|back[\s-]end|frontend|front[\s-]end|full[\s-]?stack|ml|machine|"
               r"product|ux|ui|devops|cloud|security|mobile|platform|infrastructure|site|research|"
               r"engineers?|developers?|designers?|scientists?|architects?|analysts?|researchers?|"
               r"programmers?|sre|qa|test)\b)")
SENIORITY: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\b(?:entry[\s-]level|entry|junior|jr|new[\s-]grads?|recent\s+grad(?:uate)?s?|graduate|"
                r"early[\s-]career|no\s+experience(?:\s+required)?)\b\.?(?<!\bentry\b)"), "entry", "Entry level"),
    (re.compile(r"\bentry[\s-]level\b"), "entry", "Entry level"),
    (re.compile(r"\b(?:senior|sr)\b\.?(?!\s+(?:care|living|citizens?|homes?|centers?))"), "senior", "Senior"),
    (re.compile(r"\bmid[\s-]?(?:level|career|senior)\b|\bintermediate\b"), "mid", "Mid level"),
    (re.compile(rf"\b(?:staff|principal|lead)\b{_ROLE_AHEAD}|\b(?:tech|team)\s+lead\b(?:\s+roles?)?"), "lead",
     "Lead / staff / principal"),
    (re.compile(r"\binterns?\b"), "intern", "Intern"),
    (re.compile(r"\b(?:manager|management)[\s-]level\b|\bpeople[\s-]managers?\b(?![\s-]skills?)"), "manager", "Manager level"),
    (re.compile(r"\bdirector[\s-]level\b"), "director", "Director level"),
    (re.compile(r"\b(?:c|executive|vp)[\s-](?:level|suite)\b"), "executive", "Executive level"),
]
EMPLOYMENT: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bfull[\s-]?time\b|\bpermanent\b"), "full_time", "Full-time"),
    (re.compile(r"\bpart[\s-]?time\b"), "part_time", "Part-time"),
    (re.compile(r"\b(?:contract(?:[\s-]to[\s-]hire)?|contractors?|contracting|freelance|freelancers?|1099|c2c)\b"
                r"(?!\s+(?:manager|management|administrators?|specialists?|negotiators?|analysts?|lawyers?|attorneys?|law))"),
     "contract", "Contract"),
    (re.compile(r"\b(?:temporary|temp|seasonal)\b(?!\s+agenc)"), "temporary", "Temporary"),
    (re.compile(r"\binternships?\b"), "internship", "Internship"),
]


def extract_levels(q: QueryText, draft: Draft) -> None:
    for rules, name in ((SENIORITY, "seniority"), (EMPLOYMENT, "employment_type")):
        for pattern, value, label in rules:
            q.sub(pattern, lambda m, n=name, v=value, lab=label: draft.add_values(
                n, [v], label=lab, span=q.span(m.start(), m.end())))
