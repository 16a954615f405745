"""Which GeoNames cities a generated corpus posts in, and how often: the biggest cities of
23 countries, weighted by population and country share, with a boost for tech hubs (where
tech occupations are also more common)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jobsearch.taxonomy.places import gazetteer

# Country -> (share of postings, number of its biggest cities used).
COUNTRIES: dict[str, tuple[float, int]] = {
    "US": (0.34, 170), "GB": (0.08, 40), "DE": (0.09, 45), "FR": (0.05, 25), "NL": (0.03, 12),
    "ES": (0.03, 15), "IT": (0.025, 15), "IE": (0.015, 6), "CA": (0.05, 25), "AU": (0.03, 12),
    "IN": (0.06, 30), "SG": (0.015, 1), "JP": (0.02, 15), "BR": (0.025, 15), "MX": (0.015, 12),
    "PL": (0.02, 12), "SE": (0.015, 8), "CH": (0.015, 8), "AT": (0.01, 6), "BE": (0.01, 8),
    "DK": (0.01, 5), "PT": (0.01, 6), "NZ": (0.005, 4),
}
# Tech hubs: more postings, and tech occupations over-represented there.
TECH_HUBS: frozenset[tuple[str, str]] = frozenset({
    ("San Francisco", "US"), ("San Jose", "US"), ("Seattle", "US"), ("New York City", "US"),
    ("Austin", "US"), ("Boston", "US"), ("Mountain View", "US"), ("Palo Alto", "US"),
    ("Sunnyvale", "US"), ("Santa Clara", "US"), ("Redmond", "US"), ("Bellevue", "US"),
    ("Denver", "US"), ("London", "GB"), ("Cambridge", "GB"), ("Berlin", "DE"), ("Munich", "DE"),
    ("Hamburg", "DE"), ("Amsterdam", "NL"), ("Paris", "FR"), ("Dublin", "IE"), ("Bengaluru", "IN"),
    ("Hyderabad", "IN"), ("Toronto", "CA"), ("Vancouver", "CA"), ("Singapore", "SG"),
    ("Sydney", "AU"), ("Stockholm", "SE"), ("Zurich", "CH"), ("Warsaw", "PL"), ("Barcelona", "ES"),
    ("Lisbon", "PT"), ("Copenhagen", "DK"), ("Tokyo", "JP"), ("São Paulo", "BR"),
})
HUB_BOOST = 2.2
# The demo query asks for Berlin; the biggest hubs get a little more on top of HUB_BOOST.
CITY_BOOST: dict[tuple[str, str], float] = {
    ("Berlin", "DE"): 1.7, ("London", "GB"): 1.2, ("San Francisco", "US"): 1.5, ("Seattle", "US"): 1.4,
    ("Munich", "DE"): 1.2, ("Amsterdam", "NL"): 1.2,
}
# Extra US cities in Silicon Valley and around Seattle that the population cut would miss.
_ALWAYS = {("Mountain View", "US"), ("Palo Alto", "US"), ("Sunnyvale", "US"), ("Santa Clara", "US"),
           ("Redmond", "US"), ("Bellevue", "US"), ("Cambridge", "GB")}


@dataclass(frozen=True, slots=True)
class CityTable:
    ids: list[str]
    names: list[str]
    country: np.ndarray  # ISO code per city (str array)
    population: np.ndarray
    hub: np.ndarray  # bool
    weight: np.ndarray  # sampling probability, sums to 1


def _matches(city_name: str, alternates: tuple[str, ...], wanted: str) -> bool:
    return city_name == wanted or wanted in alternates


@lru_cache(maxsize=1)
def city_table() -> CityTable:
    gaz = gazetteer()
    chosen = []
    for cc, (share, n) in COUNTRIES.items():
        cities = sorted(gaz.cities_in(cc), key=lambda c: (-c.population, c.id))
        picked = cities[:n]
        for name, code in sorted(_ALWAYS):
            if code == cc:
                extra = [c for c in cities if c.name == name][:1]
                picked += [c for c in extra if c not in picked]
        pops = np.array([max(c.population, 1) for c in picked], dtype=np.float64)
        hub = np.array([any(_matches(c.name, c.alternate_names, h) for h, hc in TECH_HUBS if hc == cc)
                        for c in picked])
        boost = np.array([CITY_BOOST.get((c.name, cc), 1.0) for c in picked])
        w = pops**0.75 * np.where(hub, HUB_BOOST, 1.0) * boost
        w = np.maximum(w, 0.15 * w.mean())  # small cities still show up
        w = share * w / w.sum()
        chosen += [(c, bool(h), float(x)) for c, h, x in zip(picked, hub, w, strict=True)]
    weight = np.array([x for _, _, x in chosen])
    return CityTable(
        ids=[c.id for c, _, _ in chosen],
        names=[c.name for c, _, _ in chosen],
        country=np.array([c.country_code for c, _, _ in chosen]),
        population=np.array([c.population for c, _, _ in chosen]),
        hub=np.array([h for _, h, _ in chosen]),
        weight=weight / weight.sum(),
    )
