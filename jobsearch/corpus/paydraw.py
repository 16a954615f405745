"""Pay ranges for generated postings. US pay comes from BLS OEWS percentiles of the
occupation at the city's metro (else state, else nation); other countries scale US
national percentiles by a per-country factor and a city-size factor. Seniority picks
where in the distribution a posting sits; the period and currency follow local custom."""

from __future__ import annotations

import numpy as np

from jobsearch.schema import SENIORITIES
from jobsearch.taxonomy.currency import PERIODS_PER_YEAR, USD_PER_UNIT, known_currency
from jobsearch.taxonomy.pay import us_wages
from jobsearch.taxonomy.places import gazetteer

# Pay level relative to US national pay for the same occupation (in USD).
COUNTRY_FACTOR: dict[str, float] = {
    "US": 1.0, "CA": 0.72, "GB": 0.62, "IE": 0.64, "DE": 0.60, "NL": 0.60, "FR": 0.52, "ES": 0.40,
    "IT": 0.40, "PT": 0.31, "BE": 0.58, "AT": 0.58, "CH": 1.0, "SE": 0.50, "DK": 0.66, "PL": 0.33,
    "IN": 0.13, "SG": 0.65, "JP": 0.42, "AU": 0.72, "NZ": 0.58, "BR": 0.20, "MX": 0.18,
}
DEFAULT_FACTOR = 0.45
MONTHLY_COUNTRIES = frozenset({"BR", "MX", "PL", "PT"})  # monthly pay is the norm there
HOURLY_COUNTRIES = frozenset({"US", "CA", "GB", "AU", "NZ", "IE"})  # hourly roles posted per hour
# Where in the occupation's wage distribution each seniority sits (quantile range).
SENIORITY_QUANTILES: dict[str, tuple[float, float]] = {
    "intern": (0.0, 0.08), "entry": (0.08, 0.35), "mid": (0.3, 0.6), "senior": (0.55, 0.82),
    "lead": (0.7, 0.92), "manager": (0.68, 0.9), "director": (0.85, 0.97), "executive": (0.9, 0.99),
}
_Q = np.array([0.10, 0.25, 0.50, 0.75, 0.90])
NO_PAY_SHARE = 0.15


def national_wages(code: str) -> np.ndarray:
    w = us_wages(code)
    return w.as_array() if w else np.array([35e3, 45e3, 60e3, 80e3, 100e3])


def wage_matrix(occ_codes: list[str], city_ids: list[str], pairs: np.ndarray) -> np.ndarray:
    """Annual USD percentiles (p10..p90) per (occupation index, city index) pair in `pairs`
    (shape (m, 2)), computed once per distinct pair."""
    gaz = gazetteer()
    out = np.empty((len(pairs), 5))
    national = {j: national_wages(occ_codes[j]) for j in set(pairs[:, 0].tolist())}
    for r, (j, c) in enumerate(pairs.tolist()):
        city = gaz.cities[city_ids[c]]
        if city.country_code == "US":
            w = us_wages(occ_codes[j], city.id)
            out[r] = w.as_array() if w else national[j]
        else:
            size = np.clip(1 + 0.05 * np.log2(max(city.population, 1) / 1e6), 0.9, 1.1)
            out[r] = national[j] * COUNTRY_FACTOR.get(city.country_code, DEFAULT_FACTOR) * size
    return out


def quantile_pay(wages: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Log-linear interpolation of per-row percentiles (n, 5) at quantiles q (n,),
    extrapolated gently below p10 and above p90."""
    logw = np.log(wages)
    qi = np.clip(q, _Q[0], _Q[-1])
    k = np.clip(np.searchsorted(_Q, qi, side="right") - 1, 0, len(_Q) - 2)
    t = (qi - _Q[k]) / (_Q[k + 1] - _Q[k])
    rows = np.arange(len(q))
    val = np.exp(logw[rows, k] * (1 - t) + logw[rows, k + 1] * t)
    val *= np.where(q < _Q[0], 1 - 2.5 * (_Q[0] - q), 1.0)
    val *= np.where(q > _Q[-1], 1 + 3.0 * (q - _Q[-1]), 1.0)
    return val


def nice_round(x: np.ndarray) -> np.ndarray:
    """Round to about two significant figures and a half (75,432 -> 75,500; 23.47 -> 23.5)."""
    step = 10.0 ** (np.floor(np.log10(np.maximum(x, 1e-9))) - 1) / 2
    return np.round(x / step) * step


def draw_pay(rng: np.random.Generator, *, wages: np.ndarray, seniority: np.ndarray,
             country: np.ndarray, hourly_occ: np.ndarray, employment: np.ndarray) -> dict[str, np.ndarray]:
    """Columns salary_min/max (NaN = no pay posted), salary_currency, salary_period."""
    n = len(seniority)
    lo = np.array([SENIORITY_QUANTILES[s][0] for s in SENIORITIES])
    hi = np.array([SENIORITY_QUANTILES[s][1] for s in SENIORITIES])
    q = lo[seniority] + rng.random(n) * (hi - lo)[seniority]
    annual = quantile_pay(wages, q)
    annual *= np.where(seniority == SENIORITIES.index("intern"), 0.7, 1.0)
    spread = rng.uniform(0.08, 0.25, n) * (rng.random(n) > 0.08)  # 8% post one figure
    hourly = ((employment == "part_time") | (employment == "temporary")
              | (hourly_occ & (rng.random(n) < 0.8))) & np.isin(country, list(HOURLY_COUNTRIES))
    monthly = np.isin(country, list(MONTHLY_COUNTRIES)) & (rng.random(n) < 0.85)
    period = np.where(hourly, "hour", np.where(monthly, "month", "year"))
    gaz = gazetteer()
    cur_of = {}
    for cc in np.unique(country).tolist():
        c = gaz.countries.get(cc)
        cur_of[cc] = c.currency if c and known_currency(c.currency) else "USD"
    currency = np.array([cur_of[c] for c in country.tolist()], dtype=object)
    rate = np.array([USD_PER_UNIT[c] for c in currency.tolist()])
    per_year = np.array([PERIODS_PER_YEAR[p] for p in period.tolist()])
    local = annual / rate / per_year
    smin = nice_round(local * (1 - spread / 2))
    smax = np.maximum(nice_round(local * (1 + spread / 2)), smin)
    none = rng.random(n) < NO_PAY_SHARE
    smin[none] = np.nan
    smax[none] = np.nan
    currency[none] = None
    period = period.astype(object)
    period[none] = None
    return {"salary_min": smin, "salary_max": smax, "salary_currency": currency, "salary_period": period}
