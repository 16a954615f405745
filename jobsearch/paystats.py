"""Pay statistics of a corpus, to resolve "above median pay" at search time: the median
(or p75/p90) of annualised USD pay midpoints of postings like the query's role and place.

Back-off, first level with at least `min_count` postings wins:
  1. occupation AND place (any of the location ids, else any of the countries)
  2. for US places with an occupation: BLS OEWS percentiles (metro, else state, else nation)
  3. occupation AND the places' countries
  4. occupation only
  5. place only
  6. all postings with pay
No occupation skips 1-4; no place skips 1-3 and 5."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jobsearch.taxonomy.currency import PERIODS_PER_YEAR, USD_PER_UNIT

STATS: dict[str, float] = {"p10": 10, "p25": 25, "median": 50, "p75": 75, "p90": 90}
MIN_COUNT = 20


@dataclass(frozen=True, slots=True)
class PayStat:
    value: float
    level: str  # which back-off level answered, e.g. "occupation+place", "bls-oews:metro"
    n: int  # postings behind the value (0 for BLS)


class PayStats:
    """Built once per index/corpus; every lookup is a few vectorised masks."""

    def __init__(self, pay: np.ndarray, occupation: np.ndarray, occ_codes: list[str], country: np.ndarray,
                 country_codes: list[str], loc_rows: dict[str, np.ndarray], *, min_count: int = MIN_COUNT) -> None:
        self.pay = pay  # annual USD midpoint per posting with pay
        self.occupation = occupation  # int code per posting (-1 = none)
        self.occ_index = {c: i for i, c in enumerate(occ_codes)}
        self.country = country  # index into country_codes of each posting's first place
        self.country_index = {c: i for i, c in enumerate(country_codes)}
        self.loc_rows = loc_rows  # GeoNames id -> indices of postings there
        self.min_count = min_count

    @classmethod
    def from_table(cls, table: pa.Table, *, min_count: int = MIN_COUNT) -> PayStats:
        """From a postings table (jobsearch.corpus.table.POSTINGS_SCHEMA columns)."""
        from jobsearch.taxonomy.places import gazetteer

        valid = pc.and_(pc.is_valid(table.column("salary_min")), pc.is_valid(table.column("salary_currency")))
        table = table.filter(pc.and_(valid, pc.invert(pc.is_nan(table.column("salary_min")))))
        smin = table.column("salary_min").to_numpy(zero_copy_only=False).astype(np.float64)
        smax = table.column("salary_max").to_numpy(zero_copy_only=False).astype(np.float64)
        factor = np.ones(len(smin))
        for col, lookup in (("salary_currency", USD_PER_UNIT), ("salary_period", PERIODS_PER_YEAR)):
            enc = table.column(col).combine_chunks().dictionary_encode()
            values = np.array([lookup.get(str(v).upper() if col == "salary_currency" else str(v), np.nan)
                               for v in enc.dictionary.to_pylist()])
            factor *= values[enc.indices.to_numpy(zero_copy_only=False)] if len(values) else 1.0
        pay = (smin + smax) / 2 * factor
        occ_enc = table.column("occupation_code").combine_chunks().dictionary_encode()
        occ = occ_enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        # Location id -> posting rows, via dictionary encoding (no Python loop per row).
        locs = table.column("location_ids").combine_chunks()
        flat = locs.flatten().dictionary_encode()
        parents = pc.list_parent_indices(locs).to_numpy()
        codes = flat.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")
        ids = flat.dictionary.to_pylist()
        bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
        loc_rows = {ids[k]: np.unique(parents[order[bounds[k]:bounds[k + 1]]]) for k in range(len(ids))}
        # Country of each posting's first place, as a small integer code.
        gaz = gazetteer()
        first = pc.list_element(locs, 0).dictionary_encode() if len(locs) else pa.array([], pa.string()).dictionary_encode()
        first_cc = [gaz.cities[i].country_code if i in gaz.cities else "" for i in first.dictionary.to_pylist()]
        countries = sorted(set(first_cc))
        cc_code = np.array([countries.index(c) for c in first_cc] + [-1], dtype=np.int64)
        country = cc_code[first.indices.fill_null(len(first_cc)).to_numpy(zero_copy_only=False)]
        keep = np.isfinite(pay) & (pay > 0)
        if not keep.all():  # unknown currency/period: drop those rows, remap locations
            remap = np.cumsum(keep) - 1
            loc_rows = {k: remap[v[keep[v]]] for k, v in loc_rows.items()}
            pay, occ, country = pay[keep], occ[keep], country[keep]
        return cls(pay, occ, occ_enc.dictionary.to_pylist(), country, countries, loc_rows, min_count=min_count)

    def __len__(self) -> int:
        return len(self.pay)

    def _place_mask(self, location_ids: list[str], country_codes: list[str]) -> np.ndarray | None:
        if not location_ids and not country_codes:
            return None
        mask = np.zeros(len(self.pay), dtype=bool)
        for loc in location_ids:
            rows = self.loc_rows.get(loc)
            if rows is not None:
                mask[rows] = True
        if country_codes:
            mask |= self._country_mask(country_codes)
        return mask

    def _country_mask(self, country_codes: list[str]) -> np.ndarray:
        wanted = [self.country_index[c.upper()] for c in country_codes if c.upper() in self.country_index]
        return np.isin(self.country, wanted) if wanted else np.zeros(len(self.pay), dtype=bool)

    def lookup(self, stat: str, *, occupation_code: str | None, location_ids: list[str],
               country_codes: list[str]) -> PayStat | None:
        """The statistic and the back-off level that produced it (see the module docstring)."""
        if stat not in STATS:
            raise ValueError(f"unknown pay statistic {stat!r}; expected one of {sorted(STATS)}")
        from jobsearch.taxonomy.places import gazetteer

        gaz = gazetteer()
        occ_mask = None
        if occupation_code is not None:
            code = self.occ_index.get(occupation_code, -2)
            occ_mask = self.occupation == code
        place = self._place_mask(location_ids, country_codes)
        countries = sorted({gaz.cities[i].country_code for i in location_ids if i in gaz.cities} | set(country_codes))
        levels: list[tuple[str, np.ndarray | None]] = []
        if occ_mask is not None and place is not None:
            levels.append(("occupation+place", occ_mask & place))
        us_only = bool(countries) and all(c.upper() == "US" for c in countries)
        if occ_mask is not None and us_only:
            levels.append(("bls-oews", None))
        if occ_mask is not None and countries:
            levels.append(("occupation+country", occ_mask & self._country_mask(countries)))
        if occ_mask is not None:
            levels.append(("occupation", occ_mask))
        if place is not None:
            levels.append(("place", place))
        levels.append(("all", np.ones(len(self.pay), dtype=bool)))
        for level, mask in levels:
            if mask is None:
                bls = _bls(stat, occupation_code or "", location_ids)
                if bls is not None:
                    return bls
                continue
            n = int(mask.sum())
            if n >= self.min_count or (level == "all" and n > 0):
                return PayStat(float(np.percentile(self.pay[mask], STATS[stat])), level, n)
        return None

    def annual_usd(self, stat: str, *, occupation_code: str | None, location_ids: list[str],
                   country_codes: list[str]) -> float | None:
        """Annual USD value of `stat` ("median", "p75", "p90"; also "p10", "p25"), or None
        when the corpus has no pay at all."""
        found = self.lookup(stat, occupation_code=occupation_code, location_ids=location_ids,
                            country_codes=country_codes)
        return found.value if found else None


def _bls(stat: str, occupation_code: str, location_ids: list[str]) -> PayStat | None:
    """OEWS value for a US occupation: the first place's metro/state, else national. BLS
    has p10..p90 only, which is every statistic we offer."""
    from jobsearch.taxonomy.pay import us_wages

    w = us_wages(occupation_code, location_ids[0] if location_ids else None)
    if w is None:
        return None
    return PayStat(w.get(stat), f"bls-oews:{w.level}", 0)
