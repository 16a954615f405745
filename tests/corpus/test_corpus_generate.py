from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from jobsearch.corpus.generate import generate_corpus
from jobsearch.corpus.members import load_companies, load_members
from jobsearch.corpus.table import read_postings, row_to_posting
from jobsearch.taxonomy.currency import to_annual_usd
from jobsearch.taxonomy.pay import us_wages
from jobsearch.taxonomy.places import gazetteer

NOW = datetime(2026, 11, 20, tzinfo=UTC)  # the fixtures' reference time (tests/corpus/conftest.py)


def test_same_seed_same_corpus(tmp_path: Path, small_corpus: Path) -> None:
    generate_corpus(tmp_path, n_jobs=2000, seed=3, n_members=20, now=NOW, progress=False)
    assert read_postings(tmp_path).equals(read_postings(small_corpus))
    for name in ("companies.jsonl", "members.jsonl", "corpus.json"):
        assert (tmp_path / name).read_bytes() == (small_corpus / name).read_bytes()


def test_other_seed_other_corpus(tmp_path: Path, small_corpus: Path) -> None:
    generate_corpus(tmp_path, n_jobs=2000, seed=4, n_members=0, now=NOW, progress=False)
    a, b = read_postings(tmp_path), read_postings(small_corpus)
    assert a.column("title").to_pylist() != b.column("title").to_pylist()
    assert not set(a.column("job_id").to_pylist()) & set(b.column("job_id").to_pylist())


def test_every_row_validates_as_posting(small_corpus: Path) -> None:
    table = read_postings(small_corpus)
    postings = [row_to_posting(r) for r in table.to_pylist()]
    assert len({p.job_id for p in postings}) == len(postings) == 2000
    cities = gazetteer().cities
    assert all(loc in cities for p in postings for loc in p.location_ids)


def test_summary_and_side_files(small_corpus: Path) -> None:
    meta = json.loads((small_corpus / "corpus.json").read_text())
    assert meta["seed"] == 3 and meta["n_jobs"] == 2000 and meta["now"].startswith("2026-11-20")
    companies = load_companies(small_corpus)
    ids = {c.id for c in companies}
    assert ids == set(read_postings(small_corpus).column("company_id").to_pylist())
    assert len({c.name for c in companies}) == len(companies)  # names are unique
    heads = [c.name.split()[0].lower() for c in companies]
    assert len(set(heads)) == len(heads)  # and so is their first word: a query can name them
    cities = {c.name.lower() for c in gazetteer().cities.values()}
    assert not [h for h in heads if h in cities]
    assert sum(c.type == "staffing" for c in companies) >= 0.1 * len(companies)
    members = load_members(small_corpus)
    assert sorted(members) == [f"m{i:03d}" for i in range(1, 21)]
    table = read_postings(small_corpus)
    hiring: dict[str, set[str]] = {}
    for occ, cid in zip(table.column("occupation_code").to_pylist(), table.column("company_id").to_pylist(),
                        strict=True):
        hiring.setdefault(occ, set()).add(cid)
    for m in members.values():
        assert m.connection_company_ids and set(m.connection_company_ids) <= ids
        assert m.location_id in gazetteer().cities and m.skills and m.headline
        if len(hiring[m.occupation_code]) > 2:  # some connections work where the member's field hires
            assert set(m.connection_company_ids) & hiring[m.occupation_code]
    assert members["m001"].occupation_code == "15-1243.00"
    assert gazetteer().cities[members["m001"].location_id].name == "Berlin"


def test_rejects_bad_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="n_jobs"):
        generate_corpus(tmp_path, n_jobs=0, progress=False)


def test_titles_vary_realistically(small_corpus: Path) -> None:
    titles = read_postings(small_corpus).column("title").to_pylist()
    assert len(set(titles)) > 600
    assert any(t.startswith("Senior ") for t in titles)
    assert any(t.endswith(" II") for t in titles)
    assert any(", " in t for t in titles)  # team suffixes ("..., Payments")


def test_description_opens_with_role_and_skills(small_corpus: Path) -> None:
    for row in read_postings(small_corpus).slice(0, 200).to_pylist():
        first = row["description"].split(" What you will do:")[0]
        assert row["title"] in first
        assert row["skills"][0] in first


@pytest.mark.slow
def test_distributions_20k(table_20k: pa.Table) -> None:
    gaz = gazetteer()
    first = pc.list_element(table_20k.column("location_ids"), 0).to_pylist()
    assert len(set(first)) >= 300
    assert len({gaz.cities[i].country_code for i in first}) >= 12
    occ = table_20k.column("occupation_code").to_pylist()
    assert len(set(occ)) >= 60 and len({o[:2] for o in occ}) >= 10
    staffing = np.array(table_20k.column("company_type").to_pylist()) == "staffing"
    assert 0.10 <= staffing.mean() <= 0.3
    wp = np.array(table_20k.column("workplace").to_pylist())
    share = table_20k.column("remote_share").to_numpy()
    assert (share[wp == "onsite"] == 0).all() and (share[wp == "remote"] == 1).all()
    hybrid = share[wp == "hybrid"]
    assert hybrid.min() >= 0.2 - 1e-6 and hybrid.max() <= 0.8 + 1e-6
    assert 0.05 < (wp == "remote").mean() < 0.25 and 0.2 < (wp == "hybrid").mean() < 0.45
    no_pay = table_20k.column("salary_min").null_count / table_20k.num_rows
    assert 0.1 < no_pay < 0.2
    periods = set(table_20k.column("salary_period").to_pylist())
    assert periods == {"year", "month", "hour", None}
    posted = table_20k.column("posted_at").to_pylist()
    assert min(posted) >= NOW - timedelta(days=60) and max(posted) < NOW


@pytest.mark.slow
def test_currency_is_local(table_20k: pa.Table) -> None:
    gaz = gazetteer()
    rows = table_20k.select(["location_ids", "salary_currency"]).to_pylist()
    expected = {"US": "USD", "DE": "EUR", "GB": "GBP", "JP": "JPY", "IN": "INR", "CH": "CHF"}
    for r in rows:
        cc = gaz.cities[r["location_ids"][0]].country_code
        if r["salary_currency"] and cc in expected:
            assert r["salary_currency"] == expected[cc]


@pytest.mark.slow
def test_us_pay_follows_oews_percentiles(table_20k: pa.Table) -> None:
    """Mid-level US software developer pay sits around the metro median from BLS OEWS."""
    ratios = []
    for r in table_20k.to_pylist():
        if (r["occupation_code"] == "15-1252.00" and r["salary_period"] == "year" and r["seniority"] == "mid"
                and gaz_country(r["location_ids"][0]) == "US"):
            w = us_wages("15-1252.00", r["location_ids"][0])
            mid = (r["salary_min"] + r["salary_max"]) / 2
            ratios.append(mid / w.median)
    assert len(ratios) >= 30
    assert 0.8 < float(np.median(ratios)) < 1.2
    assert min(ratios) > 0.55 and max(ratios) < 1.5


@pytest.mark.slow
def test_all_pay_is_plausible(table_20k: pa.Table) -> None:
    rows = table_20k.filter(pc.is_valid(table_20k.column("salary_min"))).to_pylist()
    annual = np.array([to_annual_usd((r["salary_min"] + r["salary_max"]) / 2, r["salary_currency"],
                                     r["salary_period"]) for r in rows])
    assert annual.min() > 1_500 and annual.max() < 800_000  # an entry cashier in India earns ~3k USD
    assert 35_000 < np.median(annual) < 110_000


@pytest.mark.slow
def test_demo_query_has_plenty_of_matches(table_20k: pa.Table) -> None:
    """'data engineer jobs in Berlin paying at least 70k euros, posted this week'."""
    berlin = next(c.id for c in gazetteer().cities_in("DE") if c.name == "Berlin")
    hits = [r for r in table_20k.to_pylist()
            if berlin in r["location_ids"] and r["occupation_code"] == "15-1243.00"
            and r["posted_at"] >= NOW - timedelta(days=7) and r["salary_currency"] == "EUR"
            and r["salary_period"] == "year" and r["salary_max"] >= 70_000]
    assert len(hits) >= 8


def gaz_country(city_id: str) -> str:
    return gazetteer().cities[city_id].country_code


@pytest.mark.slow
def test_same_corpus_in_another_process(tmp_path: Path) -> None:
    """Set iteration order changes between processes (hash seeds); the corpus must not."""
    import os
    import subprocess
    import sys

    here, there = tmp_path / "here", tmp_path / "there"
    generate_corpus(here, n_jobs=500, seed=8, n_members=5, now=NOW, progress=False)
    code = ("from pathlib import Path; from datetime import datetime, UTC; "
            "from jobsearch.corpus.generate import generate_corpus; "
            f"generate_corpus(Path({str(there)!r}), n_jobs=500, seed=8, n_members=5, "
            "now=datetime(2026, 11, 20, tzinfo=UTC), progress=False)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    for name in ("postings.parquet", "companies.jsonl", "members.jsonl", "corpus.json"):
        assert (here / name).read_bytes() == (there / name).read_bytes(), name
