"""Metro areas resolve to real gazetteer cities around their centres."""

from __future__ import annotations

import pytest

from jobsearch.taxonomy.metros import METROS, by_key, metro_ids
from jobsearch.taxonomy.places import gazetteer


@pytest.mark.parametrize("metro", METROS, ids=lambda m: m.key)
def test_every_metro_resolves_inside_its_country(metro) -> None:  # noqa: ANN001
    ids = metro_ids(metro.key)
    g = gazetteer()
    assert len(ids) >= 5
    assert len(set(ids)) == len(ids)
    assert all(g.cities[i].country_code == metro.country for i in ids)


@pytest.mark.parametrize(
    ("key", "inside", "outside"),
    [
        ("silicon-valley", ["Palo Alto", "Sunnyvale", "Mountain View", "San Jose"], ["San Francisco", "Oakland"]),
        ("sf-bay-area", ["San Francisco", "Oakland", "San Jose", "Berkeley"], ["Sacramento", "Los Angeles"]),
        ("seattle-area", ["Seattle", "Bellevue", "Redmond", "Tacoma"], ["Portland", "Spokane"]),
        ("greater-boston", ["Boston", "Cambridge", "Somerville"], ["Worcester", "Providence"]),
        ("ruhr", ["Essen", "Dortmund", "Bochum"], ["Köln", "Düsseldorf"]),
        ("research-triangle", ["Raleigh", "Durham", "Chapel Hill"], ["Charlotte"]),
    ],
)
def test_metro_membership(key: str, inside: list[str], outside: list[str]) -> None:
    names = {gazetteer().cities[i].name for i in metro_ids(key)}
    assert set(inside) <= names
    assert not set(outside) & names


def test_unknown_metro_key() -> None:
    with pytest.raises(KeyError):
        metro_ids("atlantis")
    assert "ruhr" in by_key()
