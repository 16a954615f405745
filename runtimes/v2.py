"""The Open Inference Protocol (KServe V2) over HTTP/JSON: numpy <-> V2 tensors and a
small client. Every remote stage speaks it, to Triton and to KServe ModelServers alike;
plain httpx keeps tritonclient.grpc (which cannot share a process with kserve) out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from jobsearch.errors import JobSearchError

NUMPY_TO_V2: dict[np.dtype, str] = {
    np.dtype(np.float32): "FP32", np.dtype(np.float16): "FP16", np.dtype(np.float64): "FP64",
    np.dtype(np.int64): "INT64", np.dtype(np.int32): "INT32", np.dtype(np.bool_): "BOOL",
}
V2_TO_NUMPY: dict[str, np.dtype] = {v: k for k, v in NUMPY_TO_V2.items()}


class RemoteStageError(JobSearchError):
    """A remote stage answered with an error or not at all (maps to 502/503 upstream)."""


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
    """POST /v2/models/<model>/infer with bounded timeouts; one connection pool."""

    def __init__(self, model_url: str, *, timeout_s: float = 10.0) -> None:
        import httpx

        self.model_url = model_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout_s)

    def infer(self, inputs: Mapping[str, Any], *, outputs: list[str] | None = None) -> dict[str, np.ndarray]:
        import httpx

        body: dict[str, Any] = {"inputs": [encode_tensor(k, v) for k, v in inputs.items()]}
        if outputs:
            body["outputs"] = [{"name": n} for n in outputs]
        try:
            resp = self._http.post(f"{self.model_url}/infer", content=json.dumps(body),
                                   headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            raise RemoteStageError(f"{self.model_url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code == 400:
            # The client's mistake, reported by the stage: stays a 4xx end to end.
            from jobsearch.errors import BadQueryError

            raise BadQueryError(_error_text(resp))
        if resp.status_code != 200:
            raise RemoteStageError(f"{self.model_url}: HTTP {resp.status_code}: {resp.text[:500]}")
        return {o["name"]: decode_tensor(o) for o in resp.json()["outputs"]}

    def ready(self) -> bool:
        import httpx

        try:
            return self._http.get(f"{self.model_url}/ready").status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._http.close()


def _error_text(resp: object) -> str:
    try:
        return str(resp.json().get("error", resp.text))  # type: ignore[attr-defined]
    except ValueError:
        return str(resp.text)  # type: ignore[attr-defined]
