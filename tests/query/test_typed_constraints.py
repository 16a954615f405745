"""Constraints as people type them: office-day limits, acceptance ("onsite fine"), negated and
paired levels, pay idioms (LPA, per week / day, k€/month), schedule wishes (soft, never
filters) and "any state"."""

from __future__ import annotations

import pytest

from jobsearch.errors import BadQueryError
from jobsearch.filtering import salary_floor_usd
from jobsearch.query.engine import RuleQueryEngine
from jobsearch.schema import EMPLOYMENT_TYPES, Filters, SalaryFloor


@pytest.fixture(scope="module")
def engine() -> RuleQueryEngine:
    return RuleQueryEngine()


@pytest.mark.parametrize(
    ("text", "semantic", "workplace", "share"),
    [
        ("DevOps role, fully remote or hybrid with max 2 office days", "DevOps", ["hybrid", "remote"], 0.6),
        ("hybrid analyst, 1 day a week in office", "analyst", ["hybrid", "remote"], 0.8),
        ("engineer 3 days in the office max", "engineer", ["hybrid", "remote"], 0.4),
        ("engineer no more than two days in the office", "engineer", ["hybrid", "remote"], 0.6),
        ("mostly remote designer", "designer", ["remote", "hybrid"], 0.5),
        ("backend engineer hybrid ok", "backend engineer", [], None),
        ("quality engineer onsite fine", "quality engineer", [], None),
        ("engineer, open to remote", "engineer", [], None),
    ],
)
def test_office_days_and_acceptance(engine: RuleQueryEngine, text: str, semantic: str,
                                    workplace: list[str], share: float | None) -> None:
    parsed = engine.parse(text)
    assert parsed.semantic_text == semantic
    assert parsed.filters.workplace == workplace
    assert parsed.filters.min_remote_share == share


@pytest.mark.parametrize(
    ("text", "semantic", "seniority", "employment"),
    [
        ("quality engineer permanent not contract, junior or mid", "quality engineer", ["entry", "mid"], ["full_time"]),
        ("mid to senior backend engineer", "backend engineer", ["mid", "senior"], []),
        ("first dev job after a bootcamp, react", "developer after a bootcamp react", ["entry"], []),
        ("nurse no experience required", "nurse", ["entry"], []),
        ("overnight jobs for college students", "overnight", ["intern", "entry"], []),
        ("new grad software engineer", "software engineer", ["entry"], []),
        ("entry level help desk", "help desk", ["entry"], []),
        ("retired, looking for a few hours a week, nothing physical", "retired nothing physical", [], ["part_time"]),
        ("cook, part time ok", "cook", [], []),
        ("cook, also part time", "cook", [], []),
        ("temp delivery driver", "delivery driver", [], ["temporary"]),
        ("marketing internship", "marketing", [], ["internship"]),
    ],
)
def test_experience_and_employment(engine: RuleQueryEngine, text: str, semantic: str,
                                   seniority: list[str], employment: list[str]) -> None:
    parsed = engine.parse(text)
    assert parsed.semantic_text == semantic
    assert parsed.filters.seniority == seniority
    assert parsed.filters.employment_type == employment


def test_no_internships_leaves_internships_out(engine: RuleQueryEngine) -> None:
    f = engine.parse("junior analyst, no internships").filters
    assert f.seniority == ["entry"]
    assert f.employment_type == [t for t in EMPLOYMENT_TYPES if t != "internship"]


def test_no_internships_on_my_resume_is_background(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("new grad swe 2025 start, no internships on my resume")
    assert parsed.filters.employment_type == [] and parsed.filters.seniority == ["entry"]
    assert parsed.semantic_text == "software engineer 2025 start"


@pytest.mark.parametrize(
    ("text", "amount", "currency", "period", "annual_usd"),
    [
        ("data scientist bangalore 30 LPA+", 3_000_000, "INR", "year", 35_100),
        ("analyst 12 lakh per annum", 1_200_000, "INR", "year", 14_040),
        ("nurse $2,500 a week", 2500, "USD", "week", 130_000),
        ("contract PM £450/day", 450, "GBP", "day", 450 * 260 * 1.31),
        ("driver $200 daily", 200, "USD", "day", 52_000),
        ("designer 4000 euros a month", 4000, "EUR", "month", 4000 * 12 * 1.12),
        ("engineer in Berlin 5k€/month", 5000, "EUR", "month", 5000 * 12 * 1.12),
        ("backend 80k€+", 80_000, "EUR", "year", 80_000 * 1.12),
        ("finance director Singapore min SGD 15k/month", 15_000, "SGD", "month", 15_000 * 12 * 0.76),
        ("quality engineer Mexico City over 40,000 MXN per month", 40_000, "MXN", "month", 40_000 * 12 * 0.053),
        ("warehouse $18/hr or more", 18, "USD", "hour", 18 * 2080),
    ],
)
def test_pay_idioms(engine: RuleQueryEngine, text: str, amount: float, currency: str, period: str,
                    annual_usd: float) -> None:
    floor = engine.parse(text).filters.min_salary
    assert floor == SalaryFloor(amount=amount, currency=currency, period=period)
    assert salary_floor_usd(Filters(min_salary=floor)) == pytest.approx(annual_usd)


@pytest.mark.parametrize("text", ["engineer at least -50000", "nurse paying -20/hour", "over $-100k analyst"])
def test_negative_pay_is_refused_with_a_reason(engine: RuleQueryEngine, text: str) -> None:
    with pytest.raises(BadQueryError, match="cannot be negative"):
        engine.parse(text)


@pytest.mark.parametrize(
    ("text", "wishes", "semantic"),
    [
        ("Registered nurse night shift in Nashville", ["night_shift"], "Registered nurse night shift"),
        ("weekend shifts", ["weekends"], "weekend shifts"),
        ("overnight jobs for college students", ["overnight"], "overnight"),
        ("admin, flexible hours", ["flexible_hours"], "admin flexible hours"),
        ("temp delivery driver start immediately", ["immediate_start"], "delivery driver"),
        ("warehouse worker, rotating shifts", ["shift_work"], "warehouse worker rotating shifts"),
    ],
)
def test_schedule_wishes_are_soft(engine: RuleQueryEngine, text: str, wishes: list[str], semantic: str) -> None:
    parsed = engine.parse(text)
    assert parsed.wishes == wishes
    assert parsed.semantic_text == semantic
    assert all(c["filter"] not in ("wishes",) for c in parsed.constraints)


def test_any_state_is_the_us(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("NEED WORK ASAP CDL CLASS A ANY STATE WILL RELOCATE")
    assert parsed.filters.country_codes == ["US"]
    assert parsed.wishes == ["immediate_start"]


def test_hiring_now_is_recent(engine: RuleQueryEngine) -> None:
    assert engine.parse("warehouse jobs hiring now").filters.posted_within_days == 7


def test_travel_agencies_are_staffing(engine: RuleQueryEngine) -> None:
    assert engine.parse("ICU nurse, no travel agencies").filters.exclude_company_types == ["staffing"]


@pytest.mark.parametrize(("text", "wish"), [("cashier, no weekends", "no_weekends"),
                                            ("nurse except nights", "no_night_shift")])
def test_an_avoided_schedule_is_a_negative_wish(engine: RuleQueryEngine, text: str, wish: str) -> None:
    parsed = engine.parse(text)
    assert parsed.wishes == [wish]
    assert parsed.semantic_text in ("cashier", "nurse")
