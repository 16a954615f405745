from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from jobsearch.corpus.table import postings_to_table
from jobsearch.paystats import PayStats
from jobsearch.schema import Company, Posting, Salary

BERLIN, MUNICH, SEATTLE = "2950159", "2867714", "5809844"


def posting(i: int, *, loc: str, occ: str | None, pay: float | None, currency: str = "EUR",
            period: str = "year") -> Posting:
    return Posting(
        job_id=f"j{i}", title="t", description="d", company=Company(id="c", name="C"), location_ids=[loc],
        workplace="onsite", remote_share=0.0, posted_at=datetime(2026, 11, 1, tzinfo=UTC),
        seniority="mid", employment_type="full_time", occupation_code=occ,
        salary=Salary(min=pay, max=pay, currency=currency, period=period) if pay else None,
    )


@pytest.fixture(scope="module")
def stats() -> PayStats:
    rows = [posting(i, loc=BERLIN, occ="15-1243.00", pay=60_000 + 1000 * i) for i in range(25)]  # 60k..84k EUR
    rows += [posting(100 + i, loc=MUNICH, occ="15-1243.00", pay=5000, period="month") for i in range(5)]
    rows += [posting(200 + i, loc=MUNICH, occ="29-1141.00", pay=40_000) for i in range(30)]
    rows += [posting(300, loc=BERLIN, occ=None, pay=None)]
    rows += [posting(400 + i, loc=SEATTLE, occ="29-1141.00", pay=50, currency="USD", period="hour") for i in range(3)]
    return PayStats.from_table(postings_to_table(rows))


def test_occupation_and_place(stats: PayStats) -> None:
    found = stats.lookup("median", occupation_code="15-1243.00", location_ids=[BERLIN], country_codes=[])
    assert found.level == "occupation+place" and found.n == 25
    assert found.value == pytest.approx(72_000 * 1.12)
    p90 = stats.annual_usd("p90", occupation_code="15-1243.00", location_ids=[BERLIN], country_codes=[])
    assert p90 == pytest.approx(np.percentile(np.arange(60_000, 85_000, 1000), 90) * 1.12)


def test_backs_off_to_country_then_occupation(stats: PayStats) -> None:
    munich = stats.lookup("median", occupation_code="15-1243.00", location_ids=[MUNICH], country_codes=[])
    assert munich.level == "occupation+country" and munich.n == 30  # only 5 in Munich: all of Germany
    anywhere = stats.lookup("median", occupation_code="15-1243.00", location_ids=[], country_codes=[])
    assert anywhere.level == "occupation" and anywhere.n == 30


def test_place_only_and_all(stats: PayStats) -> None:
    de = stats.lookup("median", occupation_code=None, location_ids=[], country_codes=["de"])
    assert de.level == "place" and de.n == 60
    assert stats.lookup("median", occupation_code=None, location_ids=[], country_codes=[]).level == "all"
    unknown = stats.lookup("median", occupation_code="11-1011.00", location_ids=[], country_codes=[])
    assert unknown.level == "all" and unknown.n == 63


def test_us_places_use_bls_oews(stats: PayStats) -> None:
    found = stats.lookup("median", occupation_code="15-1252.00", location_ids=[SEATTLE], country_codes=[])
    assert found.level == "bls-oews:metro" and found.value == 167_280
    nurses = stats.lookup("p75", occupation_code="29-1141.00", location_ids=[], country_codes=["US"])
    assert nurses.level == "bls-oews:national"


def test_unknown_stat(stats: PayStats) -> None:
    with pytest.raises(ValueError, match="unknown pay statistic 'p99'"):
        stats.annual_usd("p99", occupation_code=None, location_ids=[], country_codes=[])


def test_empty_corpus() -> None:
    stats = PayStats.from_table(postings_to_table([posting(1, loc=BERLIN, occ=None, pay=None)]))
    assert len(stats) == 0
    assert stats.annual_usd("median", occupation_code=None, location_ids=[], country_codes=[]) is None
