"""Seniority and employment-type phrases. Role nouns stay meaning: "engineering manager",
"director of sales" and "executive assistant" are roles, so "manager" / "director" /
"executive" become seniority only as "manager-level", "director level", "C-level".
A negated type ("permanent not contract", "no internships") leaves that type out; an accepted
one ("anche part time", "part time ok") limits nothing; "a few hours a week" is part-time."""

from __future__ import annotations

import re
from functools import lru_cache

from jobsearch.query.draft import Draft
from jobsearch.query.text import QueryText
from jobsearch.schema import EMPLOYMENT_TYPES

_ROLE_AHEAD = (r"(?=\s+(?:software|data|backend|back[\s-]end|frontend|front[\s-]end|full[\s-]?stack|ml|machine|"
               r"product|ux|ui|devops|cloud|security|mobile|platform|infrastructure|site|research|"
               r"engineers?|developers?|designers?|scientists?|architects?|analysts?|researchers?|"
               r"programmers?|sre|qa|test)\b)")
_LEVEL = {"junior": "entry", "jr": "entry", "entry": "entry", "entry level": "entry", "entry-level": "entry",
          "mid": "mid", "mid level": "mid", "mid-level": "mid", "senior": "senior", "sr": "senior"}
# "junior or mid", "mid to senior": both levels (a bare "mid" is a level only in such a pair).
LEVEL_PAIR = re.compile(
    r"\b(?P<a>junior|jr|entry[\s-]level|mid(?:[\s-]level)?|senior|sr)\s*(?:or|/|to|-|and)\s*"
    r"(?P<b>junior|jr|entry[\s-]level|mid(?:[\s-]level)?|senior|sr)\b"
)
SENIORITY: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bfirst(?=\s+(?:[\w-]+\s+)?(?:job|role|position|gig)s?\b)|\bfresh\s+grad(?:uate)?s?\b"
                r"|\bno\s+(?:prior\s+|previous\s+)?experience(?:\s+(?:required|needed|necessary))?\b"
                r"|\b(?:bootcamp|boot\s+camp)\s+grad(?:uate)?s?\b"), "entry", "Entry level"),
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
_TYPE_WORDS = (r"(?P<w>contract(?:or)?s?|contracting|temp(?:orary)?|seasonal|part[\s-]?time|full[\s-]?time|"
               r"internships?|freelance|permanent)")
_TYPE_OF = [("contract", "contract"), ("freelance", "contract"), ("temp", "temporary"), ("seasonal", "temporary"),
            ("part", "part_time"), ("full", "full_time"), ("permanent", "full_time"), ("intern", "internship")]
# "no internships on my resume" tells the person's background, not what to leave out.
NOT_TYPE = re.compile(rf"\b(?:not|no|non|never|without|except)[\s-](?:an?\s+|any\s+)?{_TYPE_WORDS}\b"
                      r"(?!\s+(?:on|in)\s+my\s+(?:resume|cv|record|background)|\s+(?:experience|behind\s+me))")
_BACKGROUND = re.compile(rf"\b(?:no|without|never\s+did\s+(?:an?\s+|any\s+)?)\s*{_TYPE_WORDS.replace('?P<w>', '?:')}"
                         r"\s+(?:(?:on|in)\s+my\s+(?:resume|cv|record|background)|experience|behind\s+me)\b")
# Acceptance, not a requirement: "anche part time" (also part time), "part time ok".
ALSO_TYPE = re.compile(
    rf"\b(?:also|even|or\s+even|incl(?:uding)?)\s+{_TYPE_WORDS}\b"
    rf"|\b{_TYPE_WORDS.replace('?P<w>', '?:')}\s+(?:is\s+)?(?:ok|okay|fine|welcome|possible|too|also)\b"
)
FEW_HOURS = re.compile(
    r"\b(?:a\s+)?(?:few|couple(?:\s+of)?|handful\s+of)\s+hours\s+(?:a|per|each|every)\s+(?:week|day)\b"
    r"|\b(?:[1-9]|[12]\d)\s*(?:-\s*\d+\s*)?(?:hours|hrs|h)\s*(?:a|per|/|each)\s*(?:week|wk)\b"
)
# "jobs for college students": intern or entry level.
STUDENTS = re.compile(r"\bfor\s+(?:(?:college|university|uni|high\s+school|grad(?:uate)?)\s+)?students\b"
                      r"|\bstudent\s+(?:jobs?|work|positions?)\b")
EMPLOYMENT: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bfull[\s-]?time\b|\bpermanent\b"), "full_time", "Full-time"),
    (re.compile(r"\bpart[\s-]?time\b"), "part_time", "Part-time"),
    (re.compile(r"\b(?:contract(?:[\s-]to[\s-]hire)?|contractors?|contracting|freelance|freelancers?|1099|c2c)\b"
                r"(?!\s+(?:manager|management|administrators?|specialists?|negotiators?|analysts?|lawyers?|attorneys?|law))"),
     "contract", "Contract"),
    (re.compile(r"\b(?:temporary|temp|seasonal)\b(?!\s+agenc)"), "temporary", "Temporary"),
    (re.compile(r"\binternships?\b"), "internship", "Internship"),
]


def _type_of(word: str) -> str:
    return next(t for prefix, t in _TYPE_OF if word.startswith(prefix))


def extract_levels(q: QueryText, draft: Draft) -> None:
    excluded: list[tuple[str, str]] = []

    def pair(m: re.Match[str]) -> bool:
        levels = [_LEVEL[" ".join(m.group(g).replace("-", " ").split())] for g in ("a", "b")]
        draft.add_values("seniority", list(dict.fromkeys(levels)), label=" or ".join(
            dict.fromkeys(lv.capitalize() for lv in levels)), span=q.span(m.start(), m.end()))
        return True

    def negated(m: re.Match[str]) -> bool:
        excluded.append((_type_of(m.group("w")), q.span(m.start(), m.end())))
        return True

    q.sub(_BACKGROUND, lambda m: True)
    q.sub(LEVEL_PAIR, pair)
    q.sub(STUDENTS, lambda m: draft.add_values("seniority", ["intern", "entry"], label="Intern or entry level",
                                                span=q.span(m.start(), m.end())))
    q.sub(NOT_TYPE, negated)
    q.sub(ALSO_TYPE, lambda m: True)
    q.sub(FEW_HOURS, lambda m: draft.add_values("employment_type", ["part_time"], label="Part-time",
                                                  span=q.span(m.start(), m.end())))
    q.sub(_lead_role(), lambda m: draft.add_values("seniority", ["lead"], label="Lead / staff / principal",
                                                    span=q.span(m.start(), m.end())))
    for rules, name in ((SENIORITY, "seniority"), (EMPLOYMENT, "employment_type")):
        for pattern, value, label in rules:
            q.sub(pattern, lambda m, n=name, v=value, lab=label: draft.add_values(
                n, [v], label=lab, span=q.span(m.start(), m.end())))
    if excluded:
        # "permanent not contract": what is asked minus what is refused; alone, every other type.
        gone = {t for t, _ in excluded}
        wanted = draft.filters["employment_type"] or list(EMPLOYMENT_TYPES)
        keep = [t for t in wanted if t not in gone]
        draft.filters["employment_type"] = []
        draft.constraints = [c for c in draft.constraints if c["filter"] != "employment_type"]
        names = ", ".join(t.replace("_", "-") for t in sorted(gone))
        draft.add_values("employment_type", keep, label=f"Not {names}", span=excluded[0][1])


@lru_cache(maxsize=1)
def _lead_role() -> re.Pattern[str]:
    """"lead" before any posted job title's head noun ("lead carpenter", "lead cashier",
    "lead nurse"): the level. "lead generation", "lead paint" stay meaning."""
    from jobsearch.taxonomy.occupations import occupations

    heads: set[str] = set()
    for occ in occupations():
        for title in (occ.title, *occ.alternate_titles):
            words = re.findall(r"[a-z]+", title.lower())
            if words and len(words[-1]) > 3:
                heads.add(words[-1].removesuffix("s"))
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    return re.compile(rf"\blead\s+(?=(?:{alternatives})s?\b)")
