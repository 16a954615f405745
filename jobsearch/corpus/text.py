"""Titles and descriptions of generated postings. The first sentence of a description
names the role, the employer and key skills (what a text encoder weighs most); O*NET task
statements follow, then requirements, the employer, the workplace and the pay."""

from __future__ import annotations

import random

from jobsearch.taxonomy.occupation_data import TEAM_SUFFIXES
from jobsearch.taxonomy.occupations import Occupation

_DOMAIN_ENDINGS = (
    ("Engineer", "Engineering"), ("Developer", "Development"), ("Analyst", "Analytics"),
    ("Scientist", "Science"), ("Designer", "Design"), ("Nurse", "Nursing"),
    ("Accountant", "Accounting"), ("Recruiter", "Recruiting"), ("Architect", "Architecture"),
    ("Administrator", "Administration"), ("Writer", "Content"), ("Teacher", "Education"),
)


def domain(title: str) -> str:
    """"Data Engineer" -> "Data Engineering", for "Director of ..." and "Head of ..."."""
    for end, noun in _DOMAIN_ENDINGS:
        if title.endswith(end):
            return title[: -len(end)] + noun
    return title.removesuffix(" Manager")


# Titles that already state a rank take no seniority prefix ("Senior Head Chef" is wrong).
_RANKED = ("Senior ", "Staff ", "Head ", "Executive ", "Lead ", "Chief ", "Principal ", "Director ",
           "Sous ", "Charge ", "Assistant ", "Captain", "First Officer", "VP ")


def make_title(occ: Occupation, base: str, seniority: str, r: random.Random) -> str:
    tech = occ.mode == "tech"
    if base.startswith(_RANKED):
        t = base
    elif seniority == "intern":
        t = f"{base} Intern"
    elif seniority == "entry":
        t = r.choice((f"Junior {base}", f"{base} I", base) if tech else (f"Junior {base}", f"Entry Level {base}", base, base))
    elif seniority == "mid":
        t = r.choice((base, base, f"{base} II")) if occ.mode != "field" else base
    elif seniority == "senior":
        t = r.choice((f"Senior {base}", f"Senior {base}", f"Sr. {base}", f"{base} III"))
    elif seniority == "lead":
        t = r.choice((f"Staff {base}", f"Lead {base}", f"Principal {base}")) if tech else f"Lead {base}"
    elif occ.family_code == "11" or base.endswith(("Manager", "Director")):
        t = {"manager": base, "director": f"Senior {base}", "executive": f"Head of {domain(base)}"}[seniority]
    elif seniority == "manager":
        if base.endswith("Engineer") or base.endswith("Developer"):
            t = f"{domain(base)} Manager"
        else:
            t = f"{base} Supervisor" if occ.hourly else f"{base} Team Lead"
    elif seniority == "director":
        t = f"Director of {domain(base)}"
    else:
        t = r.choice((f"VP of {domain(base)}", f"Head of {domain(base)}"))
    suffix_p = {"tech": 0.25, "office": 0.1, "field": 0.04}[occ.mode]
    if r.random() < suffix_p:
        t = f"{t}, {r.choice(TEAM_SUFFIXES[occ.mode])}"
    return t


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_WORKPLACE_TEXT = {
    "onsite": "This role is on site in {place}.",
    "hybrid": "Hybrid: about {days} days a week in our {place} office, the rest remote.",
    "remote": "Fully remote within {country}; our hub is {place}.",
}
_EMPLOYMENT_TEXT = {
    "full_time": "Full-time, permanent position.", "part_time": "Part-time position.",
    "contract": "Fixed-term contract with possible extension.", "temporary": "Temporary assignment.",
    "internship": "Internship (3-6 months).",
}
_YEARS = {"intern": "0", "entry": "0-2", "mid": "2-5", "senior": "5+", "lead": "8+", "manager": "6+",
          "director": "10+", "executive": "12+"}


def make_description(occ: Occupation, *, title: str, company: str, industry: str, staffing: bool,
                     place: str, country: str, workplace: str, remote_share: float, seniority: str,
                     employment: str, skills: list[str], pay: str | None, r: random.Random) -> str:
    key = _join(skills[:3]) if skills else occ.title.lower()
    opener = r.randrange(4)
    if opener == 0:
        first = f"{title} at {company} in {place}, working with {key}."
    elif opener == 1:
        first = f"{company} is hiring {_article(title)} {title} in {place} with strong {key} skills."
    elif opener == 2:
        first = f"As {_article(title)} {title} at {company} ({place}, {workplace}) you will use {key} every day."
    else:
        first = f"We are looking for {_article(title)} {title} experienced in {key} to join {company} in {place}."
    tasks = r.sample(occ.tasks, min(3, len(occ.tasks)))
    parts = [first, "What you will do: " + " ".join(tasks)]
    base = occ.alternate_titles[0] if occ.alternate_titles else occ.title
    years = _YEARS[seniority]
    req = f"{years} years of experience as {_article(base)} {base}" if years != "0" else f"A strong interest in {domain(base).lower()}"
    if len(skills) > 3:
        req += f"; also {_join(skills[3:])}"
    parts.append(f"What we look for: {req}.")
    if staffing:
        parts.append(f"About us: {company} is a staffing and recruiting agency hiring on behalf of a client in {country}.")
    else:
        parts.append(f"About us: {company} is an employer in {industry.lower()}.")
    days = max(1, round(5 * (1 - remote_share)))
    parts.append(_WORKPLACE_TEXT[workplace].format(place=place, country=country, days=days))
    parts.append(_EMPLOYMENT_TEXT[employment])
    if pay:
        parts.append(f"Pay: {pay}.")
    return " ".join(parts)


def format_pay(smin: float, smax: float, currency: str, period: str) -> str:
    def fmt(x: float) -> str:
        return f"{x:,.2f}" if x < 100 and x != int(x) else f"{x:,.0f}"

    amount = fmt(smin) if smin == smax else f"{fmt(smin)}-{fmt(smax)}"
    return f"{amount} {currency} per {period}"
