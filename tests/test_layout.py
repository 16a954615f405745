"""Guards of the test tree's layout: tests/ has no __init__.py files (pytest's default
import mode), so two test modules with one basename break collection for everyone."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).parent


def test_test_module_basenames_are_unique() -> None:
    names = Counter(p.name for p in TESTS.rglob("test_*.py"))
    assert [n for n, c in names.items() if c > 1] == []


def test_no_init_files_in_tests() -> None:
    assert list(TESTS.rglob("__init__.py")) == []
