from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jobsearch.corpus.ingest import REJECTED_FILE, ingest_file, validate_file
from jobsearch.corpus.members import load_companies
from jobsearch.corpus.table import read_postings
from jobsearch.errors import InvalidPostingError, JobSearchError


def mixed_lines(good: Callable[..., dict[str, Any]]) -> list[str]:
    return [
        json.dumps(good("a1")),                                                   # 1 good
        '{"job_id": "x", "title": ',                                             # 2 malformed JSON
        "[1, 2, 3]",                                                              # 3 not an object
        "",                                                                       # 4 blank: skipped
        json.dumps(good("a1")),                                                   # 5 duplicate of 1
        json.dumps(good("a2", location_ids=["999999999"])),                       # 6 unknown GeoNames
        json.dumps(good("a3", salary={"min": 1, "max": 2, "currency": "XYZ", "period": "year"})),  # 7
        json.dumps(good("a4", remote_share="lots", seniority="wizard")),          # 8 wrong types
        json.dumps(good("a5", posted_at="2026-11-19T08:00:00")),                  # 9 good (naive = UTC)
        json.dumps(good("a6", workplace="remote", remote_share=0.5)),             # 10 rule violated
        json.dumps(good("a7", salary={"min": 90000, "max": 80000, "currency": "EUR", "period": "year"})),
    ]


@pytest.fixture()
def mixed_jsonl(tmp_path: Path, good_row: Callable[..., dict[str, Any]]) -> Path:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(mixed_lines(good_row)) + "\n", encoding="utf-8")
    return path


def test_validate_reports_every_bad_line_with_reason(mixed_jsonl: Path) -> None:
    report = validate_file(mixed_jsonl)
    assert [p.job_id for p in report.good] == ["a1", "a5"]
    bad = {b.line: b for b in report.bad}
    assert sorted(bad) == [2, 3, 5, 6, 7, 8, 10, 11]
    assert report.blank_lines == 1 and report.n_rows == 10 and not report.ok
    assert "malformed JSON" in bad[2].reasons[0]
    assert bad[3].reasons == ["expected a JSON object, got list"]
    assert bad[5].reasons == ["job_id: duplicate of line 1"]
    assert bad[6].reasons == ["location_ids[0]: unknown GeoNames ID '999999999'"]
    assert bad[7].reasons[0].startswith("salary.currency: unknown currency 'XYZ'")
    assert any(r.startswith("remote_share:") and "'lots'" in r for r in bad[8].reasons)
    assert any(r.startswith("seniority:") and "'wizard'" in r for r in bad[8].reasons)
    assert "a remote posting must have remote_share 1" in bad[10].reasons[0]
    assert "below min" in bad[11].reasons[0]
    assert bad[6].job_id == "a2"
    text = report.format_text()
    assert "10 rows, 2 valid, 8 rejected" in text and "line 6 (job_id 'a2')" in text


def test_naive_times_are_utc(mixed_jsonl: Path) -> None:
    report = validate_file(mixed_jsonl)
    assert report.good[1].posted_at.utcoffset().total_seconds() == 0


def test_ingest_writes_good_rows_and_lists_rejects(mixed_jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    report = ingest_file(mixed_jsonl, out)
    table = read_postings(out)
    assert table.column("job_id").to_pylist() == ["a1", "a5"]
    assert [c.id for c in load_companies(out)] == ["acme"]
    rejected = [json.loads(line) for line in (out / REJECTED_FILE).read_text().splitlines()]
    assert [r["line"] for r in rejected] == [b.line for b in report.bad]
    meta = json.loads((out / "corpus.json").read_text())
    assert meta["n_jobs"] == 2 and meta["n_rejected"] == 8


def test_nested_parquet_rows_are_numbered(tmp_path: Path, good_row: Callable[..., dict[str, Any]]) -> None:
    good = good_row
    rows = [good("p1", company={"id": "acme", "name": "Acme Data"}),  # no type: "direct"
            good("p2", workplace="onsite", remote_share=0.0, salary=None),
            good("p3", location_ids=["abc"]), good("p1")]
    path = tmp_path / "user.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    report = validate_file(path)
    assert [p.job_id for p in report.good] == ["p1", "p2"]
    assert report.good[1].salary is None
    assert report.good[0].company.type == "direct"
    assert [(b.line, b.job_id) for b in report.bad] == [(3, "p3"), (4, "p1")]
    assert "not a GeoNames ID" in report.bad[0].reasons[0]
    assert report.bad[1].reasons == ["job_id: duplicate of row 1"]


def test_flat_corpus_parquet_validates(small_corpus: Path) -> None:
    report = validate_file(small_corpus / "postings.parquet")
    assert report.ok and len(report.good) == 2000


def test_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(JobSearchError, match="no such file"):
        validate_file(tmp_path / "missing.jsonl")
    odd = tmp_path / "postings.csv"
    odd.write_text("a,b\n")
    with pytest.raises(InvalidPostingError, match="unknown file type '.csv'"):
        validate_file(odd)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(InvalidPostingError, match="not a readable Parquet file"):
        validate_file(broken)
    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text("{}\n")
    with pytest.raises(InvalidPostingError, match="nothing to ingest"):
        ingest_file(only_bad, tmp_path / "out")
