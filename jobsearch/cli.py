"""The `jobsearch` command. Sub-command groups live beside the code they drive
(`jobsearch.corpus.cli`, `jobsearch.index.cli`, ...) and are mounted here; every
command imports its heavy dependencies inside the function so `--help` stays instant."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

app = typer.Typer(
    name="jobsearch",
    help=(
        "Semantic job search with strict filters.\n\n"
        "Quick start:\n\n"
        "  jobsearch demo                      # generate a corpus, build the index, serve on 127.0.0.1:8000\n\n"
        "  jobsearch parse 'data engineer jobs in Berlin, 70k EUR+, this week' --json\n\n"
        "  jobsearch search 'remote python developer, not from staffing agencies' --k 10\n\n"
        "Data lives under the data home (JOBSEARCH_HOME, default: your user data directory)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

def _fail(exc: Exception) -> typer.Exit:
    """A domain error becomes one line on stderr and exit code 2, never a traceback."""
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


# (module, attribute, group name): typer sub-apps mounted as `jobsearch <name> ...`.
SUB_APPS: list[tuple[str, str, str]] = [
    ("jobsearch.corpus.cli", "app", "corpus"),
    ("jobsearch.index.cli", "app", "index"),
    ("jobsearch.encode.cli", "app", "models"),
    ("jobsearch.canary_cli", "app", "canary"),
    ("jobsearch.operator.main", "app", "operator"),
    ("jobsearch.runtimes.triton.cli", "app", "triton-repo"),
    ("jobsearch.models.cli", "app", "eval"),
    ("jobsearch.store.cli", "app", "postings"),
    ("jobsearch.rank.cli", "app", "rank"),
]


def _mount() -> None:
    if getattr(app, "_jobsearch_mounted", False):
        return
    for module, attr, name in SUB_APPS:
        app.add_typer(getattr(importlib.import_module(module), attr), name=name)
    app._jobsearch_mounted = True  # type: ignore[attr-defined]  # tests call main() and _mount()


def main() -> None:
    _mount()
    app()


@app.command()
def version() -> None:
    """Print the jobsearch version."""
    from jobsearch import __version__

    typer.echo(__version__)


IndexOpt = typer.Option(None, "--index", help="Index root (default: <data home>/index).")
CorpusOpt = typer.Option(None, "--corpus", help="Corpus folder (default: <data home>/corpus).")
MemberOpt = typer.Option(None, "--member", help="Demo member id for personalised queries, e.g. m001.")
RankerOpt = typer.Option(True, "--ranker/--no-ranker", help="Re-order the top candidates by the cross-encoder in "
                         "<data home>/models/ranker fused with the retrieval cosine (on by default; "
                         "docs/ranker.md). Past its 150 ms budget the answer keeps retrieval order and says so.")
RankDepthOpt = typer.Option(20, "--rank-depth", min=1, max=1000,
                            help="Candidates the ranker re-scores (~1.8 ms each on 2 CPU cores).")


@app.command()
def parse(
    text: str = typer.Argument(..., help="The query, in plain language."),
    member: str | None = MemberOpt,
    corpus: Path | None = CorpusOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the parsed query as JSON (the contract)."),
) -> None:
    """Show what the query engine understands: semantic text and strict filters.

    Example: jobsearch parse "software engineer jobs in Silicon Valley or Seattle, mostly
    remote, not from staffing agencies, posted recently, above median pay" --json
    """
    import json

    from jobsearch.errors import JobSearchError

    try:
        engine = _engine(corpus)
        parsed = engine.parse(text, member)
    except JobSearchError as exc:
        raise _fail(exc) from exc
    out = parsed.model_dump(mode="json")
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    typer.echo(f"semantic text: {parsed.semantic_text!r}")
    for c in parsed.constraints:
        typer.echo(f"  {c.get('filter')}: {c.get('label')}")
    for u in parsed.unresolved:
        typer.echo(f"  unresolved: {u}")
    for sug in parsed.suggestions:
        typer.echo(f"  suggestion: {sug.text}")


@app.command()
def search(
    text: str = typer.Argument(..., help="The query, in plain language."),
    index: Path | None = IndexOpt,
    corpus: Path | None = CorpusOpt,
    member: str | None = MemberOpt,
    k: int = typer.Option(20, "--k", min=1, max=100, help="How many results (1-100)."),
    sort: str = typer.Option("relevance", help="relevance, date (newest first) or pay (highest first)."),
    as_json: bool = typer.Option(False, "--json", help="Print {query, results} as JSON."),
    ranker: bool = RankerOpt,
    rank_depth: int = RankDepthOpt,
) -> None:
    """Search the index: strict filters from the text, ranked by meaning.

    Example: jobsearch search "data engineer jobs in Berlin paying at least 70k euros,
    posted this week" --k 5
    """
    from jobsearch.errors import JobSearchError
    from jobsearch.pipeline import open_pipeline
    from jobsearch.results.text import search_lines

    try:
        # one query: warming buys nothing
        pipeline = open_pipeline(index, corpus, warm=False, ranker=ranker, rank_depth=rank_depth)
        response = pipeline.search(text, member_id=member, k=k, sort=sort, refinements=True)
    except JobSearchError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
        return
    typer.echo("\n".join(search_lines(response)))


@app.command()
def show(
    job_id: str = typer.Argument(..., help="A job id, as search results print it (--json) or the page shows it."),
    index: Path | None = IndexOpt,
    corpus: Path | None = CorpusOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the posting as JSON."),
) -> None:
    """Show one posting in full: description, skills, company, pay, places, dates, apply link."""
    from jobsearch.errors import JobSearchError
    from jobsearch.pipeline import open_pipeline
    from jobsearch.results.text import job_lines

    try:
        job = open_pipeline(index, corpus, warm=False).job(job_id)
    except KeyError:
        typer.echo(f"error: no posting with id {job_id!r} in the index", err=True)
        raise typer.Exit(code=1) from None
    except JobSearchError as exc:
        raise _fail(exc) from exc
    typer.echo(job.model_dump_json(indent=2) if as_json else "\n".join(job_lines(job)))


@app.command()
def serve(
    index: Path | None = IndexOpt,
    corpus: Path | None = CorpusOpt,
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo_mode: bool = typer.Option(False, "--demo", help="Demo mode: trust member_id in requests and list every "
                                   "member at /v1/members (never on a public address)."),
    member_header: str | None = typer.Option(None, help="Header a trusted gateway sets to the authenticated "
                                             "member id (it must strip the header from client requests)."),
    max_in_flight: int = typer.Option(4, min=1, help="Searches computing at once; more queue, then 503."),
    ranker: bool = RankerOpt,
    rank_depth: int = RankDepthOpt,
) -> None:
    """Serve the search API and the web page (http://HOST:PORT/, API docs at /docs).
    JOBSEARCH_SIGNING_SECRET (shared by replicas) signs query ids and member tokens; unset,
    a random per-process key does."""
    import os

    from jobsearch.errors import JobSearchError
    from jobsearch.serve import ServeSettings, run_server

    secret = os.environ.get("JOBSEARCH_SIGNING_SECRET")
    try:
        run_server(ServeSettings(host=host, port=port, index_dir=index, corpus_dir=corpus, demo=demo_mode,
                                 trusted_member_header=member_header, max_in_flight=max_in_flight,
                                 signing_secret=secret.encode() if secret else None,
                                 ranker=ranker, rank_depth=rank_depth))
    except JobSearchError as exc:
        raise _fail(exc) from exc


@app.command()
def demo(
    jobs: int = typer.Option(10000, help="Postings to generate for the demo corpus (encoding runs ~150/s on 2 cores)."),
    seed: int = typer.Option(7, help="Random seed of the generated corpus."),
    port: int = typer.Option(8000, help="Port to serve on (127.0.0.1)."),
    rebuild: bool = typer.Option(False, help="Regenerate the corpus and rebuild the index."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Prepare everything, then exit."),
    ranker: bool = RankerOpt,
    rank_depth: int = RankDepthOpt,
) -> None:
    """Generate a demo corpus, build the index and serve it on 127.0.0.1.

    Everything goes to the data home (JOBSEARCH_HOME); a second run reuses it. On a first
    run the server starts once 1,000 postings are searchable and the rest fill in behind it
    (each search says how much of the corpus it covered); each phase's time is logged.
    """
    from jobsearch import home
    from jobsearch.demo import prepare

    corpus, index = home.default_corpus_dir(), home.default_index_dir()
    typer.echo(f"data home: {home.data_home()}")
    filling = prepare(corpus, index, jobs=jobs, seed=seed, rebuild=rebuild, echo=typer.echo)
    from jobsearch.rank.shipped import install_shipped

    for what in install_shipped(home.models_dir()):  # the ranker and query tower in the code: no training step
        typer.echo(f"installed the shipped {what} into {home.models_dir()}")
    if no_serve:
        if filling is not None:
            typer.echo("waiting for the rest of the index (--no-serve)")
            filling.join()
        typer.echo("ready: run `jobsearch serve`")
        return
    serve(index=None, corpus=None, host="127.0.0.1", port=port, demo_mode=True, member_header=None, max_in_flight=4,
          ranker=ranker, rank_depth=rank_depth)


def _engine(corpus: Path | None):  # noqa: ANN202 - a QueryEngine, imported lazily
    from jobsearch import home
    from jobsearch.catalog import corpus_catalog
    from jobsearch.query.engine import build_query_engine

    corpus = corpus or home.default_corpus_dir()
    # The one factory, as the API and the query server use it; offline, no pay statistics.
    return build_query_engine(corpus_catalog(corpus) if (corpus / "postings.parquet").exists() else None)
