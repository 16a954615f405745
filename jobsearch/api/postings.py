"""The ingestion API: add, update, delete and expire postings of a running service.
Mutations need the admin bearer token (403 while none is configured, 401 for a wrong or
missing one); every row is checked with the rules of `jobsearch corpus validate`; a write
is acknowledged once durable in the store and answers 200 when the index serves it
(202: durable, not yet visible). Retries are idempotent: the same posting again is
`unchanged`, a delete of an absent posting `not_found`. See docs/ingestion.md."""

from __future__ import annotations

import hmac
import json
import threading
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from jobsearch.store.settings import IngestSettings

router = APIRouter(tags=["postings"])

# The body limits of these endpoints (the BodyLimit middleware lets /v1/postings bodies
# this large through; the handlers count what actually arrives).
MAX_POSTING_BYTES = 256 * 1024  # one posting: a 20,000-character description is ~80 KB at worst
MAX_BATCH_BYTES = 16 * 1024 * 1024
MAX_BATCH_ROWS = 10_000

_start_lock = threading.Lock()

WaitParam = Query(True, description="Wait (up to a couple of seconds) until the index serves the change.")
VersionParam = Query(None, ge=1, description="External version: must exceed the stored one (409 otherwise).")


def ingest_settings(app: FastAPI) -> IngestSettings:
    settings = getattr(app.state, "ingest_settings", None)
    if settings is None:
        settings = app.state.ingest_settings = IngestSettings.from_env()
    return settings


def start_ingest(app: FastAPI, *, encoder: Any = None) -> Any:
    """The app's ingestion service (store + follower + sweeper), started once; None when
    the store is switched off. `serve` calls this at start so the index follows the store
    before the first write; the endpoints call it too."""
    from jobsearch.store.service import Ingest

    existing = getattr(app.state, "ingest", None)
    if existing is not None:
        return existing
    settings = ingest_settings(app)
    if not settings.enabled:
        return None
    with _start_lock:
        if getattr(app.state, "ingest", None) is None:
            app.state.ingest = Ingest(settings, lambda: _served_index(app), encoder=encoder).start()
    return app.state.ingest


def _served_index(app: FastAPI) -> Any:
    from jobsearch.errors import IndexNotFoundError

    try:
        pipeline = app.state.pipeline_slot.get()
    except IndexNotFoundError:
        return None
    index = getattr(pipeline, "retriever", None)
    return index if hasattr(index, "add") and hasattr(index, "set_dir") else None


def _authorize(request: Request) -> Any:
    """The ingestion service for a request carrying the admin token, else 401/403/503."""
    settings = ingest_settings(request.app)
    if not settings.enabled:
        raise HTTPException(403, "ingestion is disabled: this server runs without a posting store (JOBSEARCH_STORE=off)")
    token = settings.token()
    if token is None:
        raise HTTPException(403, "mutations are disabled: no admin token is configured "
                                 "(set JOBSEARCH_ADMIN_TOKEN or JOBSEARCH_ADMIN_TOKEN_FILE)")
    sent = request.headers.get("authorization", "")
    scheme, _, value = sent.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise HTTPException(401, "a valid admin token is required: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": 'Bearer realm="jobsearch-ingest"'})
    return start_ingest(request.app)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past `limit` even when sent without a length."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(result: Any, visible: bool) -> JSONResponse:
    body = {**result.to_dict(), "visible": visible}
    if result.status == "rejected":
        return JSONResponse(status_code=422, content={"error": "invalid_posting", "detail": "; ".join(result.reasons),
                                                      "fields": [], "result": body})
    if result.status == "conflict":
        return JSONResponse(status_code=409, content={"error": "version_conflict", "detail": "; ".join(result.reasons),
                                                      "fields": [], "result": body})
    return JSONResponse(status_code=200 if visible else 202, content=body)


@router.put("/v1/postings/{job_id}", responses={401: {}, 403: {}, 409: {}, 413: {}, 422: {}})
async def put_posting(job_id: str, request: Request, wait: bool = WaitParam) -> JSONResponse:
    """Create or replace one posting (the README's posting JSON, plus optional
    `valid_through` and `version`). 200: stored and searchable; 202: stored, not yet
    searchable; the same posting again is `unchanged`."""
    from jobsearch.store.writer import parse_mutation

    ingest = _authorize(request)
    raw = await _body(request, MAX_POSTING_BYTES)
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"the request body is not valid JSON: {exc}") from exc
    if isinstance(obj, dict):
        if obj.setdefault("job_id", job_id) != job_id:
            raise HTTPException(422, f"the body's job_id {obj['job_id']!r} differs from the path's {job_id!r}")
        if obj.get("op", "upsert") != "upsert":
            raise HTTPException(422, "PUT writes a posting; use DELETE to delete one")
    m = parse_mutation(1, obj)
    if not hasattr(m, "op"):
        return _answer(m, False)
    results, visible = await run_in_threadpool(ingest.write, [m], wait=wait)
    return _answer(results[0], visible)


@router.delete("/v1/postings/{job_id}", responses={401: {}, 403: {}, 409: {}})
async def delete_posting(job_id: str, request: Request, wait: bool = WaitParam,
                         version: int | None = VersionParam) -> JSONResponse:
    """Delete one posting. `deleted`, or `not_found` when it is absent or already deleted
    (a retried delete is harmless); once answered 200 it is never returned by a search."""
    from jobsearch.store.writer import Mutation

    ingest = _authorize(request)
    results, visible = await run_in_threadpool(ingest.write, [Mutation(1, "delete", job_id, version=version)], wait=wait)
    return _answer(results[0], visible)


@router.get("/v1/postings/{job_id}", responses={401: {}, 403: {}, 404: {}})
async def get_posting(job_id: str, request: Request) -> dict[str, Any]:
    """The stored posting with its version and valid_through (admin token required)."""
    from datetime import UTC, datetime

    ingest = _authorize(request)
    row = await run_in_threadpool(ingest.store.get, job_id)
    if row is None or row.deleted:
        raise HTTPException(404, f"no posting {job_id!r}" + (f" (deleted at version {row.version})" if row else ""))
    vt = row.valid_through_ms
    return {"job_id": job_id, "version": row.version, "posting": json.loads(row.posting or "{}"),
            "valid_through": None if vt is None else datetime.fromtimestamp(vt / 1000, UTC).isoformat()}


@router.post("/v1/postings:batch", responses={401: {}, 403: {}, 413: {}})
async def batch(request: Request, wait: bool = WaitParam) -> JSONResponse:
    """Many mutations as NDJSON, one per line: a posting (upsert, with optional
    `valid_through` and `version`) or `{"op": "delete", "job_id": ...}`. Bad rows are
    reported with their line number and reasons; good rows are written in one transaction."""
    from jobsearch.store.writer import check_rows, rows_of_ndjson

    ingest = _authorize(request)
    raw = await _body(request, MAX_BATCH_BYTES)
    rows = rows_of_ndjson(raw)
    if len(rows) > MAX_BATCH_ROWS:
        raise HTTPException(413, f"{len(rows)} rows in one batch; the limit is {MAX_BATCH_ROWS}")
    good, bad = check_rows(rows)
    written, visible = await run_in_threadpool(ingest.write, good, wait=wait) if good else ([], True)
    results = sorted(list(written) + bad, key=lambda r: r.line)
    failed = [r for r in results if not r.ok]
    return JSONResponse({
        "rows": len(rows), "accepted": len(results) - len(failed), "rejected": len(failed),
        "errors": bool(failed), "visible": visible, "results": [r.to_dict() for r in results],
    })


@router.post("/v1/postings:expire", responses={401: {}, 403: {}})
async def expire_now(request: Request) -> dict[str, Any]:
    """Run the expiry sweep now: postings past their valid_through are deleted."""
    ingest = _authorize(request)
    expired = await run_in_threadpool(ingest.sweep)
    return {"expired": len(expired), "job_ids": expired}


@router.get("/v1/postings:status", responses={401: {}, 403: {}})
async def status(request: Request) -> dict[str, Any]:
    """Store head, the follower's applied position and lag, posting counts."""
    ingest = _authorize(request)
    return await run_in_threadpool(ingest.status)
