"""`jobsearch canary ...`: judge a model canary from Prometheus (mounted by jobsearch.cli).
Exit codes let a rollout script act on the answer: 0 promote, 1 rollback, 3 inconclusive."""

from __future__ import annotations

import json

import typer

app = typer.Typer(
    help=(
        "Compare a canary model version with the primary using Prometheus metrics.\n\n"
        "Every serving process publishes jobsearch_model_info{model_version=...}; latency and "
        "server errors are split per version through it, click-through comes from "
        "jobsearch_feedback_events_total (POST /v1/feedback).\n\n"
        "Example:\n\n"
        "  jobsearch canary analyze --prometheus http://127.0.0.1:9090 "
        "--primary ranker-v3 --canary ranker-v4 --window 15m"
    ),
    no_args_is_help=True,
)

EXIT = {"promote": 0, "rollback": 1, "inconclusive": 3}


@app.callback()
def _group() -> None:
    """Keeps `analyze` a sub-command even while it is the only one."""


@app.command()
def analyze(
    prometheus: str = typer.Option(..., help="Prometheus base URL, e.g. http://127.0.0.1:9090"),
    primary: str = typer.Option(..., help="model_version serving most traffic now"),
    canary: str = typer.Option(..., help="model_version under evaluation"),
    window: str = typer.Option("10m", help="PromQL range to compare over (e.g. 10m, 1h)"),
    profile: str = typer.Option("embedded", help="latency SLO profile: embedded or cluster"),
    min_searches: int = typer.Option(50, help="searches each version needs, else inconclusive"),
    max_p99_ratio: float = typer.Option(1.2, help="canary p99 may be this many times the primary's"),
    min_ctr_ratio: float = typer.Option(0.9, help="canary clicks per search, as a share of the primary's"),
) -> None:
    """Print a JSON verdict (decision, reasons, both versions' numbers).

    Rollback when the canary's p99 is above max-p99-ratio x the primary's (and 10 ms more) or above the profile's SLO threshold.

    Rollback when its server-error ratio exceeds the primary's by more than the error budget (0.1%).

    Rollback when its clicks per search fall significantly (one-sided z-test, 95%) below min-ctr-ratio x the primary's.

    Exit code: 0 promote, 1 rollback, 3 inconclusive (too little traffic), 4 Prometheus unreachable.
    """
    import httpx

    from jobsearch.canary import Thresholds
    from jobsearch.canary import analyze as run
    from jobsearch.metrics import LATENCY_THRESHOLDS

    if profile not in LATENCY_THRESHOLDS:
        raise typer.BadParameter(f"profile must be one of {sorted(LATENCY_THRESHOLDS)}, got {profile!r}")
    limits = Thresholds(min_searches=min_searches, max_p99_ratio=max_p99_ratio, min_ctr_ratio=min_ctr_ratio)
    try:
        verdict = run(prometheus, primary=primary, canary=canary, window=window, profile=profile, limits=limits)
    except (httpx.HTTPError, RuntimeError) as exc:
        typer.echo(f"error: cannot query Prometheus at {prometheus}: {exc}", err=True)
        raise typer.Exit(4) from exc
    body = {"window": window, "profile": profile, **verdict.to_dict()}
    typer.echo(json.dumps(body, indent=2))
    raise typer.Exit(EXIT[verdict.decision])
