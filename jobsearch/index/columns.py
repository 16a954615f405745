"""Filter columns of a segment: the posting attributes strict filters test, as compact
numpy arrays (codes into small vocabularies), built from a POSTINGS_SCHEMA table.

Masks (`jobsearch.index.masks`) read only these; the display records travel separately."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jobsearch.filtering import gazetteer_country
from jobsearch.schema import COMPANY_TYPES, EMPLOYMENT_TYPES, SENIORITIES, WORKPLACES
from jobsearch.taxonomy.currency import PERIODS_PER_YEAR, USD_PER_UNIT

UNKNOWN_CODE = 255  # an enum value outside the schema's tuple: fails every filter on it


@dataclass(frozen=True)
class Vocab:
    """String vocabularies the integer columns point into (one per shard set or segment)."""

    places: list[str]  # GeoNames ids
    place_country: np.ndarray  # int16: country code id of each place (-1 unknown)
    countries: list[str]
    companies: list[str]

    def to_json(self) -> dict[str, object]:
        return {
            "places": self.places,
            "place_country": self.place_country.tolist(),
            "countries": self.countries,
            "companies": self.companies,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Vocab:
        return cls(
            places=list(data["places"]),  # type: ignore[call-overload]
            place_country=np.asarray(data["place_country"], dtype=np.int16),
            countries=list(data["countries"]),  # type: ignore[call-overload]
            companies=list(data["companies"]),  # type: ignore[call-overload]
        )


@dataclass(frozen=True)
class Columns:
    loc_offsets: np.ndarray  # int64 (rows+1): CSR offsets into loc_codes
    loc_codes: np.ndarray  # int32 place codes
    workplace: np.ndarray  # uint8 codes in WORKPLACES order
    seniority: np.ndarray  # uint8, SENIORITIES
    employment_type: np.ndarray  # uint8, EMPLOYMENT_TYPES
    company_type: np.ndarray  # uint8, COMPANY_TYPES
    company: np.ndarray  # int32 company codes
    remote_share: np.ndarray  # float32
    salary_usd: np.ndarray  # float64 annual USD of salary max, NaN when absent
    posted_at: np.ndarray  # int64 epoch seconds

    @property
    def rows(self) -> int:
        return int(self.workplace.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self))

    def save(self, folder: Path) -> dict[str, Path]:
        out = {}
        for f in fields(self):
            path = folder / f"col.{f.name}.npy"
            np.save(path, getattr(self, f.name), allow_pickle=False)
            out[f.name] = path
        return out

    @classmethod
    def load(cls, folder: Path) -> Columns:
        return cls(**{f.name: np.load(folder / f"col.{f.name}.npy", allow_pickle=False) for f in fields(cls)})

    @classmethod
    def file_names(cls) -> list[str]:
        return [f"col.{f.name}.npy" for f in fields(cls)]

    def take(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Flat columns of some rows (locations excluded), for tests and statistics."""
        return {f.name: getattr(self, f.name)[rows] for f in fields(self) if not f.name.startswith("loc_")}


def _codes(values: pa.ChunkedArray | pa.Array, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Strings -> uint8 positions in `vocabulary`; anything else -> UNKNOWN_CODE."""
    idx = pc.index_in(values, value_set=pa.array(vocabulary, pa.string()))
    return pc.fill_null(idx, UNKNOWN_CODE).to_numpy(zero_copy_only=False).astype(np.uint8)


def _salary_usd(table: pa.Table) -> np.ndarray:
    top = table.column("salary_max").to_numpy(zero_copy_only=False).astype(np.float64)
    cur = pc.utf8_upper(table.column("salary_currency"))
    rate_codes = pc.index_in(cur, value_set=pa.array(list(USD_PER_UNIT), pa.string()))
    rates = np.array([*USD_PER_UNIT.values(), np.nan])
    rate = rates[pc.fill_null(rate_codes, len(USD_PER_UNIT)).to_numpy(zero_copy_only=False)]
    per_codes = pc.index_in(table.column("salary_period"), value_set=pa.array(list(PERIODS_PER_YEAR)))
    periods = np.array([*PERIODS_PER_YEAR.values(), np.nan])
    per = periods[pc.fill_null(per_codes, len(PERIODS_PER_YEAR)).to_numpy(zero_copy_only=False)]
    # Same operation order as currency.to_annual_usd so index and reference agree bit for bit.
    return top * per * rate  # NaN wherever salary, currency or period is missing/unknown


def build_columns(
    table: pa.Table, *, country_of: Callable[[str], str] | None = None
) -> tuple[Columns, Vocab]:
    """Filter columns and their vocabularies for a POSTINGS_SCHEMA table (vectorised)."""
    country_of = country_of or gazetteer_country
    locs = table.column("location_ids").combine_chunks()
    if locs.null_count:
        locs = pc.fill_null(locs, pa.scalar([], pa.list_(pa.string())))
    offsets = locs.offsets.to_numpy().astype(np.int64)
    offsets = offsets - offsets[0]
    flat = locs.flatten()
    places_arr, loc_codes = np.unique(flat.to_numpy(zero_copy_only=False).astype(str), return_inverse=True)
    places = [str(p) for p in places_arr]
    country_names = [country_of(p) for p in places]
    countries = sorted({c for c in country_names if c})
    cidx = {c: i for i, c in enumerate(countries)}
    place_country = np.array([cidx.get(c, -1) for c in country_names], dtype=np.int16)

    companies_arr, company = np.unique(
        table.column("company_id").to_numpy(zero_copy_only=False).astype(str), return_inverse=True
    )
    posted = table.column("posted_at").cast(pa.timestamp("s", tz="UTC")).cast(pa.int64())
    if posted.null_count:
        raise ValueError("posted_at is missing in some rows")
    columns = Columns(
        loc_offsets=offsets,
        loc_codes=loc_codes.astype(np.int32).reshape(-1),
        workplace=_codes(table.column("workplace"), WORKPLACES),
        seniority=_codes(table.column("seniority"), SENIORITIES),
        employment_type=_codes(table.column("employment_type"), EMPLOYMENT_TYPES),
        company_type=_codes(table.column("company_type"), COMPANY_TYPES),
        company=company.astype(np.int32).reshape(-1),
        remote_share=table.column("remote_share").to_numpy(zero_copy_only=False).astype(np.float32),  # null -> NaN
        salary_usd=_salary_usd(table),
        posted_at=posted.to_numpy(zero_copy_only=False).astype(np.int64),
    )
    vocab = Vocab(places=places, place_country=place_country, countries=countries, companies=[str(c) for c in companies_arr])
    return columns, vocab
