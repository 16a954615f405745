"""The boundary between KServe and the engine: V2 request tensors to Python values,
values to a V2 response, and domain errors to HTTP answers through the API's one table
(`jobsearch.api.errors.ERROR_STATUS`): a status, our error code and Retry-After where a
retry helps. KServe's own handler would turn every InferenceError into a 500."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from kserve.errors import InferenceError, InvalidInput
from kserve.protocol.infer_type import InferOutput, InferRequest, InferResponse

from jobsearch.api.errors import public_detail, retry_headers, status_for
from jobsearch.errors import BadRequestError, JobSearchError

log = logging.getLogger("jobsearch.runtimes")


class StageHTTPError(Exception):
    """A domain error on its way out of a KServe model, with its HTTP answer decided."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str]) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers)


async def _on_stage_error(request: Any, exc: Exception) -> Any:
    from fastapi.responses import JSONResponse

    assert isinstance(exc, StageHTTPError)
    # V2 clients read `error` (the message); V2Client also reads `code` to re-raise the class.
    return JSONResponse(status_code=exc.status, content={"error": exc.message, "code": exc.code},
                        headers=exc.headers)


def install_error_handler() -> None:
    """Register the handler on KServe's app (call before ModelServer.start)."""
    from kserve.model_server import app

    app.add_exception_handler(StageHTTPError, _on_stage_error)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Domain errors -> StageHTTPError with the table's status. Anything else is a bug: it
    stays a 500 with KServe's handler (and a traceback in the log)."""
    try:
        yield
    except (InvalidInput, InferenceError):
        raise
    except JobSearchError as exc:
        status, code = status_for(exc)
        if status >= 500:
            log.error("%s: %s", code, exc, exc_info=exc)
        else:
            log.info("refused (%s): %s", code, exc)
        raise StageHTTPError(status, code, public_detail(str(exc)) or code, retry_headers(status, exc)) from exc


def inputs_of(payload: Any) -> dict[str, np.ndarray]:
    if not isinstance(payload, InferRequest):
        raise BadRequestError("expected an Open Inference Protocol (V2) request")
    return {i.name: i.as_numpy() for i in payload.inputs}


def text_of(inputs: Mapping[str, np.ndarray], name: str, default: str | None = None) -> str | None:
    if name not in inputs:
        if default is None:
            raise BadRequestError(f"missing input {name!r}")
        return default
    value = np.asarray(inputs[name]).reshape(-1)
    if value.size == 0:
        return default
    v = value[0]
    return v.decode() if isinstance(v, bytes) else str(v)


def int_of(inputs: Mapping[str, np.ndarray], name: str, default: int) -> int:
    if name not in inputs:
        return default
    value = np.asarray(inputs[name]).reshape(-1)
    try:
        return int(value[0])
    except (ValueError, TypeError, IndexError) as exc:
        raise BadRequestError(f"input {name!r} must be one integer, got {value[:3].tolist()!r}") from exc


def response(model_name: str, outputs: Mapping[str, np.ndarray | list[str]]) -> InferResponse:
    infer_outputs = []
    for name, value in outputs.items():
        if isinstance(value, list) or (isinstance(value, np.ndarray) and value.dtype == object):
            arr = np.asarray(value, dtype=object)
            infer_outputs.append(InferOutput(name, list(arr.shape), "BYTES", [str(x) for x in arr.reshape(-1)]))
        else:
            arr = np.ascontiguousarray(value)
            dtype = {np.float32: "FP32", np.int64: "INT64", np.int32: "INT32"}[arr.dtype.type]
            infer_outputs.append(InferOutput(name, list(arr.shape), dtype, arr.reshape(-1).tolist()))
    return InferResponse(response_id=str(uuid.uuid4()), model_name=model_name, infer_outputs=infer_outputs)
