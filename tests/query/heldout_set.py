"""The held-out queries (`heldout_expectations.py`) as parser inputs: the engines over its
companies and members, and the expected filters expanded from its specs. Shared by
bench/heldout_parse.py and the parser tests that pin the fixed classes."""

from __future__ import annotations

from typing import Any

import heldout_expectations_2
import heldout_expectations_3
from heldout_expectations import COMPANIES, MEMBERS, ROWS

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.gazetteer_index import place_index
from jobsearch.schema import Filters, Member, SalaryFloor
from jobsearch.taxonomy.metros import metro_ids


def rules_engine() -> RuleQueryEngine:
    return RuleQueryEngine(companies=COMPANIES, members=MEMBERS)


def _places(specs: list[str], member: Member | None) -> list[str]:
    ix = place_index()
    out: list[str] = []
    for spec in specs:
        kind, _, arg = spec.partition(":")
        if kind == "city":
            ids = [arg]
        elif kind in ("near", "outside", "within"):
            where, _, km = arg.partition(":")
            city = ix.g.cities[member.location_id if where == "member" and member else where]  # type: ignore[index]
            ids = ix.within_km(city, float(km) if km else 50.0 if kind == "near" else 30.0)
        elif kind == "state":
            ids = list(ix.state_cities(arg))
        else:
            ids = list(metro_ids(arg))
        out.extend(i for i in ids if i not in out)
    return out


def expected_filters(spec_in: dict[str, Any], member: Member | None) -> Filters:
    spec = dict(spec_in)
    for name in ("location_ids", "exclude_location_ids"):
        if name in spec:
            spec[name] = _places(spec[name], member)
    if spec.get("company_ids") and spec["company_ids"][0] == "member:connections":
        spec["company_ids"] = list(member.connection_company_ids) if member else []
    if "min_salary" in spec:
        a, b, *rest = spec["min_salary"]
        spec["min_salary"] = (SalaryFloor(relative=b) if a == "relative"
                              else SalaryFloor(amount=a, currency=b, period=rest[0]))
    return Filters.model_validate(spec)


BATCHES = {1: ROWS, 2: heldout_expectations_2.ROWS, 3: heldout_expectations_3.ROWS}


def rows(batch: int = 1) -> list[dict[str, Any]]:
    """Batch 1: the parser's classes were fixed on its failures; batch 2: written after
    that, and fixed on too; batch 3: written after both."""
    return [{"qid": q, "kind": k, "lang": lang, "member": m, "query": text, "spec": spec}
            for q, k, lang, m, text, spec in BATCHES[batch]]


def member_of(row: dict[str, Any]) -> Member | None:
    return MEMBERS.get(row["member"]) if row["member"] else None


def norm(f: Filters) -> dict[str, Any]:
    """Filters as JSON with list order aside and unset fields dropped (for equality and reports)."""
    d = f.model_dump(mode="json", exclude_defaults=True)
    return {k: sorted(v) if isinstance(v, list) else v for k, v in d.items()}
