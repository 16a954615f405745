"""Each of the 80 dev-set queries parses to the filters a careful reader expects
(tests/query/dev_expectations.py)."""

from __future__ import annotations

import pytest
from dev_set import DEV, engine_for, expected_filters, load, member_of, same

from jobsearch.query.engine import RuleQueryEngine

pytestmark = pytest.mark.skipif(not DEV.exists(), reason=f"the dev set is not here ({DEV}): ../shared is absent")
ROWS = load() if DEV.exists() else []


@pytest.fixture(scope="module")
def engine() -> RuleQueryEngine:
    return engine_for(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["qid"] for r in ROWS])
def test_dev_query_parses_as_a_reader_expects(engine: RuleQueryEngine, row: dict) -> None:
    member = member_of(row)
    parsed = engine.parse(row["query"], member.member_id if member else None)
    want = expected_filters(row["qid"], member)
    assert same(parsed.filters, want), (parsed.filters.model_dump(exclude_defaults=True),
                                        want.model_dump(exclude_defaults=True))
