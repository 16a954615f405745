from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.schema import Company, Filters, Member, ParsedQuery

COMPANIES = [
    Company(id="co-stripe", name="Stripe, Inc.", type="direct"),
    Company(id="co-amazon", name="Amazon.com Inc", type="direct"),
    Company(id="co-acme", name="Acme Staffing GmbH", type="staffing"),
    Company(id="co-globex", name="Globex Corporation", type="direct"),
    Company(id="co-initech", name="Initech", type="direct"),
    Company(id="co-nestle", name="Nestlé S.A.", type="direct"),
    Company(id="co-jj", name="Johnson & Johnson", type="direct"),
]
MEMBERS = {
    # Seattle, connected to Stripe and Globex
    "m-sea": Member(member_id="m-sea", name="Sam", headline="Data engineer", location_id="5809844",
                    connection_company_ids=["co-stripe", "co-globex"]),
    # London, no connections
    "m-lon": Member(member_id="m-lon", name="Lee", headline="Nurse", location_id="2643743"),
    # Portland, Maine: "Portland" should mean the local one
    "m-me": Member(member_id="m-me", name="Max", headline="Teacher", location_id="4975802"),
}


@pytest.fixture(scope="session")
def companies() -> list[Company]:
    return list(COMPANIES)


@pytest.fixture(scope="session")
def members() -> dict[str, Member]:
    return dict(MEMBERS)


@pytest.fixture(scope="session")
def check():  # noqa: ANN201 - the assert_parsed helper, as a fixture (importlib import mode)
    return assert_parsed


@pytest.fixture(scope="session")
def engine() -> RuleQueryEngine:
    return RuleQueryEngine(companies=COMPANIES, members=MEMBERS, now=datetime(2026, 11, 1, tzinfo=UTC))


def assert_parsed(parsed: ParsedQuery, semantic: str, **expected: object) -> None:
    """The semantic text and every filter exactly: those not named must be empty."""
    assert parsed.semantic_text == semantic
    got = parsed.filters.model_dump(mode="json")
    want = Filters().model_dump(mode="json")
    want.update(expected)
    assert got == want
