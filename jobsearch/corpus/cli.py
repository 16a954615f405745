"""`jobsearch corpus ...`: generate a corpus, validate or ingest user postings, show stats.
Heavy imports happen inside the commands so `--help` stays instant."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help=(
        "Corpora of job postings: generate realistic ones, or validate and ingest your own.\n\n"
        "Examples:\n\n"
        "  jobsearch corpus generate --jobs 20000 --seed 7 --out ./corpus\n\n"
        "  jobsearch corpus validate my_postings.jsonl\n\n"
        "  jobsearch corpus ingest my_postings.parquet --out ./my-corpus --allow-bad\n\n"
        "  jobsearch corpus stats ./corpus\n\n"
        "The row schema (JSONL or Parquet) is documented in docs/corpus.md."
    ),
    no_args_is_help=True,
)


def _default_out() -> Path:
    from jobsearch.home import default_corpus_dir

    return default_corpus_dir()


@app.command()
def generate(
    jobs: Annotated[int, typer.Option("--jobs", "-n", min=1, help="Number of postings.")] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed and --now give the same corpus.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: the data home's corpus).")] = None,
    members: Annotated[int, typer.Option("--members", min=0, help="Demo members (ids m001, m002, ...).")] = 50,
    now: Annotated[str | None, typer.Option("--now", help="Reference time, ISO 8601 (default: today 00:00 UTC).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Generate realistic postings from real taxonomies (GeoNames, O*NET, NAICS, BLS OEWS).

    Writes postings.parquet, companies.jsonl, members.jsonl and corpus.json.

    Example: jobsearch corpus generate --jobs 100000 --seed 1 --out /tmp/corpus
    """
    from datetime import UTC

    from jobsearch.corpus.generate import generate_corpus

    when = None
    if now:
        try:
            when = datetime.fromisoformat(now)
        except ValueError as exc:
            raise typer.BadParameter(f"--now {now!r} is not an ISO 8601 date/time") from exc
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    out = out or _default_out()
    summary = generate_corpus(out, n_jobs=jobs, seed=seed, n_members=members, now=when, progress=not quiet)
    typer.echo(f"wrote {summary['n_jobs']} postings, {summary['n_companies']} companies, "
               f"{summary['n_members']} members to {out}")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="JSONL (one Posting per line) or Parquet file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many bad rows.")] = 20,
) -> None:
    """Check postings against the schema; report bad rows with line numbers and reasons.

    Exits 1 if any row is bad. Example: jobsearch corpus validate postings.jsonl
    """
    from jobsearch.corpus.ingest import validate_file
    from jobsearch.errors import JobSearchError

    try:
        report = validate_file(file, progress=not as_json)
    except JobSearchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_text(limit))
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSONL or Parquet file of postings.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Corpus folder to write.")],
    allow_bad: Annotated[bool, typer.Option("--allow-bad", help="Exit 0 even if some rows were rejected.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many bad rows.")] = 20,
) -> None:
    """Validate FILE and write its good rows as a corpus (bad rows go to rejected.jsonl).

    Exits 1 if any row was rejected, unless --allow-bad.
    Example: jobsearch corpus ingest postings.jsonl --out ./my-corpus && jobsearch index build --corpus ./my-corpus
    """
    from jobsearch.corpus.ingest import ingest_file
    from jobsearch.errors import JobSearchError

    try:
        report = ingest_file(file, out, progress=True)
    except JobSearchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(report.format_text(limit))
    typer.echo(f"wrote {len(report.good)} postings to {out}"
               + (f"; {len(report.bad)} rejected rows listed in {out / 'rejected.jsonl'}" if report.bad else ""))
    raise typer.Exit(0 if report.ok or allow_bad else 1)


@app.command()
def stats(
    corpus: Annotated[Path | None, typer.Argument(help="Corpus folder (default: the data home's corpus).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Counts of a corpus: places, occupations, workplace, staffing, pay coverage, dates.

    Example: jobsearch corpus stats ./corpus --json
    """
    from jobsearch.corpus.summary import corpus_stats
    from jobsearch.errors import JobSearchError

    try:
        s = corpus_stats(corpus or _default_out())
    except JobSearchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(s, indent=2))
        return
    for key, value in s.items():
        if isinstance(value, dict):
            top = ", ".join(f"{k}: {v}" for k, v in list(value.items())[:8])
            typer.echo(f"{key}: {top}")
        else:
            typer.echo(f"{key}: {value}")
