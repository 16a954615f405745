"""The Open Inference Protocol (KServe V2) over HTTP/JSON: numpy <-> V2 tensors and a
small client. Every remote stage speaks it, to Triton and to KServe ModelServers alike;
plain httpx keeps tritonclient.grpc (which cannot share a process with kserve) out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from jobsearch.errors import (
    BadQueryError,
    BadRequestError,
    JobSearchError,
    RemoteStageError,
    RemoteStageTimeoutError,
)

NUMPY_TO_V2: dict[np.dtype, str] = {
    np.dtype(np.float32): "FP32", np.dtype(np.float16): "FP16", np.dtype(np.float64): "FP64",
    np.dtype(np.int64): "INT64", np.dtype(np.int32): "INT32", np.dtype(np.bool_): "BOOL",
}
V2_TO_NUMPY: dict[str, np.dtype] = {v: k for k, v in NUMPY_TO_V2.items()}


def encode_tensor(name: str, value: np.ndarray | list[str] | str) -> dict[str, Any]:
    """One V2 input tensor; strings (and JSON documents) travel as BYTES."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return {"name": name, "shape": [len(value)], "datatype": "BYTES", "data": value}
    arr = np.ascontiguousarray(value)
    if arr.dtype.kind in "US" or arr.dtype == object:
        return {"name": name, "shape": list(arr.shape), "datatype": "BYTES",
                "data": [str(x) for x in arr.reshape(-1)]}
    return {"name": name, "shape": list(arr.shape), "datatype": NUMPY_TO_V2[arr.dtype],
            "data": arr.reshape(-1).tolist()}


def decode_tensor(t: Mapping[str, Any]) -> np.ndarray:
    if t["datatype"] == "BYTES":
        data = [d.decode() if isinstance(d, bytes) else str(d) for d in t["data"]]
        return np.array(data, dtype=object).reshape(t["shape"])
    return np.asarray(t["data"], dtype=V2_TO_NUMPY[t["datatype"]]).reshape(t["shape"])


class V2Client:
    """POST /v2/models/<model>/infer with bounded timeouts; one connection pool.

    Errors keep their meaning across the hop: a stage's client error (4xx with our error
    code) is raised here as the same domain error, so it keeps its status end to end; no
    answer in `timeout_s` is RemoteStageTimeoutError (504); unreachable, 5xx or an unknown
    answer is RemoteStageError (503, retryable)."""

    def __init__(self, model_url: str, *, timeout_s: float = 10.0, connect_timeout_s: float | None = None) -> None:
        import httpx

        self.model_url = model_url.rstrip("/")
        connect = min(timeout_s, 2.0) if connect_timeout_s is None else connect_timeout_s
        self._http = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=connect))

    def infer(self, inputs: Mapping[str, Any], *, outputs: list[str] | None = None) -> dict[str, np.ndarray]:
        import httpx

        body: dict[str, Any] = {"inputs": [encode_tensor(k, v) for k, v in inputs.items()]}
        if outputs:
            body["outputs"] = [{"name": n} for n in outputs]
        try:
            resp = self._http.post(f"{self.model_url}/infer", content=json.dumps(body),
                                   headers={"Content-Type": "application/json"})
        except httpx.TimeoutException as exc:
            raise RemoteStageTimeoutError(f"{self.model_url}: no answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise RemoteStageError(f"{self.model_url}: unreachable ({type(exc).__name__}: {exc})") from exc
        if resp.status_code != 200:
            raise stage_error(self.model_url, resp.status_code, _error_body(resp), resp.headers.get("Retry-After"))
        return {o["name"]: decode_tensor(o) for o in resp.json()["outputs"]}

    def ready(self) -> bool:
        import httpx

        try:
            return self._http.get(f"{self.model_url}/ready").status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._http.close()


def stage_error(url: str, status: int, body: Mapping[str, Any], retry_after: str | None) -> JobSearchError:
    """The domain error a stage's non-200 answer stands for (see V2Client)."""
    from jobsearch.api.errors import error_class

    message = str(body.get("error", "")) or f"HTTP {status}"
    if 400 <= status < 500 and status != 404:  # 404: no such model at this URL, our deployment's fault
        cls = error_class(str(body.get("code", "")))
        if cls is not None:
            return cls(message)
        return BadQueryError(message) if status == 422 else BadRequestError(message)
    try:
        wait = float(retry_after) if retry_after else 1.0
    except ValueError:
        wait = 1.0
    if status == 504:
        return RemoteStageTimeoutError(f"{url}: {message}", retry_after_s=wait)
    return RemoteStageError(f"{url}: HTTP {status}: {message[:500]}", retry_after_s=wait)


def _error_body(resp: Any) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {"error": str(resp.text)[:500]}
    return body if isinstance(body, dict) else {"error": str(body)[:500]}
