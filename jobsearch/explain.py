""" "Why it matched": short reasons for one result, from the understood query and the
posting's fields. Shown on the page and returned by the API."""

from __future__ import annotations

from datetime import datetime

from jobsearch.schema import ParsedQuery, Posting, Salary, SalaryFloor
from jobsearch.stages import STRONG_GRADES
from jobsearch.taxonomy.currency import from_annual_usd, to_annual_usd

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def format_pay(amount: float, currency: str, period: str) -> str:
    symbol = SYMBOLS.get(currency)
    number = f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"
    money = f"{symbol}{number}" if symbol else f"{number} {currency}"
    return f"{money}/{period}"


def format_salary(s: Salary) -> str:
    """"$90,000–$120,000/year"; one amount when the range is collapsed ("$220,000/year")."""
    hi = format_pay(s.max, s.currency, s.period)
    lo = format_pay(s.min, s.currency, s.period).rsplit("/", 1)[0]
    return hi if lo == hi.rsplit("/", 1)[0] else f"{lo}–{hi}"


def converted_salary(s: Salary | None, floor: SalaryFloor | None) -> Salary | None:
    """`s` per year in the currency of the query's pay floor, when that differs from the
    posting's (None otherwise, or for a currency without a rate)."""
    if s is None or floor is None or not floor.currency or floor.currency.upper() == s.currency.upper():
        return None
    try:
        lo, hi = (from_annual_usd(to_annual_usd(v, s.currency, s.period), floor.currency, "year") for v in (s.min, s.max))
    except KeyError:
        return None
    return Salary(min=round(lo, -2), max=round(hi, -2), currency=floor.currency.upper(), period="year")


def posted_ago(posted_at: datetime, now: datetime) -> str:
    """The one wording of a posting's age (the page's cards say the same): hours under a
    day, then whole days elapsed, so a posting inside "the last 3 days" never reads "3 days
    ago"."""
    hours = max(0.0, (now - posted_at).total_seconds() / 3600)
    if hours < 1:
        return "Posted less than an hour ago"
    if hours < 24:
        n = int(hours)
        return f"Posted {n} hour{'s' if n != 1 else ''} ago"
    days = int(hours // 24)
    return f"Posted {days} day{'s' if days != 1 else ''} ago"


def meaning_reason(semantic_text: str, score: float, match: str | None) -> str:
    """The semantic line of "why": affirmative only for a strong (calibrated) match, so a weak
    similarity never reads as a reason to apply."""
    if match in STRONG_GRADES:
        return f"Strong match for “{semantic_text}”"
    if match == "fair":
        return f"Partly related to “{semantic_text}”"
    if match == "poor":
        return f"Only loosely related to “{semantic_text}”"
    return f"Similarity to “{semantic_text}”: {score:.2f} (not graded)"


def explain_match(
    p: Posting, parsed: ParsedQuery, *, score: float, now: datetime, place_name: str, match: str | None = None
) -> list[str]:
    """Reasons, first the semantic one (see `meaning_reason`), then one per strict filter
    the posting satisfies (facts, each true by construction)."""
    f = parsed.filters
    why: list[str] = []
    if parsed.semantic_text:
        why.append(meaning_reason(parsed.semantic_text, score, match))
    if f.location_ids or f.country_codes:
        why.append(f"Located in {place_name}")
    if f.workplace or f.min_remote_share is not None:
        why.append(f"{p.workplace.capitalize()}, {round(p.remote_share * 100)}% remote")
    floor = f.min_salary
    if floor is not None and floor.amount is not None and p.salary is not None:
        asked = format_pay(floor.amount, floor.currency or "USD", floor.period or "year")
        label = f" ({floor.relative} for this role and place)" if floor.relative else ""
        why.append(f"Pays {format_salary(p.salary)}, reaching {asked}{label}")
    if f.posted_within_days is not None:
        why.append(posted_ago(p.posted_at, now))
    if "staffing" in f.exclude_company_types:
        why.append(f"{p.company.name} hires directly (not a staffing agency)")
    if f.company_ids:
        via_network = any("connection" in c.get("label", "").lower() for c in parsed.constraints)
        why.append(
            f"You have a connection at {p.company.name}"
            if via_network
            else f"At {p.company.name}, one of the companies you asked for"
        )
    if f.seniority:
        why.append(f"{p.seniority.capitalize()} level")
    if f.employment_type:
        why.append(p.employment_type.replace("_", "-").capitalize())
    return why
