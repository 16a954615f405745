"""The dev set's queries as parser inputs: engine (the pool's companies, the queries' members)
and expected filters expanded from `dev_expectations` specs. Shared by the expectations test
and bench/dev_constraints.py."""

from __future__ import annotations

import json
from pathlib import Path

from dev_expectations import EXPECTED
from heldout_set import expected_filters as expand_spec

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.schema import Company, Filters, Member

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


def expected_filters(qid: str, member: Member | None) -> Filters:
    """The filters `dev_expectations` names for `qid` (the held-out set's spec expansion)."""
    return expand_spec(EXPECTED[qid], member)


def same(a: Filters, b: Filters) -> bool:
    """Equal filters, list order aside."""
    def norm(f: Filters) -> dict:
        d = f.model_dump(mode="json")
        return {k: sorted(v) if isinstance(v, list) else v for k, v in d.items()}
    return norm(a) == norm(b)
