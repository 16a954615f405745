"""Filter compilation: `Filters` -> a boolean row mask over a segment's filter columns
(vectorised numpy, no Python loop per row), cached, and turned into a scan plan.

Must agree exactly with `jobsearch.filtering.violations`, the row-at-a-time reference."""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from jobsearch.filtering import PAY_TOLERANCE, as_utc, salary_floor_usd
from jobsearch.index.columns import Columns, Vocab
from jobsearch.schema import COMPANY_TYPES, EMPLOYMENT_TYPES, SENIORITIES, WORKPLACES, Filters

# Below this share of matching rows, scanning only the selected rows (gather) beats a full
# fused scan: a gathered row costs about as much as a streamed one, skipped rows cost nothing.
GATHER_BELOW = 0.3
DAY = 86400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    """How to scan one segment for one filter: `rows` (gather plan) or `mask` (fused scan;
    None = every row), and how many rows pass."""

    mask: np.ndarray | None
    rows: np.ndarray | None
    count: int


def float32_floor(value: float) -> np.float32:
    """Smallest float32 whose float64 value is >= `value`, so a float32 column compared to it
    gives the same answer as the reference's float64 comparison."""
    f = np.float32(value)
    if float(f) < value:
        f = np.nextafter(f, np.float32(np.inf))
    return np.float32(f)


def cutoff_seconds(now: datetime, days: int) -> int:
    """First whole epoch second that is still inside the window (exact, no float rounding)."""
    delta = as_utc(now) - timedelta(days=days) - EPOCH
    return delta.days * DAY + delta.seconds + (1 if delta.microseconds else 0)


def _enum(col: np.ndarray, allowed: list[str], names: tuple[str, ...]) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[names.index(v) for v in allowed]] = True
    return table[col]


def _sorted_codes(vocab: list[str], wanted: list[str]) -> list[int]:
    """Codes of `wanted` in a sorted vocabulary; unknown values have no code."""
    out = []
    for w in wanted:
        i = bisect.bisect_left(vocab, w)
        if i < len(vocab) and vocab[i] == w:
            out.append(i)
    return out


def _country_codes(vocab: Vocab, codes: list[str]) -> list[int]:
    return [vocab.countries.index(c.upper()) for c in codes if c.upper() in vocab.countries]


def _places(cols: Columns, vocab: Vocab, filters: Filters) -> np.ndarray:
    """Rows with at least one place that is wanted (or any place, without a wanted list)
    and not excluded: the per-entry test of `jobsearch.filtering.violations`."""
    if filters.location_ids or filters.country_codes:
        ok_place = np.zeros(len(vocab.places), dtype=bool)
        ok_place[_sorted_codes(vocab.places, filters.location_ids)] = True
        wanted = _country_codes(vocab, filters.country_codes)
        if wanted:
            ok_place |= np.isin(vocab.place_country, wanted)
    else:
        ok_place = np.ones(len(vocab.places), dtype=bool)
    ok_place[_sorted_codes(vocab.places, filters.exclude_location_ids)] = False
    unwanted = _country_codes(vocab, filters.exclude_country_codes)
    if unwanted:
        ok_place &= ~np.isin(vocab.place_country, unwanted)
    entries = ok_place[cols.loc_codes]
    if entries.shape[0] == cols.rows and cols.loc_offsets[-1] == cols.rows:
        return entries  # one place per posting: the entry mask is the row mask
    csum = np.concatenate(([0], np.cumsum(entries, dtype=np.int64)))
    return (csum[cols.loc_offsets[1:]] - csum[cols.loc_offsets[:-1]]) > 0


def compile_mask(cols: Columns, vocab: Vocab, filters: Filters, *, cutoff: int | None) -> np.ndarray | None:
    """Rows passing `filters`, with the recency window starting at epoch second `cutoff`.
    Returns None when nothing constrains the rows."""
    mask: np.ndarray | None = None

    def both(m: np.ndarray) -> None:
        nonlocal mask
        mask = m if mask is None else np.logical_and(mask, m, out=mask)

    floor = salary_floor_usd(filters)  # raises ValueError for an unresolved relative floor
    if filters.location_ids or filters.country_codes or filters.exclude_location_ids or filters.exclude_country_codes:
        both(_places(cols, vocab, filters))
    if filters.workplace:
        both(_enum(cols.workplace, list(filters.workplace), WORKPLACES))
    if filters.min_remote_share is not None:
        both(cols.remote_share >= float32_floor(filters.min_remote_share))
    if floor is not None:
        both(cols.salary_usd >= floor * (1 - PAY_TOLERANCE))  # NaN (no salary) fails
    if filters.posted_within_days is not None and cutoff is not None:
        both(cols.posted_at >= cutoff)
    if filters.exclude_company_types:
        both(~_enum(cols.company_type, list(filters.exclude_company_types), COMPANY_TYPES))
    if filters.company_ids:
        table = np.zeros(len(vocab.companies) + 1, dtype=bool)
        table[_sorted_codes(vocab.companies, filters.company_ids)] = True
        both(table[cols.company])
    if filters.exclude_company_ids:
        codes = _sorted_codes(vocab.companies, filters.exclude_company_ids)
        if codes:
            table = np.ones(len(vocab.companies) + 1, dtype=bool)
            table[codes] = False
            both(table[cols.company])
    if filters.seniority:
        both(_enum(cols.seniority, list(filters.seniority), SENIORITIES))
    if filters.employment_type:
        both(_enum(cols.employment_type, list(filters.employment_type), EMPLOYMENT_TYPES))
    return mask


class MaskCache:
    """A small LRU of compiled masks per segment. Time windows are cached by day bucket (a
    superset) and re-checked exactly per query, so "posted this week" stays cacheable."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[str, int], tuple[np.ndarray | None, np.ndarray | None]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, int], build):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = build()  # outside the lock: two racing builds only waste work
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value


def plan(
    cols: Columns,
    vocab: Vocab,
    filters: Filters,
    *,
    now: datetime,
    dead: np.ndarray | None = None,
    cache: MaskCache | None = None,
) -> Plan:
    """The scan plan of one segment: compiled mask minus tombstones, gather when selective."""
    n = cols.rows
    exact_cut = cutoff_seconds(now, filters.posted_within_days) if filters.posted_within_days is not None else None
    bucket_cut = None if exact_cut is None else (exact_cut // DAY) * DAY

    def build() -> tuple[np.ndarray | None, np.ndarray | None]:
        m = compile_mask(cols, vocab, filters, cutoff=bucket_cut)
        if m is None:
            return None, None
        cnt = int(np.count_nonzero(m))
        return m, (np.flatnonzero(m) if cnt <= GATHER_BELOW * n else None)

    key = (filters.model_dump_json(), -1 if bucket_cut is None else bucket_cut)
    mask, rows = cache.get(key, build) if cache is not None else build()
    if mask is None and dead is None:
        return Plan(mask=None, rows=None, count=n)
    if rows is not None:
        if exact_cut is not None and exact_cut != bucket_cut:
            rows = rows[cols.posted_at[rows] >= exact_cut]
        if dead is not None:
            rows = rows[~dead[rows]]
        return Plan(mask=None, rows=rows, count=int(rows.shape[0]))
    live = np.ones(n, dtype=bool) if mask is None else mask.copy()
    if exact_cut is not None and exact_cut != bucket_cut:
        live &= cols.posted_at >= exact_cut
    if dead is not None:
        live &= ~dead
    count = int(np.count_nonzero(live))
    if count <= GATHER_BELOW * n:
        return Plan(mask=None, rows=np.flatnonzero(live), count=count)
    return Plan(mask=live, rows=None, count=count)
