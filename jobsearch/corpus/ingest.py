"""Validation and ingestion of user postings (JSONL or Parquet rows of
`jobsearch.schema.Posting`). Every bad row is reported with its 1-based line (JSONL) or
row (Parquet) number and reasons; good rows are kept; nothing is dropped silently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jobsearch.errors import InvalidPostingError, JobSearchError
from jobsearch.schema import Company, Posting
from jobsearch.taxonomy.currency import USD_PER_UNIT, known_currency

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
REJECTED_FILE = "rejected.jsonl"


@dataclass(slots=True)
class BadRow:
    line: int  # 1-based line (JSONL) or row (Parquet) number
    job_id: str | None
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "job_id": self.job_id, "reasons": self.reasons}


@dataclass(slots=True)
class ValidationReport:
    path: Path
    format: str  # "jsonl" | "parquet"
    good: list[Posting] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    blank_lines: int = 0

    @property
    def n_rows(self) -> int:
        return len(self.good) + len(self.bad)

    @property
    def ok(self) -> bool:
        return not self.bad

    def summary(self) -> str:
        unit = "line" if self.format == "jsonl" else "row"
        s = f"{self.path}: {self.n_rows} rows, {len(self.good)} valid, {len(self.bad)} rejected"
        return s + (f" ({self.blank_lines} blank {unit}s skipped)" if self.blank_lines else "")

    def format_text(self, limit: int = 20) -> str:
        """Human-readable report: the summary, then up to `limit` bad rows with reasons."""
        unit = "line" if self.format == "jsonl" else "row"
        out = [self.summary()]
        for b in self.bad[:limit]:
            who = f" (job_id {b.job_id!r})" if b.job_id else ""
            out.append(f"  {unit} {b.line}{who}:")
            out += [f"    - {r}" for r in b.reasons]
        if len(self.bad) > limit:
            out.append(f"  ... and {len(self.bad) - limit} more rejected {unit}s")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format, "rows": self.n_rows, "valid": len(self.good),
                "rejected": len(self.bad), "blank_lines": self.blank_lines,
                "bad_rows": [b.to_dict() for b in self.bad]}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_reasons(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        msg = err["msg"]
        if err["type"] not in ("missing", "extra_forbidden") and "input" in err and not isinstance(err["input"], dict):
            msg += f" (got {_short(err['input'])})"
        out.append(f"{loc}: {msg}")
    return out


def _jsonl_rows(path: Path, report: ValidationReport) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, parsed object or None, error) per non-blank line."""
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                report.blank_lines += 1
                continue
            try:
                yield n, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield n, None, f"malformed JSON: {exc.msg} (column {exc.colno})"


def _flat_to_nested(r: dict[str, Any]) -> dict[str, Any]:
    """A row of the flat corpus table (jobsearch.corpus.table) as a nested Posting dict."""
    out = {k: v for k, v in r.items() if not k.startswith(("company_", "salary_")) and k != "industry_naics"}
    out["company"] = {"id": r.get("company_id"), "name": r.get("company_name"),
                      "type": r.get("company_type") or "direct", "industry_naics": r.get("industry_naics")}
    if r.get("salary_min") is not None:
        out["salary"] = {"min": r.get("salary_min"), "max": r.get("salary_max"),
                         "currency": r.get("salary_currency"), "period": r.get("salary_period")}
    return out


def _parquet_rows(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise InvalidPostingError(f"{path}: not a readable Parquet file ({exc})") from exc
    flat = "company_id" in table.column_names
    for n, row in enumerate(table.to_pylist(), 1):
        row = _flat_to_nested(row) if flat else row
        # Parquet has no "absent": a column missing from a row reads as null. Drop nulls so
        # defaults apply (company.type "direct", skills []), except a null salary (no pay).
        if isinstance(row.get("company"), dict):
            row["company"] = {k: v for k, v in row["company"].items() if v is not None}
        yield n, {k: v for k, v in row.items() if v is not None or k == "salary"}, None


def _extra_checks(p: Posting) -> list[str]:
    from jobsearch.taxonomy.places import gazetteer

    cities = gazetteer().cities
    reasons = [f"location_ids[{i}]: unknown GeoNames ID {loc!r}" for i, loc in enumerate(p.location_ids)
               if loc not in cities]
    if p.salary is not None and not known_currency(p.salary.currency):
        reasons.append(f"salary.currency: unknown currency {p.salary.currency!r} "
                       f"(known: {', '.join(sorted(USD_PER_UNIT))})")
    if p.apply_url is not None and not (p.apply_url.startswith(("https://", "http://"))
                                        or (p.apply_url.startswith("/") and not p.apply_url.startswith("//"))):
        # Shown as a link on the page: web addresses or this site's own pages (the generated
        # corpus's demo company pages), never javascript:, file: or protocol-relative URLs.
        reasons.append(f"apply_url: {_short(p.apply_url)} is not an http(s) URL or a path on this site")
    return reasons


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise InvalidPostingError(
        f"{path}: unknown file type {suffix!r}; expected JSONL ({', '.join(JSONL_SUFFIXES)}) "
        f"or Parquet ({', '.join(PARQUET_SUFFIXES)})")


def validate_file(path: Path, *, progress: bool = False) -> ValidationReport:
    """Check every row of a JSONL or Parquet file against the Posting schema, GeoNames IDs,
    known currencies and unique job_ids."""
    path = Path(path)
    if not path.is_file():
        raise JobSearchError(f"no such file: {path}")
    report = ValidationReport(path=path, format=file_format(path))
    rows = _jsonl_rows(path, report) if report.format == "jsonl" else _parquet_rows(path)
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, desc=f"validate {path.name}", unit="row")
    first_seen: dict[str, int] = {}
    for n, obj, error in rows:
        if error is not None:
            report.bad.append(BadRow(n, None, [error]))
            continue
        if not isinstance(obj, dict):
            report.bad.append(BadRow(n, None, [f"expected a JSON object, got {type(obj).__name__}"]))
            continue
        job_id = obj.get("job_id") if isinstance(obj.get("job_id"), str) else None
        reasons: list[str] = []
        if job_id is not None:
            if job_id in first_seen:
                reasons.append(f"job_id: duplicate of {report.format == 'jsonl' and 'line' or 'row'} {first_seen[job_id]}")
            else:
                first_seen[job_id] = n
        try:
            posting = Posting.model_validate(obj)
        except ValidationError as exc:
            report.bad.append(BadRow(n, job_id, reasons + _pydantic_reasons(exc)))
            continue
        reasons += _extra_checks(posting)
        if reasons:
            report.bad.append(BadRow(n, job_id, reasons))
            continue
        ts = posting.posted_at  # naive times are taken as UTC
        ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
        report.good.append(posting.model_copy(update={"posted_at": ts}))
    return report


def ingest_file(path: Path, out_dir: Path, *, progress: bool = False) -> ValidationReport:
    """Validate `path` and write its good rows as a corpus in `out_dir` (postings.parquet,
    companies.jsonl, corpus.json) plus rejected.jsonl listing every bad row and why."""
    from jobsearch.corpus.table import COMPANIES_FILE, postings_to_table, write_postings

    report = validate_file(path, progress=progress)
    if not report.good:
        raise InvalidPostingError(f"{report.summary()}: nothing to ingest\n{report.format_text(5)}")
    out_dir = Path(out_dir)
    write_postings(postings_to_table(report.good), out_dir)
    companies: dict[str, Company] = {}
    for p in report.good:
        companies.setdefault(p.company.id, p.company)
    with (out_dir / COMPANIES_FILE).open("w", encoding="utf-8") as f:
        for c in companies.values():
            f.write(c.model_dump_json() + "\n")
    with (out_dir / REJECTED_FILE).open("w", encoding="utf-8") as f:
        for b in report.bad:
            f.write(json.dumps(b.to_dict(), ensure_ascii=False) + "\n")
    meta = {"source": str(Path(path).resolve()), "n_jobs": len(report.good), "n_rejected": len(report.bad),
            "n_companies": len(companies), "generator": None}
    (out_dir / "corpus.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return report
