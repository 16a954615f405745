"""The order of a result list beyond scores: near-duplicates collapsed into one result,
at most `cap` postings of one company in each page of `page`, and sorting by date or pay.

Every function is prefix-stable: position p depends only on the first p + LOOKAHEAD
candidates, so a page computed from a longer candidate list is identical, and a cursor's
next page neither repeats nor skips a posting."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from jobsearch.taxonomy.currency import to_annual_usd

LOOKAHEAD = 50  # how far diversity looks for a posting of another company
PAGE = 10
MAX_PER_COMPANY = 3
_PUNCT = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Case, accents and punctuation folded: "Sr. Data Engineer (m/f/d)" ~ "sr data engineer m f d"."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold()
    return _PUNCT.sub(" ", folded).strip()


def duplicate_key(rec: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    return (normalise_title(str(rec["title"])), str(rec["company_id"]), tuple(sorted(rec["location_ids"] or ())))


def collapse(order: Sequence[int], records: Sequence[Mapping[str, Any]]) -> tuple[list[int], dict[int, int]]:
    """Keep the first of each near-duplicate group; `similar[i]` counts the others."""
    first: dict[tuple[str, str, tuple[str, ...]], int] = {}
    kept: list[int] = []
    similar: dict[int, int] = {}
    for i in order:
        key = duplicate_key(records[i])
        if key in first:
            similar[first[key]] += 1
            continue
        first[key] = i
        kept.append(i)
        similar[i] = 0
    return kept, similar


def diversify(
    order: Sequence[int],
    companies: Sequence[str],
    tiers: Sequence[int] | None = None,
    *,
    page: int = PAGE,
    cap: int = MAX_PER_COMPANY,
) -> list[int]:
    """Greedy re-order: each position takes the first remaining candidate (within
    LOOKAHEAD, and of the same tier as the best remaining one, so a weak match never jumps
    a strong one) whose company has fewer than `cap` postings in the current page of
    `page`; when none qualifies, the best remaining one."""
    remaining = list(order)
    out: list[int] = []
    while remaining:
        start = len(out) - len(out) % page
        counts = Counter(companies[j] for j in out[start:])
        tier0 = tiers[remaining[0]] if tiers is not None else 0
        pick = 0
        for idx, j in enumerate(remaining[:LOOKAHEAD]):
            if tiers is not None and tiers[j] != tier0:
                break
            if counts[companies[j]] < cap:
                pick = idx
                break
        out.append(remaining.pop(pick))
    return out


def sort_key_values(sort: str, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Per record, a value to sort descending by: posting time, or annual USD of the top of
    the pay range (-inf without pay, so those come last)."""
    if sort == "date":
        return np.array([rec["posted_at"].timestamp() for rec in records], dtype=np.float64)
    if sort == "pay":
        out = []
        for rec in records:
            try:
                out.append(to_annual_usd(rec["salary_max"], rec["salary_currency"], rec["salary_period"]))
            except (KeyError, TypeError):  # no pay stated, or a currency without a rate
                out.append(-np.inf)
        return np.array(out, dtype=np.float64)
    raise ValueError(f"unknown sort {sort!r}")


def sorted_by(sort: str, order: Sequence[int], records: Sequence[Mapping[str, Any]]) -> list[int]:
    """`order` re-sorted by date or pay, newest/highest first; ties keep relevance order."""
    values = sort_key_values(sort, [records[i] for i in order])
    return [order[p] for p in np.argsort(-values, kind="stable")]
