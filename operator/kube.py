"""The few Kubernetes API calls the operator makes (Jobs and ConfigMaps), each idempotent:
create tolerates 409, delete tolerates 404. Wraps the official client, run in threads so
kopf's event loop never blocks."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException


def load_api_client(kubeconfig: str | None = None) -> k8s.ApiClient:
    """In-cluster credentials when present, else the kubeconfig (KUBECONFIG or the path)."""
    if kubeconfig is None:
        try:
            k8s_config.load_incluster_config()
            return k8s.ApiClient()
        except k8s_config.ConfigException:
            pass
    cfg = k8s.Configuration()
    k8s_config.load_kube_config(config_file=kubeconfig, client_configuration=cfg)
    return k8s.ApiClient(configuration=cfg)


class Kube:
    def __init__(self, api_client: k8s.ApiClient, *, timeout_s: float = 30.0) -> None:
        # Every call is bounded: a hung connection must fail the step, not stall the operator.
        self._t = timeout_s
        self._batch = k8s.BatchV1Api(api_client)
        self._core = k8s.CoreV1Api(api_client)

    async def get_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        def call() -> dict[str, Any] | None:
            try:
                resp = self._batch.read_namespaced_job(
                    name, namespace, _preload_content=False, _request_timeout=self._t
                )
            except ApiException as exc:
                if exc.status == 404:
                    return None
                raise
            return _json(resp)

        return await asyncio.to_thread(call)

    async def create_job(self, body: dict[str, Any]) -> None:
        ns = body["metadata"]["namespace"]
        await asyncio.to_thread(_tolerate, 409, self._batch.create_namespaced_job, ns, body, _request_timeout=self._t
        )

    async def delete_job(self, namespace: str, name: str) -> None:
        # Background propagation: the Job's pods go with it.
        await asyncio.to_thread(
            _tolerate, 404, self._batch.delete_namespaced_job, name, namespace,
            propagation_policy="Background", _request_timeout=self._t,
        )

    async def list_job_names(self, namespace: str, labels: dict[str, str]) -> list[str]:
        selector = ",".join(f"{k}={v}" for k, v in labels.items())

        def call() -> list[str]:
            resp = self._batch.list_namespaced_job(
                namespace, label_selector=selector, _preload_content=False, _request_timeout=self._t
            )
            items = _json(resp).get("items") or []
            # Filter here too: a selector an API server (or a mock) ignores must not widen it.
            return [
                i["metadata"]["name"] for i in items
                if all((i["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())
            ]

        return await asyncio.to_thread(call)

    async def apply_configmap(self, body: dict[str, Any]) -> None:
        ns, name = body["metadata"]["namespace"], body["metadata"]["name"]

        def call() -> None:
            try:
                self._core.create_namespaced_config_map(ns, cast(Any, body), _request_timeout=self._t)
            except ApiException as exc:
                if exc.status != 409:
                    raise
                self._core.patch_namespaced_config_map(
                    name, ns, {"data": body["data"]}, _request_timeout=self._t
                )

        await asyncio.to_thread(call)

    async def delete_configmap(self, namespace: str, name: str) -> None:
        await asyncio.to_thread(
            _tolerate, 404, self._core.delete_namespaced_config_map, name, namespace,
            _request_timeout=self._t,
        )


    async def get_secret_value(self, namespace: str, name: str, key: str) -> str | None:
        """One value of a Secret, decoded (None when the Secret or the key is missing)."""
        import base64

        def call() -> str | None:
            try:
                resp = self._core.read_namespaced_secret(name, namespace, _preload_content=False,
                                                         _request_timeout=self._t)
            except ApiException as exc:
                if exc.status == 404:
                    return None
                raise
            value = (_json(resp).get("data") or {}).get(key)
            return None if value is None else base64.b64decode(value).decode()

        return await asyncio.to_thread(call)


def _tolerate(status: int, fn: Any, *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except ApiException as exc:
        if exc.status != status:
            raise


def _json(resp: Any) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(resp.data)
    return data
