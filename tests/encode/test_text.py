from __future__ import annotations

import pytest

from jobsearch.encode.text import DESCRIPTION_CHARS, posting_text
from jobsearch.errors import InvalidPostingError

ROW = {
    "job_id": "j1",
    "title": "Senior Data Engineer",
    "description": "Build   and run\nour streaming pipelines. "
    + "You will work with analysts. " * 60,
    "company_name": "Acme Analytics",
    "skills": ["Python", "Apache Spark", " SQL "],
    "location_ids": ["2950159"],
    "workplace": "hybrid",
    "salary_min": 70000.0,
}


def test_title_company_skills_and_description_head() -> None:
    text = posting_text(ROW)
    assert text.startswith(
        "Senior Data Engineer at Acme Analytics. Skills: Python, Apache Spark, SQL. "
    )
    assert "Build and run our streaming pipelines." in text  # whitespace normalised
    # the description is cut at a word boundary near DESCRIPTION_CHARS
    assert len(text) < DESCRIPTION_CHARS + 120
    assert not text[:-1].endswith(" ")


def test_filter_fields_stay_out_of_the_text() -> None:
    text = posting_text(ROW)
    assert "2950159" not in text and "hybrid" not in text and "70000" not in text


def test_optional_parts_may_be_missing() -> None:
    assert posting_text({"title": "Nurse"}) == "Nurse."
    assert (
        posting_text({"title": "Nurse", "skills": None, "company_name": None, "description": ""})
        == "Nurse."
    )


def test_skills_from_pandas_or_a_single_string() -> None:
    import numpy as np

    assert (
        posting_text({"title": "Chef", "skills": np.array(["baking", "pastry"])})
        == "Chef. Skills: baking, pastry."
    )
    assert posting_text({"title": "Chef", "skills": "baking"}) == "Chef. Skills: baking."


def test_deterministic() -> None:
    assert posting_text(dict(ROW)) == posting_text(dict(ROW))


def test_bad_rows_are_reported() -> None:
    with pytest.raises(InvalidPostingError, match="'j9' has no title"):
        posting_text({"job_id": "j9", "title": "   "})
    with pytest.raises(InvalidPostingError, match="row mapping"):
        posting_text("Senior Data Engineer")  # type: ignore[arg-type]
