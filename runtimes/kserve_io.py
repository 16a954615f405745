"""The boundary between KServe and the engine: V2 request tensors to Python values,
values to a V2 response, and the one table that maps domain errors to HTTP statuses."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from kserve.errors import InferenceError, InvalidInput
from kserve.protocol.infer_type import InferOutput, InferRequest, InferResponse

from jobsearch.errors import (
    BadQueryError,
    CorruptShardSetError,
    IndexNotFoundError,
    JobSearchError,
    ModelNotFoundError,
    UnknownMemberError,
)

# Domain error -> HTTP status. 4xx are the client's; 5xx ours (logged with a cause).
ERROR_STATUS: dict[type[Exception], int] = {
    BadQueryError: 400,
    UnknownMemberError: 404,
    ValueError: 400,
    IndexNotFoundError: 503,
    CorruptShardSetError: 503,
    ModelNotFoundError: 503,
}


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except (InvalidInput, InferenceError):
        raise
    except (JobSearchError, ValueError) as exc:
        status = next((s for t, s in ERROR_STATUS.items() if isinstance(exc, t)), 500)
        if status == 400:
            raise InvalidInput(str(exc)) from exc
        raise InferenceError(f"{type(exc).__name__}: {exc}", status=status) from exc


def inputs_of(payload: Any) -> dict[str, np.ndarray]:
    if not isinstance(payload, InferRequest):
        raise InvalidInput("expected an Open Inference Protocol (V2) request")
    return {i.name: i.as_numpy() for i in payload.inputs}


def text_of(inputs: Mapping[str, np.ndarray], name: str, default: str | None = None) -> str | None:
    if name not in inputs:
        if default is None:
            raise InvalidInput(f"missing input {name!r}")
        return default
    value = np.asarray(inputs[name]).reshape(-1)
    if value.size == 0:
        return default
    v = value[0]
    return v.decode() if isinstance(v, bytes) else str(v)


def int_of(inputs: Mapping[str, np.ndarray], name: str, default: int) -> int:
    if name not in inputs:
        return default
    return int(np.asarray(inputs[name]).reshape(-1)[0])


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
