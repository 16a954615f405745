"""`jobsearch operator run`: builds the settings and the Kubernetes client, registers the
JobIndex handlers and runs kopf until stopped. The Deployment in the Helm chart runs this."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

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
    def login(**_: Any) -> kopf.ConnectionInfo:
        # kopf and our API client use the very same credentials (service account in-cluster,
        # else the kubeconfig named here), re-read on every re-login (tokens rotate).
        return connection_info(api.configuration)

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


def connection_info(cfg: Any) -> Any:
    """kopf's ConnectionInfo from a kubernetes-client Configuration."""
    import kopf

    if getattr(cfg, "refresh_api_key_hook", None):
        cfg.refresh_api_key_hook(cfg)
    auth = (cfg.api_key or {}).get("authorization") or (cfg.api_key or {}).get("BearerToken")
    scheme, _, token = (auth or "").partition(" ")
    if not token:  # some loaders store the bare token with a separate prefix
        token, scheme = auth or "", (cfg.api_key_prefix or {}).get("authorization", "Bearer")
    return kopf.ConnectionInfo(
        server=cfg.host,
        ca_path=cfg.ssl_ca_cert,
        insecure=not cfg.verify_ssl,
        scheme=scheme or None if token else None,
        token=token or None,
        certificate_path=cfg.cert_file,
        private_key_path=cfg.key_file,
        username=cfg.username or None,
        password=cfg.password or None,
    )


@app.command("run")
def run(
    kubeconfig: Annotated[str | None, typer.Option(help="kubeconfig path (default: in-cluster, then KUBECONFIG).")] = None,
    liveness: Annotated[str, typer.Option(help="kopf liveness endpoint.")] = "http://0.0.0.0:8080/healthz",
    metrics_port: Annotated[int, typer.Option(help="Prometheus metrics port (0: off).")] = 9090,
) -> None:
    """Run the operator (settings from JOBSEARCH_OPERATOR_* variables)."""
    from jobsearch.operator.settings import OperatorSettings
    from prometheus_client import start_http_server

    if metrics_port:
        start_http_server(metrics_port)
    asyncio.run(run_operator(OperatorSettings.from_env(), kubeconfig=kubeconfig, liveness=liveness))


@app.command("validate")
def validate(
    manifests: Annotated[list[str], typer.Argument(help="YAML files of Kubernetes objects.")],
    crd: Annotated[list[str] | None, typer.Option(help="CRD YAML files for custom resources (repeat).")] = None,
) -> None:
    """Validate objects offline: built-in kinds strictly, custom resources against CRDs."""
    from pathlib import Path

    from jobsearch.operator.validation import CrdSchemas, load_yaml_documents, validate_objects

    objects = [o for m in manifests for o in load_yaml_documents(Path(m))]
    problems = validate_objects(objects, CrdSchemas.from_files(Path(c) for c in crd or []))
    for key, errors in problems.items():
        for e in errors:
            typer.echo(f"{key}: {e}", err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo(f"{len(objects)} objects valid")
