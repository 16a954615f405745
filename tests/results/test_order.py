"""Result order beyond scores: near-duplicates collapse, companies are capped per page,
date/pay sorting, and every page is prefix-stable (a longer candidate list never changes
an earlier position), which is what makes the cursor exact."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from jobsearch.results.order import (
    LOOKAHEAD,
    collapse,
    diversify,
    duplicate_key,
    normalise_title,
    sorted_by,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _rec(i: int, company: str, title: str = "Data Engineer", place: str = "2950159", **extra: object) -> dict:
    return {"job_id": f"j{i}", "title": title, "company_id": company, "location_ids": [place],
            "posted_at": T0 - timedelta(hours=i), "salary_max": None, "salary_currency": None,
            "salary_period": None, **extra}


def test_titles_fold_case_accents_and_punctuation() -> None:
    assert normalise_title("Sr. Data-Engineer (m/w/d)") == normalise_title("sr data engineer M W D")
    assert normalise_title("Café Manager") == "cafe manager"
    a = _rec(0, "acme", "Nurse, ICU", place="1")
    assert duplicate_key(a) == duplicate_key(_rec(5, "acme", "nurse icu", place="1"))
    assert duplicate_key(a) != duplicate_key(_rec(5, "acme", "nurse icu", place="2"))
    assert duplicate_key(a) != duplicate_key(_rec(5, "other", "nurse icu", place="1"))


def test_collapse_keeps_the_best_of_each_group_and_counts_the_rest() -> None:
    recs = [_rec(0, "a"), _rec(1, "b"), _rec(2, "a"), _rec(3, "a", "Nurse"), _rec(4, "a")]
    kept, similar = collapse(range(5), recs)
    assert kept == [0, 1, 3]
    assert similar == {0: 2, 1: 0, 3: 0}


def test_diversity_caps_each_company_per_page_of_ten() -> None:
    companies = ["big"] * 30 + [f"c{i}" for i in range(20)]
    out = diversify(range(50), companies, page=10, cap=3)
    assert sorted(out) == list(range(50))  # a permutation: nothing lost or repeated
    for start in (0, 10):  # the third page runs out of other companies and fills up
        assert Counter(companies[j] for j in out[start : start + 10])["big"] <= 3
    assert out[:3] == [0, 1, 2]  # the best postings keep their place


def test_diversity_fills_the_page_when_no_other_company_is_left() -> None:
    out = diversify(range(12), ["a"] * 12, cap=3)
    assert out == list(range(12))


def test_diversity_never_lifts_a_weak_match_over_a_strong_one() -> None:
    companies = ["a"] * 6 + ["b"] * 4
    tiers = [0] * 6 + [1] * 4  # six strong postings of one company, then weak ones
    out = diversify(range(10), companies, tiers, cap=3)
    assert out[:6] == [0, 1, 2, 3, 4, 5]


def test_diversity_is_prefix_stable() -> None:
    rng = random.Random(3)
    companies = [rng.choice("aaaabbbcde") for _ in range(400)]
    full = diversify(range(400), companies, cap=2)
    for n in (60, 120, 250):
        part = diversify(range(n), companies, cap=2)
        stable = n - LOOKAHEAD
        assert part[:stable] == full[:stable]


def test_sort_by_date_and_pay() -> None:
    recs = [
        _rec(5, "a", salary_max=50.0, salary_currency="USD", salary_period="hour"),  # 104k a year
        _rec(1, "b", salary_max=90_000.0, salary_currency="EUR", salary_period="year"),
        _rec(3, "c"),  # no pay
        _rec(2, "d", salary_max=120_000.0, salary_currency="USD", salary_period="year"),
    ]
    assert sorted_by("date", [0, 1, 2, 3], recs) == [1, 3, 2, 0]
    by_pay = sorted_by("pay", [0, 1, 2, 3], recs)
    assert by_pay[0] == 3 and by_pay[-1] == 2


def test_a_settled_first_try_equals_the_look_ahead_page() -> None:
    from jobsearch.results.page import PageRequest, arrange, depths, settled

    rng = random.Random(5)
    recs = [_rec(i, rng.choice("abcdefghij"), title=f"Role {i}") for i in range(90)]
    req = PageRequest()
    first, exact = depths(req, 0, 20)
    assert (first, exact) == (20, 20 + LOOKAHEAD)
    small = arrange(range(first), recs, req=req, tiers=None, company_named=False)
    full = arrange(range(90), recs, req=req, tiers=None, company_named=False)
    if settled(small, range(first), 20):
        assert small.order[:20] == full.order[:20]
    crowded = [_rec(i, "big" if i < 8 else f"c{i}") for i in range(90)]  # one company fills the top
    small = arrange(range(first), crowded, req=req, tiers=None, company_named=False)
    assert not settled(small, range(first), 20)  # the cap moved postings: look further ahead
    assert depths(PageRequest(sort="date"), 40, 20) == (200, 200)
