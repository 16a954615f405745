"""Demo members for personalised queries ("where I have a connection", "near me"): a
profile, preferences and connections to companies that post jobs in the member's field.
Also the readers of a corpus's companies.jsonl and members.jsonl."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pyarrow as pa

from jobsearch.corpus.table import COMPANIES_FILE, MEMBERS_FILE
from jobsearch.errors import JobSearchError
from jobsearch.schema import Company, Member, MemberPreferences, SalaryFloor, Workplace
from jobsearch.taxonomy.currency import PERIODS_PER_YEAR, USD_PER_UNIT
from jobsearch.taxonomy.occupations import get_occupation
from jobsearch.taxonomy.places import gazetteer

_FIRST = ("Anna", "Ben", "Chloé", "Daniel", "Elif", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kavya",
          "Liam", "Mei", "Noah", "Olga", "Pedro", "Priya", "Rafael", "Sara", "Tomás", "Uma", "Victor",
          "Wei", "Yusuf", "Zoe", "Amara", "Lukas", "Sofia", "Mateo", "Aisha", "Emil", "Nora")
_LAST = ("Schmidt", "Okafor", "García", "Tanaka", "Novak", "Khan", "Rossi", "Müller", "Silva", "Chen",
         "Johnson", "Kowalski", "Dubois", "Patel", "Andersson", "Murphy", "Nguyen", "Cohen", "Fischer",
         "Moreau", "Santos", "Kim", "Larsen", "Haddad", "Ivanova", "Brown", "Weber", "Sato")
_WORKPLACE_PREFS: tuple[list[Workplace], ...] = ([], [], ["remote"], ["remote", "hybrid"], ["hybrid"], ["onsite", "hybrid"])
# The first member is the demo persona: a data engineer in Berlin.
_DEMO_PERSONA = ("15-1243.00", "Berlin", "DE")


def _annual_usd(table: pa.Table) -> np.ndarray:
    """Annualised USD pay midpoint per posting (NaN without pay), vectorised."""
    smin = table.column("salary_min").to_numpy(zero_copy_only=False).astype(np.float64)
    smax = table.column("salary_max").to_numpy(zero_copy_only=False).astype(np.float64)
    factor = np.ones(len(smin))
    for col, lookup in (("salary_currency", USD_PER_UNIT), ("salary_period", PERIODS_PER_YEAR)):
        enc = table.column(col).combine_chunks().dictionary_encode()
        values = np.array([lookup.get(v, np.nan) for v in enc.dictionary.to_pylist()] + [np.nan])
        idx = enc.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
        factor *= values[idx]
    return (smin + smax) / 2 * factor


def generate_members(table: pa.Table, companies: list[Company], *, n: int = 50, seed: int = 0) -> list[Member]:
    """`n` members drawn from the corpus: occupation, place and employer of a real posting,
    connections mostly at companies hiring in the same occupation."""
    if n <= 0 or table.num_rows == 0:
        return []
    r = random.Random(seed * 7919 + 1)
    gaz = gazetteer()
    occ = np.array(table.column("occupation_code").to_pylist())
    locs = [ids[0] for ids in table.column("location_ids").to_pylist()]
    cc_of = {i: gaz.cities[i].country_code if i in gaz.cities else "" for i in set(locs)}
    row_cc = np.array([cc_of[i] for i in locs])
    row_city = np.array([gaz.cities[i].name if i in gaz.cities else "" for i in locs])
    annual = _annual_usd(table)
    comp = np.array(table.column("company_id").to_pylist())
    titles = table.column("title").to_pylist()
    skills = table.column("skills").to_pylist()
    seniority = table.column("seniority").to_pylist()
    known = {c.id: c for c in companies}
    names = {c.id: c.name for c in companies}
    width = max(3, len(str(n)))
    members: list[Member] = []
    for m in range(n):
        row = r.randrange(table.num_rows)
        if m == 0:  # demo persona if the corpus has one
            code, city_name, cc = _DEMO_PERSONA
            hits = np.flatnonzero((occ == code) & (row_city == city_name) & (row_cc == cc))
            row = int(hits[0]) if len(hits) else row
        same_occ = np.flatnonzero(occ == occ[row])
        hiring = sorted(set(comp[same_occ].tolist()) - {comp[row]})
        others = sorted(set(known) - set(hiring) - {comp[row]})
        n_conn = r.randint(4, 14)
        conns = r.sample(hiring, min(len(hiring), (n_conn + 1) // 2))
        conns += r.sample(others, min(len(others), n_conn - len(conns)))
        city = gaz.cities[locs[row]]
        country = gaz.countries.get(city.country_code)
        floor = None
        near = annual[same_occ][(row_cc[same_occ] == city.country_code) & ~np.isnan(annual[same_occ])]
        median = float(np.median(near)) if len(near) and r.random() < 0.6 else None
        cur = country.currency if country and country.currency in USD_PER_UNIT else "USD"
        if median:
            amount = round(median / USD_PER_UNIT[cur], -3)
            floor = SalaryFloor(amount=amount, currency=cur, period="year")
        nearby = [c.id for c in gaz.cities_in(city.country_code) if c.id != city.id]
        prefs = MemberPreferences(
            workplace=list(r.choice(_WORKPLACE_PREFS)), min_salary=floor,
            location_ids=[city.id] + (r.sample(nearby, 1) if nearby and r.random() < 0.3 else []),
        )
        o = get_occupation(str(occ[row]))
        members.append(Member(
            member_id=f"m{m + 1:0{width}d}",
            name=f"{r.choice(_FIRST)} {r.choice(_LAST)}",
            headline=f"{titles[row]} at {names.get(comp[row], comp[row])}",
            occupation_code=o.code if o else None,
            skills=list(skills[row]),
            seniority=seniority[row],
            location_id=city.id,
            preferences=prefs,
            connection_company_ids=sorted(conns),
        ))
    return members


def write_members(members: list[Member], corpus_dir: Path) -> Path:
    path = Path(corpus_dir) / MEMBERS_FILE
    with path.open("w", encoding="utf-8") as f:
        for m in members:
            f.write(m.model_dump_json() + "\n")
    return path


def _read_jsonl(path: Path) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise JobSearchError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
    return out


def load_members(corpus_dir: Path) -> dict[str, Member]:
    """member_id -> Member; empty when the corpus has no members.jsonl."""
    path = Path(corpus_dir) / MEMBERS_FILE
    if not path.exists():
        return {}
    members = [Member.model_validate(d) for d in _read_jsonl(path)]
    return {m.member_id: m for m in members}


def load_companies(corpus_dir: Path) -> list[Company]:
    """Companies of a corpus (companies.jsonl); empty when absent."""
    path = Path(corpus_dir) / COMPANIES_FILE
    if not path.exists():
        return []
    return [Company.model_validate(d) for d in _read_jsonl(path)]
