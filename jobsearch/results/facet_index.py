"""Per-segment arrays that make facet counts one pass over the selected rows: the four
enum columns and the pay band packed into one small integer key (one bincount instead of
five), each place entry's row (multi-place postings), and the counts over all rows, which
never change for an immutable segment. Built once per segment, on first use.

`SegmentCounts.of(seg).count(plan, cutoffs)` answers the counts of the rows a scan plan
selects; a plan selecting most rows is counted as everything minus its complement."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from jobsearch.filtering import PAY_TOLERANCE
from jobsearch.schema import COMPANY_TYPES, EMPLOYMENT_TYPES, SENIORITIES, WORKPLACES

PAY_FLOORS_USD = (50_000, 100_000, 150_000, 200_000)
# Key digits, last one fastest: workplace, seniority, employment type, company type, pay band.
# Each enum gets one extra slot for a code outside the schema (counted nowhere).
DIGITS = (len(WORKPLACES) + 1, len(SENIORITIES) + 1, len(EMPLOYMENT_TYPES) + 1, len(COMPANY_TYPES) + 1,
          len(PAY_FLOORS_USD) + 1)
BINS = int(np.prod(DIGITS))

_cache: weakref.WeakKeyDictionary[Any, SegmentCounts] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass
class Counts:
    key: np.ndarray  # (BINS,) int64
    company: np.ndarray  # per company code
    place: np.ndarray  # per place code
    posted: np.ndarray  # per recency window (rows posted at or after each cutoff)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.key - other.key, self.company - other.company, self.place - other.place,
                      self.posted - other.posted)



def marginal(key_counts: np.ndarray, digit: int) -> np.ndarray:
    """Counts per value of one key digit (enum codes, or pay band) from counts per key."""
    axes = tuple(a for a in range(len(DIGITS)) if a != digit)
    return key_counts.reshape(DIGITS).sum(axis=axes)


def _enum(col: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(col.astype(np.int64), size)  # UNKNOWN_CODE (255) -> the extra slot


class SegmentCounts:
    def __init__(self, seg: Any) -> None:
        cols = seg.columns
        floors = np.array(PAY_FLOORS_USD, dtype=np.float64) * (1 - PAY_TOLERANCE)  # as the pay filter compares
        salary = np.nan_to_num(cols.salary_usd, nan=-1.0)  # no pay: below every floor
        band = np.searchsorted(floors, salary, side="right")  # floors reached, 0..4
        key = _enum(cols.workplace, len(WORKPLACES))
        for col, size in ((cols.seniority, len(SENIORITIES)), (cols.employment_type, len(EMPLOYMENT_TYPES)),
                          (cols.company_type, len(COMPANY_TYPES))):
            key = key * (size + 1) + _enum(col, size)
        self.key = key * DIGITS[-1] + band
        self.company = cols.company.astype(np.int64)
        # Places: each posting's first place (one per row, gathered like the other columns)
        # plus the few further places of multi-place postings with their rows.
        lengths = np.diff(cols.loc_offsets)
        starts = cols.loc_offsets[:-1]
        has_place = lengths > 0
        self.first_place = np.where(has_place, cols.loc_codes[np.minimum(starts, len(cols.loc_codes) - 1)], -1)
        self.first_place = self.first_place.astype(np.int64)
        entry_row = np.repeat(np.arange(cols.rows), lengths)
        further = np.ones(len(cols.loc_codes), dtype=bool)
        further[starts[has_place]] = False
        self.extra_row = entry_row[further]
        self.extra_code = cols.loc_codes[further].astype(np.int64)
        self.posted_at = cols.posted_at
        self.sorted_posted = np.sort(cols.posted_at)
        self.n_companies = len(seg.vocab.companies)
        self.n_places = len(seg.vocab.places)
        self.rows = cols.rows
        self._all: Counts | None = None

    @classmethod
    def of(cls, seg: Any) -> SegmentCounts:
        with _lock:
            got = _cache.get(seg)
            if got is None:
                got = _cache[seg] = cls(seg)
            return got

    def count(self, mask: np.ndarray | None, rows: np.ndarray | None, cutoffs: np.ndarray) -> Counts:
        """Counts of the rows of a scan plan (`rows`, or `mask`, or every row when both are
        None); `cutoffs` ascending epoch seconds of the recency windows."""
        if mask is None and rows is None:
            return self._everything(cutoffs)
        if mask is not None and 2 * int(np.count_nonzero(mask)) > self.rows:
            return self._everything(cutoffs) - self._selected(~mask, cutoffs)
        return self._selected(mask if rows is None else rows, cutoffs)

    def _everything(self, cutoffs: np.ndarray) -> Counts:
        if self._all is None:
            self._all = self._selected(None, cutoffs)
        posted = len(self.sorted_posted) - np.searchsorted(self.sorted_posted, cutoffs, side="left")
        return Counts(self._all.key, self._all.company, self._all.place, posted)

    def _selected(self, sel: np.ndarray | None, cutoffs: np.ndarray) -> Counts:
        """Counts of the rows `sel` (a row mask or sorted row numbers; None = every row)."""
        rows = np.flatnonzero(sel) if sel is not None and sel.dtype == bool else sel  # one pass, then gathers

        def take(a: np.ndarray) -> np.ndarray:
            return a if rows is None else a[rows]

        first = take(self.first_place)
        place = np.bincount(first[first >= 0], minlength=self.n_places)
        if len(self.extra_row):
            extra = self.extra_code if rows is None else self.extra_code[_member(self.extra_row, rows, sel)]
            place += np.bincount(extra, minlength=self.n_places)
        reached = np.searchsorted(cutoffs, take(self.posted_at), side="right")  # windows a row is inside
        per = np.bincount(reached, minlength=len(cutoffs) + 1)
        return Counts(
            key=np.bincount(take(self.key), minlength=BINS),
            company=np.bincount(take(self.company), minlength=self.n_companies),
            place=place,
            posted=np.cumsum(per[::-1])[::-1][1:],
        )


def _member(extra_rows: np.ndarray, rows: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Which of `extra_rows` are selected (from the row mask when there is one)."""
    if mask is not None and mask.dtype == bool:
        return mask[extra_rows]
    at = np.searchsorted(rows, extra_rows)  # rows are sorted (plans gather in row order)
    return (at < len(rows)) & (rows[np.minimum(at, len(rows) - 1)] == extra_rows)
