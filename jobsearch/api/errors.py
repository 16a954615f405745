"""The one table from domain errors (`jobsearch.errors`) to HTTP answers, and the FastAPI
handlers that apply it. Client mistakes become 4xx with a JSON reason and are logged
without a traceback; only what we did not foresee is a 500 (logged with its traceback)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jobsearch.errors import (
    BadFeedbackError,
    BadQueryError,
    BadRequestError,
    CorruptShardSetError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexRootBusyError,
    InvalidPostingError,
    InvalidSpecError,
    JobSearchError,
    ModelNotFoundError,
    NotAuthorizedError,
    OverloadedError,
    RateLimitedError,
    RemoteStageError,
    RemoteStageTimeoutError,
    StorageFullError,
    UnknownMemberError,
)

log = logging.getLogger("jobsearch.api")

# Domain error -> (HTTP status, machine code). Looked up along the MRO, so a subclass
# answers like its parent unless it has its own row.
ERROR_STATUS: dict[type[Exception], tuple[int, str]] = {
    BadQueryError: (422, "bad_query"),
    UnknownMemberError: (422, "unknown_member"),
    InvalidPostingError: (422, "invalid_posting"),
    IndexMismatchError: (503, "index_mismatch"),
    IndexNotFoundError: (503, "index_not_loaded"),
    CorruptShardSetError: (503, "index_corrupt"),
    ModelNotFoundError: (503, "model_not_found"),
    BadFeedbackError: (422, "bad_feedback"),
    NotAuthorizedError: (403, "not_authorized"),
    RateLimitedError: (429, "rate_limited"),
    OverloadedError: (503, "overloaded"),
    IndexRootBusyError: (503, "index_busy"),
    StorageFullError: (507, "storage_full"),
    BadRequestError: (400, "bad_request"),
    InvalidSpecError: (422, "invalid_spec"),
    RemoteStageTimeoutError: (504, "stage_timeout"),
    RemoteStageError: (503, "stage_unavailable"),
    JobSearchError: (500, "internal_error"),
}
# The runtimes (jobsearch.runtimes.kserve_io) answer through this same table.

HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def status_for(exc: Exception) -> tuple[int, str]:
    """The (status, code) row for an exception: the nearest class in the table."""
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500, "internal_error"


def error_class(code: str) -> type[JobSearchError] | None:
    """The client-error class answering with `code` (a 4xx row of the table), so a caller
    across a hop (the KServe transformer) re-raises what the stage raised."""
    for cls, (status, row_code) in ERROR_STATUS.items():
        if row_code == code and status < 500 and issubclass(cls, JobSearchError):
            return cls
    return None


def retry_headers(status: int, exc: Exception) -> dict[str, str]:
    """Retry-After for answers a client should retry (429, 503, 504): the error's own
    `retry_after_s` when it has one, else one second."""
    if status not in (429, 503, 504):
        return {}
    return {"Retry-After": str(max(1, round(getattr(exc, "retry_after_s", 1))))}


def error_response(status: int, code: str, detail: str, fields: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "detail": detail, "fields": fields or []})


def _field_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Keep loc/msg/type only: `input` would echo a 10k-character query back.
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            # pydantic prefixes our own validators' messages with "Value error, ".
            "msg": str(e.get("msg", "")).removeprefix("Value error, "),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]


# An absolute path in a message: /a/b/c -> c. Server answers name sets, never folders.
_ABS_PATH = re.compile(r"(?<![\w.])/(?:[^\s'\"():,;/]+/)*([^\s'\"():,;/]+)")


def public_detail(message: str) -> str:
    """A server-side message as a client may read it: absolute paths cut to their last
    part (the log keeps the full message)."""
    return _ABS_PATH.sub(r"\1", message)


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    status, code = status_for(exc)
    if status >= 500 and not isinstance(exc, OverloadedError):  # shedding load is no fault: no traceback
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
    else:
        log.info("%s %s refused (%s): %s", request.method, request.url.path, code, exc)
    resp = error_response(status, code, public_detail(str(exc)) or code)
    resp.headers.update(retry_headers(status, exc))
    return resp


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = _field_problems(exc)
    if any(f["type"] == "json_invalid" for f in fields):
        return error_response(400, "malformed_json", "the request body is not valid JSON", fields)
    parts = []
    for f in fields[:3]:
        where = ".".join(p for p in f["loc"] if p != "body") or "body"
        parts.append(f"{where}: {f['msg']}")
    log.info("%s %s refused (invalid_request): %s", request.method, request.url.path, "; ".join(parts))
    return error_response(422, "invalid_request", "; ".join(parts) or "invalid request", fields)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "client_error" if exc.status_code < 500 else "internal_error")
    resp = error_response(exc.status_code, code, str(exc.detail))
    for k, v in (exc.headers or {}).items():
        resp.headers[k] = v
    return resp


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the table above so no answer is a bare traceback."""
    app.add_exception_handler(JobSearchError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
