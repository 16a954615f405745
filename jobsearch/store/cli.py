"""`jobsearch postings ...`: add, update, delete, expire and import postings, against a
running server (`--url`, with the admin token) or a store directly (`--store`, default the
data home's SQLite store; a running `serve` on that store picks the changes up within a
poll). Also the store's status and the cluster's compaction (a shard set from the store)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="Postings that come and go: the posting store and the ingestion API.", no_args_is_help=True)

UrlOpt = typer.Option(None, "--url", help="A running server, e.g. http://127.0.0.1:8000 (else: the store directly).")
StoreOpt = typer.Option(None, "--store", envvar="JOBSEARCH_STORE",
                        help="Store: PostgreSQL DSN or SQLite path (default: $JOBSEARCH_STORE, else the data home's).")
TokenFileOpt = typer.Option(None, "--token-file", help="File with the admin token (default: $JOBSEARCH_ADMIN_TOKEN).")
JsonOpt = typer.Option(False, "--json", help="Print the results as JSON.")
PostingFileArg = typer.Argument(..., help="A posting as JSON (README schema), or - for standard input.")
JobIdsArg = typer.Argument(..., help="Job ids to delete.")
ImportFileArg = typer.Argument(..., help="JSONL/NDJSON (postings or delete ops) or Parquet, or - for stdin.")
ExpireIdsArg = typer.Argument(None, help="Postings to expire (default: sweep every posting past its time).")
IndexRootOpt = typer.Option(..., "--index", help="Index root to write the new shard set under.")
BATCH_ROWS = 1000


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


class Target:
    """Where mutations go: the HTTP API or a store, with one `write(rows)` for both."""

    def __init__(self, url: str | None, store: str | None, token_file: Path | None) -> None:
        self.url = url.rstrip("/") if url else None
        self.store_location = store
        self._token_file = token_file
        self._writer: Any = None

    def headers(self) -> dict[str, str]:
        token = self._token_file.read_text().strip() if self._token_file else os.environ.get("JOBSEARCH_ADMIN_TOKEN")
        if not token:
            raise _fail("the server needs the admin token: set JOBSEARCH_ADMIN_TOKEN or pass --token-file")
        return {"Authorization": f"Bearer {token}"}

    def writer(self) -> Any:
        if self._writer is None:
            from jobsearch.store import open_store
            from jobsearch.store.writer import PostingWriter

            self._writer = PostingWriter(open_store(self.store_location))
        return self._writer

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        import httpx

        try:
            r = httpx.request(method, f"{self.url}{path}", headers={**self.headers(), **(headers or {})},
                              timeout=300, **kw)
        except httpx.HTTPError as exc:
            raise _fail(f"cannot reach {self.url}: {exc}") from exc
        try:
            body = r.json()
        except ValueError:
            body = {"detail": r.text}
        if r.status_code in (401, 403, 413) or r.status_code >= 500 or (r.status_code == 400):
            raise _fail(f"{self.url} answered {r.status_code}: {body.get('detail', body)}")
        return body

    def write(self, rows: list[tuple[int, Any]]) -> list[dict[str, Any]]:
        """Write rows (line, object); one result dict per row, in line order."""
        if self.url:
            bad = [{"line": n, "job_id": None, "status": "rejected", "reasons": [o.reason]} for n, o in rows if _is_bad(o)]
            ok = [(n, o) for n, o in rows if not _is_bad(o)]
            if not ok:
                return bad
            got = self.request("POST", "/v1/postings:batch", content="\n".join(json.dumps(o) for _, o in ok).encode(),
                               headers={"Content-Type": "application/x-ndjson"})
            # the server numbers the lines of this batch from 1
            sent = [{**r, "line": ok[int(r["line"]) - 1][0]} for r in got.get("results", [])]
            return sorted(bad + sent, key=lambda r: int(r["line"]))
        from jobsearch.store.writer import check_rows

        good, refused = check_rows(rows)
        done = self.writer().apply(good) if good else []
        return [r.to_dict() for r in sorted(list(done) + refused, key=lambda r: r.line)]


def _is_bad(obj: Any) -> bool:
    from jobsearch.store.writer import Malformed

    return isinstance(obj, Malformed)


def _report(results: list[dict[str, Any]], as_json: bool) -> None:
    failed = [r for r in results if r["status"] in ("rejected", "conflict")]
    if as_json:
        typer.echo(json.dumps({"results": results, "rejected": len(failed)}, indent=2))
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        typer.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing to do")
        for r in failed[:20]:
            who = f" (job_id {r['job_id']!r})" if r.get("job_id") else ""
            typer.echo(f"  line {r['line']}{who}: {r['status']}: {'; '.join(r.get('reasons', []))}")
        if len(failed) > 20:
            typer.echo(f"  ... and {len(failed) - 20} more")
    if failed:
        raise typer.Exit(code=1)


def _read_rows(path: Path) -> list[tuple[int, Any]]:
    from jobsearch.corpus.ingest import file_format
    from jobsearch.errors import JobSearchError
    from jobsearch.store.writer import rows_of_ndjson

    if str(path) == "-":
        return rows_of_ndjson(sys.stdin.read())
    if not path.is_file():
        raise _fail(f"no such file: {path}")
    try:
        kind = file_format(path)
    except JobSearchError as exc:
        raise _fail(str(exc)) from exc
    if kind == "jsonl":
        return rows_of_ndjson(path.read_bytes())
    from jobsearch.corpus.ingest import _parquet_rows  # the same reading as `corpus validate`

    return [(n, obj) for n, obj, _ in _parquet_rows(path)]


@app.command()
def put(
    file: Path = PostingFileArg,
    valid_through: str | None = typer.Option(None, help="ISO time after which the posting expires."),
    version: int | None = typer.Option(None, min=1, help="External version (must exceed the stored one)."),
    url: str | None = UrlOpt, store: str | None = StoreOpt, token_file: Path | None = TokenFileOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Create or replace one posting.

    Example: jobsearch postings put acme-123.json --url http://127.0.0.1:8000
    """
    text = sys.stdin.read() if str(file) == "-" else (file.read_text() if file.is_file() else None)
    if text is None:
        raise _fail(f"no such file: {file}")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(f"{file}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if isinstance(obj, dict):
        obj = {**obj, **({"valid_through": valid_through} if valid_through else {}),
               **({"version": version} if version else {})}
    _report(Target(url, store, token_file).write([(1, obj)]), as_json)


@app.command()
def delete(
    job_ids: list[str] = JobIdsArg,
    url: str | None = UrlOpt, store: str | None = StoreOpt, token_file: Path | None = TokenFileOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Delete postings (deleting an absent one is harmless: `not_found`)."""
    rows = [(i, {"op": "delete", "job_id": j}) for i, j in enumerate(job_ids, 1)]
    _report(Target(url, store, token_file).write(rows), as_json)


@app.command(name="import")
def import_(
    file: Path = ImportFileArg,
    url: str | None = UrlOpt, store: str | None = StoreOpt, token_file: Path | None = TokenFileOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Write every row of a file, in batches; bad rows are reported with their line numbers
    and the rules of `corpus validate`. Re-running an import is harmless (`unchanged`)."""
    rows = _read_rows(file)
    target = Target(url, store, token_file)
    results: list[dict[str, Any]] = []
    for start in range(0, len(rows), BATCH_ROWS):
        results += target.write(rows[start : start + BATCH_ROWS])
    _report(results, as_json)


@app.command()
def expire(
    job_ids: list[str] = ExpireIdsArg,
    at: str | None = typer.Option(None, help="When they expire, ISO time (default: now)."),
    url: str | None = UrlOpt, store: str | None = StoreOpt, token_file: Path | None = TokenFileOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Expire postings: with job ids, set their valid_through (now, or --at); without, run
    the sweep that deletes every posting whose valid_through has passed."""
    from datetime import UTC, datetime

    target = Target(url, store, token_file)
    if not job_ids:
        if url:
            expired = target.request("POST", "/v1/postings:expire")["job_ids"]
        else:
            from jobsearch.store import open_store

            expired = [r.job_id for r in open_store(store).expire()]
        typer.echo(json.dumps({"expired": expired}) if as_json else f"{len(expired)} postings expired")
        return
    when = at or datetime.now(UTC).isoformat()
    rows = []
    for i, job_id in enumerate(job_ids, 1):
        current = _stored_posting(target, job_id)
        rows.append((i, {**current, "valid_through": when} if current else {"op": "delete", "job_id": job_id}))
    _report(target.write(rows), as_json)


def _stored_posting(target: Target, job_id: str) -> dict[str, Any] | None:
    if target.url:
        import httpx

        r = httpx.get(f"{target.url}/v1/postings/{job_id}", headers=target.headers(), timeout=60)
        return r.json()["posting"] if r.status_code == 200 else None
    row = target.writer().store.get(job_id)
    return None if row is None or row.deleted else json.loads(row.posting)


@app.command()
def status(
    url: str | None = UrlOpt, store: str | None = StoreOpt, token_file: Path | None = TokenFileOpt,
) -> None:
    """The store: head of the change log, postings by state, followers and their lag."""
    if url:
        typer.echo(json.dumps(Target(url, store, token_file).request("GET", "/v1/postings:status"), indent=2))
        return
    import time

    from jobsearch.store import open_store

    s = open_store(store)
    head = s.head()
    followers = {}
    for name, (seq, when) in s.consumers().items():
        oldest = s.oldest_change_after(seq)
        lag = 0.0 if oldest is None else max(0.0, time.time() - oldest.at_ms / 1000)
        followers[name] = {"applied": seq, "behind": head - seq, "lag_seconds": round(lag, 3),
                           "reported_s_ago": round(time.time() - when / 1000, 1)}
    typer.echo(json.dumps({"store": s.describe(), "head": head, "postings": s.count(), "followers": followers},
                          indent=2))


@app.command()
def compact(
    index: Path = IndexRootOpt,
    store: str | None = StoreOpt,
    shards: int = typer.Option(1, min=1, help="Shards of the new set."),
    model_id: str | None = typer.Option(None, help="Model of the stored vectors (default: the one they all share)."),
    dtype: str = typer.Option("float16", help="Storage of the vectors: float16, int8 or auto."),
    activate: bool = typer.Option(True, help="Point the index root's ACTIVE at the new set."),
) -> None:
    """Build a shard set from a store snapshot (stored vectors, no encoding) with its
    watermark: the cluster's scheduled compaction. Prints the new set's folder."""
    from jobsearch.errors import JobSearchError
    from jobsearch.store import open_store
    from jobsearch.store.compaction import build_from_store

    try:
        source = open_store(store)
        if model_id is None:
            models = source.model_ids()
            if len(models) != 1:
                raise JobSearchError(f"the stored postings were embedded by {len(models)} models {models[:3]}; "
                                     "name one with --model-id")
            model_id = models[0]
        new_dir = build_from_store(source, index, model_id=model_id, shards=shards, dtype=dtype, activate=activate)
    except JobSearchError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(str(new_dir))
