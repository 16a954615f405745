from __future__ import annotations

from jobsearch.taxonomy import pay
from jobsearch.taxonomy.occupations import occupations
from jobsearch.taxonomy.places import gazetteer


def _us_city(name: str, state: str) -> str:
    return next(c.id for c in gazetteer().cities_in("US") if c.name == name and c.admin1_code == state)


def test_national_software_developer_wages_match_bls() -> None:
    w = pay.us_wages("15-1252.00")
    assert w is not None and w.level == "national"
    assert w.median == 135_980
    assert w.p10 < w.p25 < w.median < w.p75 < w.p90


def test_metro_wages_for_principal_cities_and_suburbs() -> None:
    seattle = pay.us_wages("15-1252.00", _us_city("Seattle", "WA"))
    assert (seattle.level, seattle.median) == ("metro", 167_280)
    assert "Seattle" in seattle.area_name
    san_jose = pay.metro_for_city(_us_city("San Jose", "CA"))
    assert pay.metro_for_city(_us_city("Sunnyvale", "CA")) == san_jose  # a named principal city
    assert pay.metro_for_city(_us_city("Palo Alto", "CA")) == san_jose  # joined by distance
    assert pay.us_wages("15-1252.00", _us_city("Palo Alto", "CA")).median == 213_110


def test_state_fallback_and_unknown_occupation() -> None:
    metros = pay.city_metros()
    rural = next(c for c in gazetteer().cities_in("US") if c.id not in metros and c.admin1_code == "TX")
    w = pay.us_wages("29-1141.00", rural.id)
    assert w is not None and w.level == "state" and w.area_name == "Texas"
    assert pay.us_wages("99-9999.00") is None


def test_every_generated_occupation_has_national_wages() -> None:
    missing = [o.code for o in occupations() if pay.us_wages(o.code) is None]
    assert not missing


def test_most_us_cities_map_to_a_metro() -> None:
    us = gazetteer().cities_in("US")
    assert len(pay.city_metros()) / len(us) > 0.8
