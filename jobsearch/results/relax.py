"""Relaxations: when a search finds no strong match, the closest nearby queries that do: a
nearby place (a radius around the place asked), a lower pay floor, a wider date window.
Each is the query text rewritten (so one click searches it and the query box shows it) and
checked by the caller's `evaluate` before it is offered."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from jobsearch.explain import format_pay
from jobsearch.results.facets import posted_phrase
from jobsearch.schema import ParsedQuery, Relaxation

RADII_KM = (50, 100)
PAY_SHARES = (0.85, 0.7)
WIDER_DAYS = (3, 7, 14, 30)
# Words that belong to a place chip besides the place name itself.
_PLACE_PREFIX = re.compile(
    r"(?:\bwithin\s+\d+(?:\.\d+)?\s*(?:miles?|mi|kms?|kilomet(?:er|re)s?)\s+(?:of|from)\s+|\b(?:in|near|around)\s+)$",
    re.IGNORECASE,
)

# evaluate(rewritten text) -> (postings passing its filters, strong matches or None without grades)
Evaluate = Callable[[str], tuple[int, int | None]]


def replace_span(text: str, span: str, new: str, *, place: bool = False) -> str | None:
    """`text` with the words of one constraint replaced by `new` (for a place, with the
    "in" / "within 25 miles of" in front of it); None when the span is not in the text."""
    at = text.lower().find(span.lower())
    if at < 0:
        return None
    start = at
    if place and (m := _PLACE_PREFIX.search(text[:at])):
        start = m.start()
    return f"{text[:start]}{new}{text[at + len(span):]}"


Kind = Literal["place", "pay", "date"]


def _candidates(text: str, parsed: ParsedQuery) -> list[tuple[Kind, str, str]]:
    """(kind, label, rewritten text) in the order to try: closest first within each kind."""
    f = parsed.filters
    out: list[tuple[Kind, str, str]] = []
    by_filter = {c.get("filter"): c for c in parsed.constraints if c.get("span")}
    place = by_filter.get("location_ids")
    if place is not None and f.location_ids:
        name = place["span"]
        for km in RADII_KM:
            new = replace_span(text, name, f"within {km} km of {name}", place=True)
            if new is not None:
                out.append(("place", f"Within {km} km of {name}", new))
    pay = by_filter.get("min_salary")
    floor = f.min_salary
    if pay is not None and floor is not None and floor.amount is not None:
        for share in PAY_SHARES:
            amount = round(floor.amount * share, -3 if floor.amount >= 10_000 else 0)
            shown = format_pay(amount, floor.currency or "USD", floor.period or "year")
            money, period = shown.rsplit("/", 1)
            new = replace_span(text, pay["span"], f"paying at least {money} a {period}")
            if new is not None:
                out.append(("pay", f"Paying at least {money} a {period}", new))
    days = f.posted_within_days
    posted = by_filter.get("posted_within_days")
    if posted is not None and days is not None:
        for wider in (d for d in WIDER_DAYS if d > days):
            new = replace_span(text, posted["span"], posted_phrase(wider))
            if new is not None:
                out.append(("date", posted_phrase(wider).capitalize(), new))
    return out


def relaxations(text: str, parsed: ParsedQuery, evaluate: Evaluate) -> list[Relaxation]:
    """The closest relaxation of each kind that finds strong matches (or, without grades,
    any match)."""
    found: dict[Kind, Relaxation] = {}
    for kind, label, new_text in _candidates(text, parsed):
        if kind in found:
            continue
        matching, strong = evaluate(new_text)
        if (strong if strong is not None else matching) > 0:
            found[kind] = Relaxation(kind=kind, label=label, query=new_text, total_matching=matching,
                                     total_strong=strong)
    return list(found.values())
