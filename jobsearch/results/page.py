"""One page of a result list: what a search asks for beyond the query (sort, cursor,
facets, the company cap) and how the pipeline's ranked candidates become that page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from jobsearch.errors import BadQueryError
from jobsearch.results.order import LOOKAHEAD, MAX_PER_COMPANY, PAGE, collapse, diversify, sorted_by

Sort = Literal["relevance", "date", "pay"]
SORTS: tuple[str, ...] = ("relevance", "date", "pay")
# Date and pay order the most relevant postings, not every posting passing the filters
# (the newest posting that merely passes "in Berlin" is rarely what a person wants).
SORT_POOL = 200
MAX_CAP = 100


@dataclass(frozen=True)
class PageRequest:
    sort: Sort = "relevance"
    cursor: str | None = None
    facets: bool = False
    refinements: bool = False  # chips mined at build (jobsearch.refine): first page only
    max_per_company: int = MAX_PER_COMPANY  # per page of 10; 0 = no cap

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise BadQueryError(f"sort must be one of {', '.join(SORTS)}, got {self.sort!r}")
        if isinstance(self.max_per_company, bool) or not isinstance(self.max_per_company, int) or not (
            0 <= self.max_per_company <= MAX_CAP
        ):
            raise BadQueryError(f"max_per_company must be an integer in 0..{MAX_CAP}, got {self.max_per_company!r}")


def depths(req: PageRequest, offset: int, k: int, *, at_least: int = 0) -> tuple[int, int]:
    """Candidates to retrieve: a first try, and what makes the page exact in any case
    (`order` is prefix-stable with LOOKAHEAD). A relevance page whose first `offset + k`
    candidates need no collapse and no company cap is exact from the first try."""
    if req.sort != "relevance":
        return max(SORT_POOL, at_least), max(SORT_POOL, at_least)
    return max(offset + k, at_least), max(offset + k + LOOKAHEAD, at_least)


@dataclass(frozen=True)
class Arranged:
    order: list[int]  # candidate positions, final order (collapsed, diversified)
    similar: dict[int, int]  # near-duplicates folded into each kept position


def arrange(
    ranked: Sequence[int] | np.ndarray,
    records: Sequence[Mapping[str, Any]],
    *,
    req: PageRequest,
    tiers: Sequence[int] | None,
    company_named: bool,
) -> Arranged:
    """Relevance order -> sorted (date/pay), near-duplicates collapsed, companies capped
    (unless the query names companies, or the cap is 0)."""
    relevance = [int(i) for i in ranked]
    order = relevance if req.sort == "relevance" else sorted_by(req.sort, relevance[:SORT_POOL], records)
    kept, similar = collapse(order, records)
    if req.max_per_company and not company_named:
        companies = [str(r["company_id"]) for r in records]
        kept = diversify(kept, companies, tiers if req.sort == "relevance" else None, page=PAGE,
                         cap=req.max_per_company)
    return Arranged(kept, similar)


def settled(arranged: Arranged, ranked: Sequence[int] | np.ndarray, n: int) -> bool:
    """True when the first `n` positions are the first `n` ranked candidates untouched (no
    near-duplicate folded away, nobody moved by the company cap): more candidates could
    not change them (only add to a `similar` count)."""
    return len(arranged.order) >= n and arranged.order[:n] == [int(i) for i in ranked[:n]]
