"""Pay normalisation: every salary compares as an annual amount in USD.

Rates are a fixed table (mid-2025 averages, USD per unit) so results are reproducible and
offline; a posting and a query in the same currency compare without any conversion error
because both sides pass through the same rate.
"""

from __future__ import annotations

from jobsearch.schema import HOURS_PER_YEAR, MONTHS_PER_YEAR

USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.12,
    "GBP": 1.31,
    "CHF": 1.20,
    "CAD": 0.73,
    "AUD": 0.65,
    "NZD": 0.60,
    "JPY": 0.0068,
    "CNY": 0.139,
    "INR": 0.0117,
    "SGD": 0.76,
    "HKD": 0.128,
    "SEK": 0.10,
    "NOK": 0.095,
    "DKK": 0.15,
    "PLN": 0.26,
    "CZK": 0.045,
    "BRL": 0.18,
    "MXN": 0.053,
    "ZAR": 0.055,
    "KRW": 0.00072,
    "ILS": 0.27,
    "AED": 0.272,
    "TRY": 0.026,
    "HUF": 0.0028,
    "RON": 0.22,
    "ARS": 0.00085,
    "CLP": 0.00105,
    "COP": 0.00024,
    "IDR": 0.000061,
    "MYR": 0.23,
    "PHP": 0.0175,
    "THB": 0.03,
    "VND": 0.000039,
    "EGP": 0.02,
    "NGN": 0.00065,
    "KES": 0.0077,
    "PKR": 0.0036,
    "BDT": 0.0082,
    "TWD": 0.032,
}

# Weeks and days are query-side periods only ("$2,500 a week", "£450/day"): 52 weeks and
# 260 working days a year.
WEEKS_PER_YEAR = 52
DAYS_PER_YEAR = 260
PERIODS_PER_YEAR: dict[str, float] = {
    "year": 1.0, "month": MONTHS_PER_YEAR, "hour": HOURS_PER_YEAR, "week": WEEKS_PER_YEAR, "day": DAYS_PER_YEAR,
}


def known_currency(code: str) -> bool:
    return code.upper() in USD_PER_UNIT


def to_annual_usd(amount: float, currency: str, period: str) -> float:
    """Amount per `period` in `currency` -> USD per year. Raises KeyError on an unknown code."""
    return amount * PERIODS_PER_YEAR[period] * USD_PER_UNIT[currency.upper()]


def from_annual_usd(amount_usd: float, currency: str, period: str) -> float:
    return amount_usd / (PERIODS_PER_YEAR[period] * USD_PER_UNIT[currency.upper()])
