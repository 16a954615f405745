"""`jobsearch index ...`: build, inspect, verify, activate and roll back shard sets.
Heavy imports stay inside the commands so `--help` is instant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help=(
        "The flat index: shard sets of job vectors + filter columns, searched exhaustively.\n\n"
        "An index folder holds several immutable shard sets (set-<version>/) and an ACTIVE\n"
        "pointer. `build` writes a new set, verifies it and activates it; `rollback` returns\n"
        "to the previous one.\n\n"
        "  jobsearch index build                       # default corpus -> default index\n\n"
        "  jobsearch index build --corpus C --out I --shards 4\n\n"
        "  jobsearch index info    # what is active     jobsearch index list   # every set"
    ),
    no_args_is_help=True,
)

INDEX_HELP = "Index folder (default: <data home>/index)."


def _index_dir(index: Path | None) -> Path:
    from jobsearch.home import default_index_dir

    return index or default_index_dir()


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code=1)


@app.command()
def build(
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder with postings.parquet (default: <data home>/corpus).")] = None,
    out: Annotated[Path | None, typer.Option(help=INDEX_HELP)] = None,
    shards: Annotated[int, typer.Option(min=1, help="Shards to split the rows into (searched and merged exactly).")] = 1,
    dtype: Annotated[str, typer.Option(help="Vector storage: auto (int8 from 200k rows on CPUs with a VNNI kernel, else "
                                            "float16), float16, or int8 (VNNI scan + exact fp16 re-score).")] = "auto",
) -> None:
    """Encode every posting (embeddings are cached), write a new shard set, verify it and
    make it active."""
    from jobsearch.encode.default import default_encoder
    from jobsearch.errors import JobSearchError
    from jobsearch.home import default_corpus_dir
    from jobsearch.index.build import build_index

    try:
        set_dir = build_index(corpus or default_corpus_dir(), _index_dir(out), default_encoder(),
                              shards=shards, dtype=dtype)
    except (JobSearchError, ValueError) as exc:
        _fail(exc)
    typer.echo(f"built and activated {set_dir}")


@app.command()
def info(
    index: Annotated[Path | None, typer.Option(help=INDEX_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the active shard set: version, encoder, rows, dim, dtype, shards, bytes."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.layout import Manifest, active_set

    try:
        set_dir = active_set(_index_dir(index))
        m = Manifest.read(set_dir)
    except JobSearchError as exc:
        _fail(exc)
    size = sum(p.stat().st_size for p in set_dir.rglob("*") if p.is_file())
    data = {"set": str(set_dir), "version": m.set_version, "model_id": m.model_id, "rows": m.rows,
            "dim": m.dim, "dtype": m.dtype, "shards": len(m.shards), "created": m.created, "bytes": size}
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            typer.echo(f"{key:>9}: {value}")


@app.command()
def verify(
    set_dir: Annotated[Path, typer.Argument(help="A shard set folder (set-<version>).")],
    reencode: Annotated[bool, typer.Option(help="Also re-encode 32 random postings with the installed encoder "
                                                "(when it is the set's model) and compare.")] = True,
) -> None:
    """Check a shard set as activation would: manifest schema, checksums, shapes, row
    counts, unit vectors, every filter column against the records, self-query recall on
    256 random rows and (with the set's encoder installed) a re-encoding sample. Exit code
    1 names the problem."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.shardset import load_set

    encoder = None
    if reencode:
        from jobsearch.encode.default import _complete, default_encoder, version_dir
        from jobsearch.home import models_dir

        if _complete(version_dir(models_dir())):  # only an encoder already exported: no export here
            try:
                encoder = default_encoder()
            except (JobSearchError, OSError):
                encoder = None  # unloadable: the other checks still run
    try:
        s = load_set(set_dir, verify=True, encoder=encoder)
    except (JobSearchError, OSError) as exc:
        _fail(exc)
    checked = " (re-encoding checked)" if encoder is not None and encoder.model_id == s.manifest.model_id else ""
    typer.echo(f"ok: {s.path} ({s.rows} rows, dim {s.dim}, {len(s.segments)} shards){checked}")


@app.command()
def activate(
    set_dir: Annotated[Path, typer.Argument(help="A shard set folder to make active.")],
    index: Annotated[Path | None, typer.Option(help="Index folder whose pointer moves (default: the set's parent).")] = None,
) -> None:
    """Verify a shard set and point the index at it (atomic rename of ACTIVE). Holds the
    index root's lock throughout, so gc cannot delete the set half way."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.shardset import activate_set

    try:
        activate_set(index or set_dir.resolve().parent, set_dir)
    except (JobSearchError, OSError) as exc:
        _fail(exc)
    typer.echo(f"active: {set_dir}")


@app.command()
def rollback(index: Annotated[Path | None, typer.Option(help=INDEX_HELP)] = None) -> None:
    """Re-activate the set that was active before the current one (verified first)."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.shardset import rollback_set

    try:
        prev = rollback_set(_index_dir(index))
    except (JobSearchError, OSError) as exc:
        _fail(exc)
    typer.echo(f"rolled back to {prev}")


@app.command("list")
def list_(index: Annotated[Path | None, typer.Option(help=INDEX_HELP)] = None) -> None:
    """List the shard sets in an index folder; `*` marks the active one."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.layout import Manifest, active_set, list_sets

    root = _index_dir(index)
    try:
        current = active_set(root).resolve()
    except JobSearchError:
        current = None
    sets = list_sets(root)
    if not sets:
        typer.echo(f"no shard sets in {root}; run `jobsearch index build --out {root}`")
        return
    for s in sets:
        try:
            m = Manifest.read(s)
            desc = f"{m.rows} rows, dim {m.dim}, {m.dtype}, model {m.model_id}"
        except JobSearchError as exc:
            desc = f"unreadable: {exc}"
        typer.echo(f"{'*' if s.resolve() == current else ' '} {s.name}  {desc}")


@app.command()
def gc(
    index: Annotated[Path | None, typer.Option(help=INDEX_HELP)] = None,
    keep: Annotated[int, typer.Option(min=0, help="Previously active sets to keep for rollback.")] = 2,
) -> None:
    """Delete old shard sets: everything but the active set and the last KEEP activated."""
    from jobsearch.errors import JobSearchError
    from jobsearch.index.layout import garbage_collect

    try:
        removed = garbage_collect(_index_dir(index), keep=keep)
    except (JobSearchError, OSError) as exc:
        _fail(exc)
    for path in removed:
        typer.echo(f"removed {path}")
    typer.echo(f"{len(removed)} shard set(s) removed")
