"""Attributes mined per occupation and place at index build (jobsearch.index.attributes):
every mined number against a brute-force count over the same postings, the file written
with the set (verified, never half-written), recomputed by compaction, and the nearest
group found by a query vector within the filters' places."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from index_fixtures import unit

from jobsearch.errors import CorruptShardSetError
from jobsearch.index import layout
from jobsearch.index.attributes import ANY, ATTRIBUTES, CITY, COUNTRY, Attributes, mine
from jobsearch.schema import Filters

SEATTLE, LONDON, BERLIN = "5809844", "2643743", "2950159"
SWE = "15-1252.00"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, pa.Table]:
    """A small generated corpus (real occupations, places, skills, pay) and seeded unit vectors
    clustered by occupation."""
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.corpus.table import read_postings

    out = tmp_path_factory.mktemp("attr-corpus")
    generate_corpus(out, n_jobs=800, seed=5, progress=False)
    table = read_postings(out)
    # Vectors that mean something: one direction per occupation, plus noise.
    rng = np.random.default_rng(5)
    codes = table.column("occupation_code").to_pylist()
    centre = {c: unit(rng.standard_normal(32)) for c in sorted(set(codes))}
    vectors = unit(np.stack([centre[c] for c in codes]) + 0.3 * rng.standard_normal((len(codes), 32)))
    return vectors, table


@pytest.fixture(scope="module")
def mined(generated: tuple[np.ndarray, pa.Table]) -> Attributes:
    return mine(*generated)


def _country(city: str) -> str:
    from jobsearch.taxonomy.places import gazetteer

    c = gazetteer().cities.get(city)
    return c.country_code if c else ""


def _members(table: pa.Table, occupation: str | None, kind: int, place: str) -> list[int]:
    """Rows of one group, the slow way."""
    out = []
    for i, r in enumerate(table.to_pylist()):
        if occupation is not None and r["occupation_code"] != occupation:
            continue
        if kind == CITY and place not in r["location_ids"]:
            continue
        if kind == COUNTRY and place not in {_country(c) for c in r["location_ids"]}:
            continue
        out.append(i)
    return out


def _group(attrs: Attributes, occupation: str | None, kind: int, place: str) -> int:
    occ = -1 if occupation is None else attrs.occupation_codes.index(occupation)
    hit = np.flatnonzero((attrs.occupation == occ) & (attrs.kind == kind) & (attrs.place == place))
    assert len(hit) == 1, (occupation, kind, place)
    return int(hit[0])


def _top(counter: Counter[str], n: int) -> list[list[object]]:
    return [[k, v] for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def test_top_skills_titles_and_employers_of_an_occupation_match_a_brute_force_count(
    generated: tuple[np.ndarray, pa.Table], mined: Attributes
) -> None:
    from jobsearch.taxonomy.skills import skills_for

    _, table = generated
    rows = table.to_pylist()
    top_occ = Counter(r["occupation_code"] for r in rows).most_common(1)[0][0]
    for occupation in {top_occ, SWE}:
        members = _members(table, occupation, ANY, "")
        meta = mined.meta(_group(mined, occupation, ANY, ""))
        skills = Counter(s for i in members for s in rows[i]["skills"])
        assert meta["skills"] == _top(skills, 8)
        assert meta["titles"] == _top(Counter(rows[i]["title"] for i in members), 5)
        employers = Counter(rows[i]["company_id"] for i in members)
        assert [[cid, n] for cid, _, n in meta["employers"]] == _top(employers, 5)
        assert meta["workplace"] == dict(Counter(rows[i]["workplace"] for i in members))
        # The generator draws an occupation's skills from its taxonomy entry: the mined
        # top skills of software developers are software skills.
        if occupation == SWE:
            assert {s for s, _ in meta["skills"]} <= set(skills_for(SWE))


def test_place_groups_counts_vectors_and_pay_bands_match_brute_force(
    generated: tuple[np.ndarray, pa.Table], mined: Attributes
) -> None:
    vectors, table = generated
    rows = table.to_pylist()
    checked = 0
    for i in range(len(mined)):
        occ = None if mined.occupation[i] < 0 else mined.occupation_codes[mined.occupation[i]]
        kind, place = int(mined.kind[i]), str(mined.place[i])
        if kind == ANY and occ is not None and checked > 3:
            continue  # every place group, a few occupation-wide ones
        members = _members(table, occ, kind, place)
        assert mined.count[i] == len(members) >= 5
        mean = vectors[members].astype(np.float64).sum(axis=0)
        np.testing.assert_allclose(mined.vectors[i].astype(np.float32), mean / np.linalg.norm(mean), atol=2e-3)
        bands: dict[tuple[str, str], list[float]] = {}
        for m in members:
            r = rows[m]
            if r["salary_currency"] and r["salary_period"] and r["salary_min"]:
                bands.setdefault((r["salary_currency"], r["salary_period"]), []).append(
                    (r["salary_min"] + r["salary_max"]) / 2)
        for band in mined.meta(i)["pay"]:
            values = bands[(band["currency"], band["period"])]
            assert band["n"] == len(values)
            np.testing.assert_allclose([band["p25"], band["p50"], band["p75"]],
                                       np.percentile(values, [25, 50, 75]), atol=0.01)
        checked += 1
    assert checked > 20
    assert {int(k) for k in mined.kind} == {ANY, COUNTRY, CITY}


def test_small_groups_are_left_out_and_the_largest_kept(generated: tuple[np.ndarray, pa.Table]) -> None:
    vectors, table = generated
    capped = mine(vectors, table, max_groups=10)
    assert len(capped) == 10
    every = mine(vectors, table, min_group=1)
    assert sorted(capped.count.tolist()) == sorted(every.count.tolist())[-10:]
    assert every.count.min() == 1


def test_round_trip_through_the_file(tmp_path: Path, mined: Attributes) -> None:
    mined.save(tmp_path / ATTRIBUTES)
    back = Attributes.from_bytes((tmp_path / ATTRIBUTES).read_bytes())
    assert len(back) == len(mined)
    np.testing.assert_array_equal(back.vectors, mined.vectors)
    np.testing.assert_array_equal(back.place, mined.place)
    assert [back.meta(i) for i in range(len(back))] == [mined.meta(i) for i in range(len(mined))]


# --- with the shard set -------------------------------------------------------------------


def test_the_file_is_written_into_the_set_and_verified_with_it(
    tmp_path: Path, generated: tuple[np.ndarray, pa.Table]
) -> None:
    from jobsearch.index.build import build_from_arrays
    from jobsearch.index.shardset import load_set

    vectors, table = generated
    set_dir = build_from_arrays(tmp_path, vectors, table, model_id="m", shards=2)
    manifest = layout.Manifest.read(set_dir)
    assert ATTRIBUTES in manifest.files  # its sha256 is checked with every other file
    loaded = load_set(set_dir)
    assert loaded.attributes is not None and len(loaded.attributes) == len(mine(vectors, table))
    # A damaged file is refused with the set, never served.
    path = set_dir / ATTRIBUTES
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CorruptShardSetError, match="attributes.npz"):
        load_set(set_dir)


def test_a_build_that_fails_while_mining_publishes_nothing(
    tmp_path: Path, generated: tuple[np.ndarray, pa.Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobsearch.index import attributes as attributes_module
    from jobsearch.index.build import build_from_arrays

    vectors, table = generated
    first = build_from_arrays(tmp_path, vectors, table, model_id="m")

    def broken(set_dir: Path, *_: object) -> dict[str, str]:
        (set_dir / ATTRIBUTES).write_bytes(b"half")
        raise OSError("disk went away mid-write")

    monkeypatch.setattr(attributes_module, "write_attributes", broken)
    with pytest.raises(OSError, match="mid-write"):
        build_from_arrays(tmp_path, vectors, table, model_id="m")
    # The half-written folder is gone and the active set is still the first, whole one.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("set-", ".tmp-"))) == [first.name]
    assert layout.active_set(tmp_path) == first


def test_a_set_built_before_attributes_has_none(tmp_path: Path, generated: tuple[np.ndarray, pa.Table]) -> None:
    from jobsearch.index.attributes import read_attributes

    manifest = layout.Manifest(format_version=1, set_version="v", model_id="m", dim=16, dtype="float16", rows=0,
                               shards=[], created="", corpus_fingerprint="", files={})
    assert read_attributes(tmp_path, manifest) is None


def test_compaction_recomputes_the_attributes_from_the_live_rows(
    tmp_path: Path, generated: tuple[np.ndarray, pa.Table]
) -> None:
    from jobsearch.index import FlatIndex
    from jobsearch.index.build import build_from_arrays

    vectors, table = generated
    build_from_arrays(tmp_path, vectors[:500], table.slice(0, 500), model_id="m")
    index = FlatIndex.open(tmp_path)
    index.add(vectors[500:], table.slice(500))
    index.remove([str(j) for j in table.column("job_id").to_pylist()[:50]])
    index.compact()
    live = pa.concat_tables([table.slice(50, 450), table.slice(500)])
    want = mine(np.concatenate([vectors[50:500], vectors[500:]]), live)
    got = index.view.base.attributes
    assert got is not None
    assert sorted(got.count.tolist()) == sorted(want.count.tolist())
    assert int(got.count[(got.kind == ANY) & (got.occupation < 0)][0]) == len(live)


# --- finding the group of a query ---------------------------------------------------------


def test_nearest_finds_the_occupation_of_the_query_vector_within_the_place(mined: Attributes) -> None:
    swe = mined.occupation_codes.index(SWE)
    i = _group(mined, SWE, ANY, "")
    query = mined.vectors[i].astype(np.float32)  # a query pointing at software developers
    anywhere = mined.nearest(query, Filters())
    assert anywhere is not None and anywhere.occupation_code == SWE and anywhere.kind == "any"
    assert anywhere.score == pytest.approx(1.0, abs=1e-2)
    # With a place: only groups there (the city's, else its country's), never another place's.
    for city in (SEATTLE, LONDON, BERLIN):
        got = mined.nearest(query, Filters(location_ids=[city]))
        assert got is not None
        assert (got.kind, got.places) in [("city", [city]), ("country", [_country(city)])]
        if got.occupation_code is None:  # no software group there: the place's own group
            assert not ((mined.occupation == swe) & (mined.place == city)).any()
    # Several cities (a metro): the groups of one occupation there merge, counts add up.
    cities = [SEATTLE, LONDON, BERLIN]
    many = mined.nearest(query, Filters(location_ids=cities))
    assert many is not None
    if many.kind == "city":
        occ = -1 if many.occupation_code is None else mined.occupation_codes.index(many.occupation_code)
        same = mined.at(CITY, cities) & (mined.occupation == occ)
        assert many.count == int(mined.count[same].sum()) and sorted(many.places) == sorted(mined.place[same])
    # Without words of its own, or far from every occupation: the place's all-jobs group.
    plain = mined.nearest(query, Filters(country_codes=["US"]), by_meaning=False)
    assert plain is not None and plain.occupation_code is None and plain.places == ["US"]
    assert plain.count == int(mined.count[_group(mined, None, COUNTRY, "US")])
    far = mined.nearest(-query, Filters(country_codes=["US"]))
    assert far is not None and far.occupation_code is None
    # A place with no postings: no group.
    assert mined.nearest(query, Filters(location_ids=["999999999"])) is None


def test_an_excluded_place_is_never_the_group(mined: Attributes) -> None:
    query = mined.vectors[_group(mined, SWE, ANY, "")].astype(np.float32)
    for by_meaning in (True, False):
        got = mined.nearest(query, Filters(location_ids=[SEATTLE, LONDON], exclude_location_ids=[SEATTLE]),
                            by_meaning=by_meaning)
        assert got is not None and SEATTLE not in got.places and "US" not in got.places
        assert got.places in (["GB"], [LONDON])


def test_a_city_and_its_own_country_count_each_posting_once(mined: Attributes) -> None:
    query = mined.vectors[_group(mined, SWE, ANY, "")].astype(np.float32)
    both = mined.nearest(query, Filters(location_ids=[SEATTLE], country_codes=["US", "GB"]), by_meaning=False)
    assert both is not None and sorted(both.places) == ["GB", "US"]
    assert both.count == int(mined.count[_group(mined, None, COUNTRY, "US")] + mined.count[_group(mined, None, COUNTRY, "GB")])
    assert both.label() in ("Jobs in United States and United Kingdom", "Jobs in United Kingdom and United States")
    mixed = mined.nearest(query, Filters(location_ids=[LONDON], country_codes=["US"]), by_meaning=False)
    assert mixed is not None and sorted(mixed.places) == sorted([LONDON, "US"])
    assert "London" in mixed.label() and "United States" in mixed.label()
