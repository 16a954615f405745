"""Facet counts: how many postings passing the current filters have each place, company,
company type, workplace, seniority, employment type, pay band and posting age. Counted
over every passing posting (not the page), vectorised over the index's filter columns:
the same scan plan as retrieval, then bincounts and comparisons, no loop per row.

Each value carries the `phrase` that, added to the query, filters on it, so clicking a
facet goes through the query engine like typed words and the chips stay in sync."""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from jobsearch.index.masks import cutoff_seconds
from jobsearch.results.facet_index import BINS, PAY_FLOORS_USD, SegmentCounts, marginal
from jobsearch.schema import (
    COMPANY_TYPES,
    EMPLOYMENT_TYPES,
    SENIORITIES,
    WORKPLACES,
    FacetValue,
    Filters,
)

TOP = 10  # values shown for open-ended facets (place, company)
POSTED_DAYS = (1, 3, 7, 14, 30)

WORKPLACE_LABEL = {"onsite": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
WORKPLACE_PHRASE = {"onsite": "on-site", "hybrid": "hybrid", "remote": "remote"}
SENIORITY_LABEL = {
    "intern": "Intern", "entry": "Entry level", "mid": "Mid level", "senior": "Senior", "lead": "Lead",
    "manager": "Manager", "director": "Director", "executive": "Executive",
}
SENIORITY_PHRASE = {**{k: v.lower() for k, v in SENIORITY_LABEL.items()}, "mid": "mid-level", "entry": "entry-level"}
EMPLOYMENT_LABEL = {
    "full_time": "Full-time", "part_time": "Part-time", "contract": "Contract",
    "temporary": "Temporary", "internship": "Internship",
}
COMPANY_TYPE_LABEL = {"direct": "Hires directly", "staffing": "Staffing agency"}
# Only exclusion exists as a filter: "direct" is reachable by words, "staffing" is not.
COMPANY_TYPE_PHRASE = {"direct": "not from staffing agencies", "staffing": None}

# First row of each company code, per segment (for names), computed once.
_first_rows: weakref.WeakKeyDictionary[Any, np.ndarray] = weakref.WeakKeyDictionary()


def posted_label(days: int) -> str:
    """The one wording of a recency window, shared by chips, facets and cards."""
    return "Posted in the last 24 hours" if days == 1 else f"Posted in the last {days} days"


def posted_phrase(days: int) -> str:
    return "posted in the last 24 hours" if days == 1 else f"posted in the last {days} days"


def pay_label(usd: int) -> str:
    return f"${usd // 1000}k+ a year"


class _Totals:
    """Counts of one vocabulary (shards of a set share theirs; a delta segment has its own)."""

    def __init__(self, n_companies: int, n_places: int) -> None:
        self.company = np.zeros(n_companies, dtype=np.int64)
        self.place = np.zeros(n_places, dtype=np.int64)


def facet_counts(
    view: Any,
    filters: Filters,
    *,
    now: datetime,
    place_name: Callable[[str], str] = str,
    top: int = TOP,
) -> dict[str, list[FacetValue]]:
    """Facets of the postings of `view` (a `jobsearch.index.view.View`) passing `filters`
    at time `now` (the index's clock)."""
    days = sorted(POSTED_DAYS, reverse=True)  # widest window first = earliest cutoff first
    cutoffs = np.array([cutoff_seconds(now, d) for d in days], dtype=np.int64)
    key = np.zeros(BINS, dtype=np.int64)
    posted = np.zeros(len(days), dtype=np.int64)
    totals: dict[int, tuple[Any, _Totals]] = {}
    for i, seg in enumerate(view.segments):
        p = seg.plan(filters, now=now, dead=view.dead_of(i))
        if p.count == 0:
            continue
        c = SegmentCounts.of(seg).count(p.mask, p.rows, cutoffs)
        key += c.key
        posted += c.posted
        vocab = seg.vocab
        _, t = totals.setdefault(id(vocab), (vocab, _Totals(len(vocab.companies), len(vocab.places))))
        t.company += c.company
        t.place += c.place
    enums = {name: marginal(key, d) for d, name in enumerate(("workplace", "seniority", "employment_type", "company_type"))}
    bands = marginal(key, 4)  # postings reaching exactly 0..4 floors
    pay = np.cumsum(bands[::-1])[::-1][1:]  # reaching at least each floor
    by_days = dict(zip(days, posted.tolist(), strict=True))
    return {
        "place": _top_places(totals, place_name, top),
        "company": _top_companies(view, totals, top),
        "company_type": _enum_values(enums["company_type"], COMPANY_TYPES, COMPANY_TYPE_LABEL, COMPANY_TYPE_PHRASE),
        "workplace": _enum_values(enums["workplace"], WORKPLACES, WORKPLACE_LABEL, WORKPLACE_PHRASE),
        "seniority": _enum_values(enums["seniority"], SENIORITIES, SENIORITY_LABEL, SENIORITY_PHRASE),
        "employment_type": _enum_values(
            enums["employment_type"], EMPLOYMENT_TYPES, EMPLOYMENT_LABEL,
            {k: v.lower() for k, v in EMPLOYMENT_LABEL.items()},
        ),
        "pay": [
            FacetValue(value=str(usd), label=pay_label(usd), count=int(n), phrase=f"paying at least ${usd:,} a year")
            for usd, n in zip(PAY_FLOORS_USD, pay.tolist(), strict=True)
            if n
        ],
        "posted_within": [
            FacetValue(value=str(d), label=posted_label(d), count=by_days[d], phrase=posted_phrase(d))
            for d in POSTED_DAYS
            if by_days[d]
        ],
    }


def _top(counts: np.ndarray, top: int) -> np.ndarray:
    nz = np.flatnonzero(counts)
    if len(nz) > top:
        nz = nz[np.argpartition(-counts[nz], top - 1)[:top]]
    return nz[np.lexsort((nz, -counts[nz]))]  # most first, ties by code (stable answers)


def _top_places(totals: dict[int, tuple[Any, _Totals]], place_name: Callable[[str], str], top: int) -> list[FacetValue]:
    merged: dict[str, int] = {}
    for vocab, t in totals.values():
        for code in _top(t.place, top * 2 if len(totals) > 1 else top):
            pid = vocab.places[code]
            merged[pid] = merged.get(pid, 0) + int(t.place[code])
    best = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    out = []
    for pid, n in best:
        name = place_name(pid)
        out.append(FacetValue(value=pid, label=name, count=n, phrase=f"in {name}"))
    return out


def _top_companies(view: Any, totals: dict[int, tuple[Any, _Totals]], top: int) -> list[FacetValue]:
    merged: dict[str, int] = {}
    for vocab, t in totals.values():
        for code in _top(t.company, top * 2 if len(totals) > 1 else top):
            cid = vocab.companies[code]
            merged[cid] = merged.get(cid, 0) + int(t.company[code])
    best = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    names = _company_names(view, [cid for cid, _ in best])
    return [
        FacetValue(value=cid, label=names.get(cid, cid), count=n, phrase=f"at {names.get(cid, cid)}")
        for cid, n in best
    ]


def _company_names(view: Any, ids: Sequence[str]) -> dict[str, str]:
    """Display names of company ids, from the first row of each in its segment."""
    out: dict[str, str] = {}
    for seg in view.segments:
        missing = [c for c in ids if c not in out]
        if not missing:
            break
        first = _first_rows.get(seg)
        if first is None:
            first = np.full(len(seg.vocab.companies), -1, dtype=np.int64)
            codes, at = np.unique(seg.columns.company, return_index=True)
            first[codes] = at
            _first_rows[seg] = first
        names = seg.records_table.column("company_name")
        for cid in missing:
            code = bisect.bisect_left(seg.vocab.companies, cid)
            if code < len(seg.vocab.companies) and seg.vocab.companies[code] == cid and first[code] >= 0:
                out[cid] = str(names[int(first[code])])
    return out


def _enum_values(
    counts: np.ndarray, names: tuple[str, ...], labels: Mapping[str, str], phrases: Mapping[str, str | None]
) -> list[FacetValue]:
    values = [
        FacetValue(value=name, label=labels[name], count=int(counts[code]), phrase=phrases.get(name))
        for code, name in enumerate(names)
        if counts[code]
    ]
    return sorted(values, key=lambda v: -v.count)
