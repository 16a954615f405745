"""The HTTP contract (OpenAPI: paths, request and response schemas, error bodies) equals
the generated golden file, so an API change is always a deliberate, reviewed one."""

from __future__ import annotations

import json

import httpx
from api_golden import GOLDEN, current_contract


def test_openapi_matches_the_golden_contract() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = json.loads(json.dumps(current_contract(), sort_keys=True))
    assert current["paths"].keys() == golden["paths"].keys()
    for name, schema in golden["components"]["schemas"].items():
        assert current["components"]["schemas"].get(name) == schema, (
            f"schema {name} changed; if deliberate, run `python tests/api/api_golden.py`"
        )
    assert current == golden, "the API contract changed; if deliberate, run `python tests/api/api_golden.py`"


def test_served_schema_is_the_contract(no_index_url: str) -> None:
    served = httpx.get(no_index_url + "/openapi.json").json()
    assert served == json.loads(GOLDEN.read_text(encoding="utf-8"))
