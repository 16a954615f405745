"""`jobsearch operator run`: builds the settings and the Kubernetes client, registers the
JobIndex handlers and runs kopf until stopped. The Deployment in the Helm chart runs this."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

app = typer.Typer(help="The JobIndex operator (kopf).", no_args_is_help=True)


async def run_operator(
    settings: Any, *, kubeconfig: str | None = None, liveness: str | None = None
) -> None:
    import kopf
    from jobsearch.operator.handlers import make_registry
    from jobsearch.operator.kube import Kube, load_api_client

    api = load_api_client(kubeconfig)
    registry = make_registry(settings, Kube(api))

    @kopf.on.login(registry=registry)
    def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
        # The same credentials as the API client: service account in-cluster, else kubeconfig.
        return kopf.login_via_client(**kwargs)

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.persistence.finalizer = "jobsearch.io/cleanup"
        settings.posting.level = 20  # info events on the JobIndex, visible in kubectl describe

    await kopf.operator(
        registry=registry,
        clusterwide=not settings.namespaces,
        namespaces=settings.namespaces,
        liveness_endpoint=liveness,
        standalone=True,
    )


@app.command("run")
def run(
    kubeconfig: str = typer.Option(None, help="kubeconfig path (default: in-cluster, then KUBECONFIG)."),
    liveness: str = typer.Option("http://0.0.0.0:8080/healthz", help="kopf liveness endpoint."),
    metrics_port: int = typer.Option(9090, help="Prometheus metrics port (0: off)."),
) -> None:
    """Run the operator (settings from JOBSEARCH_OPERATOR_* variables)."""
    from jobsearch.operator.settings import OperatorSettings
    from prometheus_client import start_http_server

    if metrics_port:
        start_http_server(metrics_port)
    asyncio.run(run_operator(OperatorSettings.from_env(), kubeconfig=kubeconfig, liveness=liveness))
