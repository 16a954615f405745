"""The dev set's queries as parser inputs: engine (the pool's companies, the queries' members)
and expected filters expanded from `dev_expectations` specs. Shared by the expectations test
and bench/dev_constraints.py."""

from __future__ import annotations

import json
from pathlib import Path

from dev_expectations import EXPECTED

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.gazetteer_index import place_index
from jobsearch.schema import Company, Filters, Member, SalaryFloor
from jobsearch.taxonomy.metros import metro_ids

DEV = Path(__file__).resolve().parents[3] / "shared" / "relevance" / "judged-dev.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def member_of(row: dict) -> Member | None:
    if not row["member"]:
        return None
    return Member.model_validate({k: v for k, v in row["member"].items() if k in Member.model_fields})


def engine_for(rows: list[dict]) -> RuleQueryEngine:
    companies = {}
    for row in rows:
        for j in row["judged"]:
            p = j["posting"]
            companies[p["company_id"]] = Company(id=p["company_id"], name=p["company_name"], type=p["company_type"])
    members = {m.member_id: m for m in (member_of(r) for r in rows) if m is not None}
    return RuleQueryEngine(companies=list(companies.values()), members=members)


def _places(specs: list[str], member: Member | None) -> list[str]:
    ix = place_index()
    out: list[str] = []
    for spec in specs:
        kind, _, arg = spec.partition(":")
        if kind == "city":
            ids = [arg]
        elif kind in ("near", "outside"):
            city = ix.g.cities[member.location_id if arg == "member" and member else arg]  # type: ignore[index]
            ids = ix.within_km(city, 50.0 if kind == "near" else 30.0)
        elif kind == "state":
            ids = list(ix.state_cities(arg))
        else:
            ids = list(metro_ids(arg))
        out.extend(i for i in ids if i not in out)
    return out


def expected_filters(qid: str, member: Member | None) -> Filters:
    spec = dict(EXPECTED[qid])
    for name in ("location_ids", "exclude_location_ids"):
        if name in spec:
            spec[name] = _places(spec[name], member)  # type: ignore[arg-type]
    if spec.get("company_ids") == ["member:connections"]:
        spec["company_ids"] = list(member.connection_company_ids) if member else []
    if "min_salary" in spec:
        amount, currency, period = spec["min_salary"]  # type: ignore[misc]
        spec["min_salary"] = SalaryFloor(amount=amount, currency=currency, period=period)
    return Filters.model_validate(spec)


def same(a: Filters, b: Filters) -> bool:
    """Equal filters, list order aside."""
    def norm(f: Filters) -> dict:
        d = f.model_dump(mode="json")
        return {k: sorted(v) if isinstance(v, list) else v for k, v in d.items()}
    return norm(a) == norm(b)
