"""Regenerate the HTTP contract golden file (tests/api/golden/openapi.json) from the app.

Run after a deliberate API change: `python tests/api/api_golden.py`; never edit the file
by hand. `test_api_contract.py` fails whenever the served schema drifts from it."""

from __future__ import annotations

import json
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden" / "openapi.json"


def current_contract() -> dict:
    from jobsearch.api import create_app

    return create_app(None).openapi()


def main() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(current_contract(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
