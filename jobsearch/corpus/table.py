"""The on-disk corpus: a folder with `postings.parquet` (flat columns below), plus
`companies.jsonl` and `members.jsonl` when known. Every reader of a corpus goes through
here; the nested `Posting` model is the user-facing row schema, this is its flat form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jobsearch.schema import Company, Posting, Salary

POSTINGS_FILE = "postings.parquet"
COMPANIES_FILE = "companies.jsonl"
MEMBERS_FILE = "members.jsonl"

POSTINGS_SCHEMA = pa.schema(
    [
        ("job_id", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("company_id", pa.string()),
        ("company_name", pa.string()),
        ("company_type", pa.string()),
        ("industry_naics", pa.string()),
        ("location_ids", pa.list_(pa.string())),
        ("workplace", pa.string()),
        ("remote_share", pa.float32()),
        ("salary_min", pa.float64()),
        ("salary_max", pa.float64()),
        ("salary_currency", pa.string()),
        ("salary_period", pa.string()),
        ("posted_at", pa.timestamp("s", tz="UTC")),
        ("seniority", pa.string()),
        ("employment_type", pa.string()),
        ("occupation_code", pa.string()),
        ("skills", pa.list_(pa.string())),
        # Last, nullable: corpora and shard sets written before it read as null.
        ("apply_url", pa.string()),
    ]
)


def posting_to_row(p: Posting) -> dict[str, object]:
    s = p.salary
    return {
        "job_id": p.job_id,
        "title": p.title,
        "description": p.description,
        "company_id": p.company.id,
        "company_name": p.company.name,
        "company_type": p.company.type,
        "industry_naics": p.company.industry_naics,
        "location_ids": list(p.location_ids),
        "workplace": p.workplace,
        "remote_share": p.remote_share,
        "salary_min": s.min if s else None,
        "salary_max": s.max if s else None,
        "salary_currency": s.currency if s else None,
        "salary_period": s.period if s else None,
        "posted_at": p.posted_at,
        "seniority": p.seniority,
        "employment_type": p.employment_type,
        "occupation_code": p.occupation_code,
        "skills": list(p.skills),
        "apply_url": p.apply_url,
    }


def row_to_posting(r: Mapping[str, Any]) -> Posting:
    salary = None
    if r.get("salary_min") is not None:
        salary = Salary(
            min=r["salary_min"],
            max=r["salary_max"],
            currency=r["salary_currency"],
            period=r["salary_period"],
        )
    return Posting(
        job_id=r["job_id"],
        title=r["title"],
        description=r["description"],
        company=Company(
            id=r["company_id"],
            name=r["company_name"],
            type=r["company_type"],
            industry_naics=r.get("industry_naics"),
        ),
        location_ids=r["location_ids"],
        workplace=r["workplace"],
        remote_share=float(r["remote_share"]),
        salary=salary,
        posted_at=r["posted_at"],
        seniority=r["seniority"],
        employment_type=r["employment_type"],
        occupation_code=r.get("occupation_code"),
        skills=r.get("skills") or [],
        apply_url=r.get("apply_url"),
    )


def postings_to_table(postings: Iterable[Posting]) -> pa.Table:
    return pa.Table.from_pylist([posting_to_row(p) for p in postings], schema=POSTINGS_SCHEMA)


def write_postings(table: pa.Table, corpus_dir: Path) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a corpus."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    out = corpus_dir / POSTINGS_FILE
    tmp = out.with_suffix(".parquet.tmp")
    pq.write_table(table.cast(POSTINGS_SCHEMA), tmp, compression="zstd")
    tmp.replace(out)
    return out


def read_postings(corpus_dir: Path) -> pa.Table:
    path = corpus_dir / POSTINGS_FILE
    if not path.exists():
        from jobsearch.errors import JobSearchError

        raise JobSearchError(
            f"no corpus at {corpus_dir} (expected {POSTINGS_FILE}); run `jobsearch corpus generate`"
        )
    return pq.read_table(path, schema=POSTINGS_SCHEMA)
