""" "Why it matched": short reasons for one result, from the understood query and the
posting's fields. Shown on the page and returned by the API."""

from __future__ import annotations

from datetime import datetime

from jobsearch.schema import ParsedQuery, Posting, Salary

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def format_pay(amount: float, currency: str, period: str) -> str:
    symbol = SYMBOLS.get(currency)
    number = f"{amount:,.0f}" if amount >= 100 else f"{amount:,.2f}"
    money = f"{symbol}{number}" if symbol else f"{number} {currency}"
    return f"{money}/{period}"


def format_salary(s: Salary) -> str:
    lo = format_pay(s.min, s.currency, s.period).rsplit("/", 1)[0]
    return f"{lo}–{format_pay(s.max, s.currency, s.period)}"


def explain_match(
    p: Posting, parsed: ParsedQuery, *, score: float, now: datetime, place_name: str
) -> list[str]:
    f = parsed.filters
    why: list[str] = []
    if parsed.semantic_text:
        why.append(f"Close in meaning to “{parsed.semantic_text}” (similarity {score:.2f})")
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
        days = max(0, round((now - p.posted_at).total_seconds() / 86400))  # as the page rounds
        why.append(
            "Posted today" if days == 0 else f"Posted {days} day{'s' if days != 1 else ''} ago"
        )
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
