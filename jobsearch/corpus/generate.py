"""`jobsearch corpus generate`: a realistic, deterministic job board. Columns are drawn
with numpy (city, occupation, employer, seniority, workplace, pay, date), then strings are
assembled row by row; 100k postings take well under a minute."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow as pa

from jobsearch.corpus import cities as city_mod
from jobsearch.corpus.paydraw import draw_pay, wage_matrix
from jobsearch.corpus.table import COMPANIES_FILE, POSTINGS_SCHEMA, write_postings
from jobsearch.corpus.text import format_pay, make_description, make_title
from jobsearch.schema import SENIORITIES
from jobsearch.taxonomy.companies import generate_employers, industry_name, industry_weights
from jobsearch.taxonomy.occupations import occupations
from jobsearch.taxonomy.places import gazetteer

CORPUS_META = "corpus.json"
WINDOW_DAYS = 60
RECENCY_SCALE_DAYS = 20.0  # fresher postings are more common (older ones get filled)
TECH_BOOST_IN_HUBS = 2.5
STAFFING_POSTING_SHARE = {"tech": 0.13, "office": 0.14, "field": 0.2}
MULTI_CITY_SHARE = 0.06

# Seniority mixes (order of schema.SENIORITIES): general, hourly work, management family.
_SENIORITY_P = {
    "general": [0.02, 0.16, 0.36, 0.26, 0.07, 0.07, 0.04, 0.02],
    "hourly": [0.0, 0.38, 0.45, 0.12, 0.04, 0.01, 0.0, 0.0],
    "management": [0.0, 0.0, 0.3, 0.3, 0.0, 0.25, 0.12, 0.03],
}
_WORKPLACE_P = {"tech": [0.3, 0.45, 0.25], "office": [0.45, 0.45, 0.10], "field": [0.96, 0.035, 0.005]}
_HYBRID_SHARES = np.array([0.2, 0.4, 0.6, 0.8])
_EMPLOYMENT = np.array(["full_time", "part_time", "contract", "temporary"])
_EMPLOYMENT_P = {"direct": [0.86, 0.04, 0.08, 0.02], "hourly": [0.65, 0.25, 0.03, 0.07],
                 "staffing": [0.45, 0.05, 0.35, 0.15]}


def demo_apply_url(company_id: str, job_id: str) -> str:
    """Generated postings apply on a demo page of their company served by `jobsearch serve`
    (jobsearch.api.jobs), so the page's Apply link works offline."""
    return f"/demo/companies/{quote(company_id, safe='')}/jobs/{quote(job_id, safe='')}"


def default_now() -> datetime:
    """Today at 00:00 UTC, so re-runs on the same day produce the same corpus."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _pick(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p) / np.sum(p), rng.random(n), side="right").clip(0, len(p) - 1)


def _pick_rows(rng: np.random.Generator, cdf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: `cdf[rows]` holds each row's cumulative distribution."""
    u = rng.random(len(rows))[:, None]
    return (cdf[rows] < u).sum(axis=1).clip(0, cdf.shape[1] - 1)


def generate_corpus(out_dir: Path, *, n_jobs: int, seed: int = 0, n_members: int = 50,
                    now: datetime | None = None, progress: bool = True) -> dict:
    """Write postings.parquet, companies.jsonl, members.jsonl and corpus.json to `out_dir`;
    return the summary written to corpus.json."""
    from tqdm import tqdm

    from jobsearch.corpus.members import generate_members, write_members

    if n_jobs < 1:
        raise ValueError(f"n_jobs must be >= 1, got {n_jobs}")
    now = (now or default_now()).astimezone(UTC)
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    bar = tqdm(total=n_jobs + 3, desc="corpus", unit="row", disable=not progress)
    occs = occupations()
    cities = city_mod.city_table()
    gaz = gazetteer()

    # Cities, then occupations (tech over-represented in tech hubs).
    city = _pick(rng, cities.weight, n_jobs)
    base_w = np.array([o.weight for o in occs])
    hub_w = base_w * np.where([o.family_code == "15" or o.mode == "tech" for o in occs], TECH_BOOST_IN_HUBS, 1.0)
    occ = np.where(cities.hub[city], _pick(rng, hub_w, n_jobs), _pick(rng, base_w, n_jobs))
    mode = np.array([o.mode for o in occs])[occ]
    hourly_occ = np.array([o.hourly for o in occs])[occ]

    # Employers: industries in proportion to the postings that will need them.
    demand: dict[str, float] = {}
    for j, count in zip(*np.unique(occ, return_counts=True), strict=True):
        for ind, w in industry_weights(occs[j].code).items():
            demand[ind] = demand.get(ind, 0.0) + count * w / sum(industry_weights(occs[j].code).values())
    emp = generate_employers(rng, demand, n=int(np.clip(n_jobs // 20, 150, 6000)))
    bar.update(1)
    staff_p = np.vectorize(STAFFING_POSTING_SHARE.get)(mode)
    staffing = rng.random(n_jobs) < staff_p
    company = np.empty(n_jobs, dtype=np.int64)
    staff_idx = np.flatnonzero(emp.staffing)
    company[staffing] = staff_idx[_pick(rng, emp.size[staff_idx], int(staffing.sum()))]
    for j in np.unique(occ[~staffing]):
        rows = np.flatnonzero((occ == j) & ~staffing)
        weights = industry_weights(occs[j].code)
        pool = np.flatnonzero(np.isin(emp.industry, list(weights)) & ~emp.staffing)
        pw = emp.size[pool] * np.array([weights[i] for i in emp.industry[pool]])
        company[rows] = pool[_pick(rng, pw, len(rows))]

    # Seniority, employment type, workplace, dates.
    kind = np.where(np.array([o.family_code == "11" for o in occs])[occ], 2, np.where(hourly_occ, 1, 0))
    sen_cdf = np.cumsum([_SENIORITY_P["general"], _SENIORITY_P["hourly"], _SENIORITY_P["management"]], axis=1)
    seniority = _pick_rows(rng, sen_cdf, kind)
    emp_kind = np.where(staffing, 2, np.where(hourly_occ, 1, 0))
    emp_cdf = np.cumsum([_EMPLOYMENT_P["direct"], _EMPLOYMENT_P["hourly"], _EMPLOYMENT_P["staffing"]], axis=1)
    employment = _EMPLOYMENT[_pick_rows(rng, emp_cdf, emp_kind)].astype(object)
    employment[seniority == SENIORITIES.index("intern")] = "internship"
    wp_cdf = np.cumsum([_WORKPLACE_P["tech"], _WORKPLACE_P["office"], _WORKPLACE_P["field"]], axis=1)
    mode_row = np.select([mode == "tech", mode == "office"], [0, 1], 2)
    workplace = _pick_rows(rng, wp_cdf, mode_row)
    remote_share = np.where(workplace == 2, 1.0, np.where(workplace == 1, _HYBRID_SHARES[rng.integers(0, 4, n_jobs)], 0.0))
    scale = RECENCY_SCALE_DAYS
    days = -scale * np.log1p(-rng.random(n_jobs) * (1 - np.exp(-WINDOW_DAYS / scale)))
    posted = (int(now.timestamp()) - np.floor(days * 86400)).astype(np.int64) - 1

    # Pay from wage percentiles of each (occupation, city) pair.
    pairs, inverse = np.unique(np.stack([occ, city], axis=1), axis=0, return_inverse=True)
    wages = wage_matrix([o.code for o in occs], cities.ids, pairs)[inverse.reshape(-1)]
    country = cities.country[city]
    pay = draw_pay(rng, wages=wages, seniority=seniority, country=country, hourly_occ=hourly_occ,
                   employment=employment)
    second = np.where(rng.random(n_jobs) < MULTI_CITY_SHARE, _pick(rng, cities.weight, n_jobs), -1)
    bar.update(1)

    cols: dict[str, list] = {k: [] for k in ("job_id", "title", "description", "location_ids", "skills")}
    wp_names = ("onsite", "hybrid", "remote")
    width = max(6, len(str(n_jobs)))
    for i in range(n_jobs):
        o = occs[occ[i]]
        c = emp.companies[company[i]]
        title_w = [1.0 / (k + 1) ** 0.9 for k in range(len(o.alternate_titles))]
        base = r.choices(o.alternate_titles, title_w)[0]
        sen = SENIORITIES[seniority[i]]
        title = make_title(o, base, sen, r)
        k = min(len(o.skills), r.randint(4, 7))
        skills = list(dict.fromkeys(r.choices(o.skills, [1 / (s + 1) ** 0.5 for s in range(len(o.skills))], k=k + 3)))[:k]
        locs = [cities.ids[city[i]]]
        if second[i] >= 0 and cities.country[second[i]] == country[i] and second[i] != city[i]:
            locs.append(cities.ids[second[i]])
        smin = pay["salary_min"][i]
        pay_text = None if np.isnan(smin) else format_pay(
            smin, pay["salary_max"][i], pay["salary_currency"][i], pay["salary_period"][i])
        cc = gaz.countries.get(country[i])
        desc = make_description(
            o, title=title, company=c.name, industry=industry_name(c.industry_naics or ""),
            staffing=c.type == "staffing", place=cities.names[city[i]], country=cc.name if cc else country[i],
            workplace=wp_names[workplace[i]], remote_share=float(remote_share[i]), seniority=sen,
            employment=employment[i], skills=skills, pay=pay_text, r=r)
        cols["job_id"].append(f"j{seed}-{i:0{width}d}")
        cols["title"].append(title)
        cols["description"].append(desc)
        cols["location_ids"].append(locs)
        cols["skills"].append(skills)
        if (i + 1) % 5000 == 0:
            bar.update(5000)
    bar.update(n_jobs % 5000)

    cos = emp.companies
    table = pa.table({
        **{k: cols[k] for k in ("job_id", "title", "description")},
        "company_id": [cos[j].id for j in company],
        "company_name": [cos[j].name for j in company],
        "company_type": [cos[j].type for j in company],
        "industry_naics": [cos[j].industry_naics for j in company],
        "location_ids": cols["location_ids"],
        "workplace": np.array(wp_names)[workplace],
        "remote_share": remote_share.astype(np.float32),
        # Missing pay is null (not NaN), as in a Posting without salary.
        "salary_min": pa.array(pay["salary_min"], mask=np.isnan(pay["salary_min"])),
        "salary_max": pa.array(pay["salary_max"], mask=np.isnan(pay["salary_max"])),
        "salary_currency": pay["salary_currency"], "salary_period": pay["salary_period"],
        "posted_at": pa.array(posted, type=pa.timestamp("s", tz="UTC")),
        "seniority": np.array(SENIORITIES)[seniority],
        "employment_type": employment,
        "occupation_code": [occs[j].code for j in occ],
        "skills": cols["skills"],
        "apply_url": [demo_apply_url(cos[j].id, jid) for j, jid in zip(company, cols["job_id"], strict=True)],
    }, schema=POSTINGS_SCHEMA)
    out_dir = Path(out_dir)
    write_postings(table, out_dir)
    used = sorted(set(company.tolist()))
    with (out_dir / COMPANIES_FILE).open("w", encoding="utf-8") as f:
        for j in used:
            f.write(cos[j].model_dump_json() + "\n")
    members = generate_members(table, [cos[j] for j in used], n=n_members, seed=seed)
    write_members(members, out_dir)
    bar.update(1)
    bar.close()
    summary = {
        "seed": seed, "now": now.isoformat(), "window_days": WINDOW_DAYS, "n_jobs": n_jobs,
        "n_companies": len(used), "n_staffing_companies": sum(cos[j].type == "staffing" for j in used),
        "n_members": len(members), "n_cities": len(np.unique(city)), "n_countries": len(np.unique(country)),
        "n_occupations": len(np.unique(occ)),
        "generator": "jobsearch.corpus.generate v1",
    }
    (out_dir / CORPUS_META).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary
