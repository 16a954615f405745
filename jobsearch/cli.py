"""The `jobsearch` command. Sub-command groups live beside the code they drive
(`jobsearch.corpus.cli`, `jobsearch.index.cli`, ...) and are mounted here; every
command imports its heavy dependencies inside the function so `--help` stays instant."""

from __future__ import annotations

import importlib

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

# (module, attribute, group name): typer sub-apps mounted as `jobsearch <name> ...`.
SUB_APPS: list[tuple[str, str, str]] = [
    ("jobsearch.corpus.cli", "app", "corpus"),
    ("jobsearch.index.cli", "app", "index"),
    ("jobsearch.encode.cli", "app", "models"),
]


def _mount() -> None:
    for module, attr, name in SUB_APPS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):  # that part is not built yet
                continue
            raise
        app.add_typer(getattr(mod, attr), name=name)


def main() -> None:
    _mount()
    app()


@app.command()
def version() -> None:
    """Print the jobsearch version."""
    from jobsearch import __version__

    typer.echo(__version__)
