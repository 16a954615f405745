"""Canary analysis: compare a canary model version with the primary from Prometheus and
decide promote, rollback or inconclusive, with the reasons. `jobsearch canary analyze`
and the canary dashboard use the PromQL built here, so both read the same numbers.

Latency and errors are split per version by joining series to `jobsearch_model_info`
on (job, instance) — one version per process, as KServe canaries run; click-through comes
from `jobsearch_feedback_events_total`, which carries `model_version` itself.

Only verified feedback reaches that counter: `POST /v1/feedback` counts an event only when
its `query_id` is a signed, unexpired id of an answer this service gave that contained the
job, once per (answer, job, event) and within a per-client rate (docs/api.md, Feedback).
Everything else goes to `jobsearch_feedback_refused_total`, which no signal here reads, so
forged clicks cannot move a canary decision.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from jobsearch.metrics import AVAILABILITY_OBJECTIVE, LATENCY_THRESHOLDS

SEARCH_ENDPOINT = "/v1/search"
_JOIN = "* on (job, instance) group_left (model_version) jobsearch_model_info"


def promql(window: str) -> dict[str, str]:
    """Signal name -> PromQL returning one sample per `model_version` over `window`."""
    req = f'jobsearch_requests_total{{endpoint="{SEARCH_ENDPOINT}"'
    lat = 'jobsearch_stage_latency_seconds_bucket{stage="total"}'
    return {
        "p50_s": f"histogram_quantile(0.5, sum by (model_version, le) (rate({lat}[{window}]) {_JOIN}))",
        "p99_s": f"histogram_quantile(0.99, sum by (model_version, le) (rate({lat}[{window}]) {_JOIN}))",
        "searches": f'sum by (model_version) (increase({req},outcome=~"ok|server_error"}}[{window}]) {_JOIN})',
        "errors": f'sum by (model_version) (increase({req},outcome="server_error"}}[{window}]) {_JOIN})',
        "clicks": f'sum by (model_version) (increase(jobsearch_feedback_events_total{{event="click"}}[{window}]))',
    }


@dataclass(frozen=True)
class Thresholds:
    """How much worse a canary may be. Defaults suit a 10-minute window at demo traffic."""

    min_searches: int = 50  # per version in the window; fewer is inconclusive
    max_p99_ratio: float = 1.2  # canary p99 at most 20% above the primary's...
    p99_slack_s: float = 0.01  # ...unless within 10 ms (histogram buckets are that coarse)
    max_error_increase: float = 1 - AVAILABILITY_OBJECTIVE  # absolute error-ratio increase
    min_ctr_ratio: float = 0.9  # canary clicks per search at least 90% of the primary's
    ctr_z: float = 1.645  # and only when the drop is significant (one-sided, 95%)


@dataclass
class Signals:
    """One version's numbers over the window (None: not recorded)."""

    searches: float = 0.0
    errors: float = 0.0
    clicks: float | None = None
    p50_s: float | None = None
    p99_s: float | None = None

    @property
    def error_ratio(self) -> float:
        return self.errors / self.searches if self.searches else 0.0

    @property
    def ctr(self) -> float | None:
        return None if self.clicks is None or not self.searches else self.clicks / self.searches


@dataclass
class Verdict:
    decision: str  # "promote" | "rollback" | "inconclusive"
    reasons: list[str]
    primary: dict[str, Any] = field(default_factory=dict)
    canary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(s: float | None) -> str:
    return "n/a" if s is None or math.isnan(s) else f"{s * 1000:.1f} ms"


def decide(
    primary: Signals, canary: Signals, *, profile: str = "embedded", limits: Thresholds | None = None
) -> Verdict:
    """Pure decision: rollback if any check fails, inconclusive without enough traffic."""
    lim = limits or Thresholds()
    slo_s = LATENCY_THRESHOLDS[profile]
    summary = {"primary": _summary(primary), "canary": _summary(canary)}
    short = [n for n, s in (("primary", primary), ("canary", canary)) if s.searches < lim.min_searches]
    if short:
        reasons = [
            f"{n} served {summary[n]['searches']:.0f} searches in the window; need {lim.min_searches}"
            for n in short
        ]
        return Verdict("inconclusive", reasons, summary["primary"], summary["canary"])

    failed: list[str] = []
    passed: list[str] = []
    if canary.p99_s is not None and not math.isnan(canary.p99_s):
        base = primary.p99_s if primary.p99_s is not None and not math.isnan(primary.p99_s) else None
        slower = base is not None and canary.p99_s > max(base * lim.max_p99_ratio, base + lim.p99_slack_s)
        over_slo = canary.p99_s > slo_s and (base is None or base <= slo_s)
        text = f"p99 latency {_ms(canary.p99_s)} vs primary {_ms(base)} (SLO {_ms(slo_s)}, {profile})"
        (failed if slower or over_slo else passed).append(text)
    else:
        passed.append("no latency recorded for the canary (cache hits only?)")

    limit = primary.error_ratio + lim.max_error_increase
    text = f"server errors {canary.error_ratio:.3%} vs primary {primary.error_ratio:.3%} (limit {limit:.3%})"
    (failed if canary.error_ratio > limit else passed).append(text)

    if primary.ctr is None or canary.ctr is None:
        passed.append("no click-through recorded; judged on latency and errors only")
    else:
        z = _z_drop(primary, canary)
        low = canary.ctr < primary.ctr * lim.min_ctr_ratio and z <= -lim.ctr_z
        text = f"clicks per search {canary.ctr:.3f} vs primary {primary.ctr:.3f} (z={z:.2f})"
        (failed if low else passed).append(text)

    if failed:
        return Verdict("rollback", failed + [f"ok: {p}" for p in passed], summary["primary"], summary["canary"])
    return Verdict("promote", [f"ok: {p}" for p in passed], summary["primary"], summary["canary"])


def _z_drop(primary: Signals, canary: Signals) -> float:
    """Two-proportion z statistic of canary vs primary clicks per search (negative = worse)."""
    p1, p2 = primary.ctr or 0.0, canary.ctr or 0.0
    n1, n2 = primary.searches, canary.searches
    pooled = ((primary.clicks or 0.0) + (canary.clicks or 0.0)) / (n1 + n2)
    pooled = min(max(pooled, 1e-9), 1 - 1e-9)  # clicks per search can exceed 1; keep it defined
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return (p2 - p1) / se


def _summary(s: Signals) -> dict[str, Any]:
    def clean(v: float | None) -> float | None:
        return None if v is None or math.isnan(v) else round(v, 6)

    return {
        "searches": round(s.searches, 3),
        "errors": round(s.errors, 3),
        "error_ratio": round(s.error_ratio, 6),
        "clicks": clean(s.clicks),
        "clicks_per_search": clean(s.ctr),
        "p50_s": clean(s.p50_s),
        "p99_s": clean(s.p99_s),
    }


def fetch_signals(prometheus: str, versions: list[str], *, window: str = "10m", timeout_s: float = 10.0) -> dict[str, Signals]:
    """Query Prometheus' HTTP API for every signal of every version."""
    import httpx

    out = {v: Signals() for v in versions}
    with httpx.Client(base_url=prometheus.rstrip("/"), timeout=timeout_s) as client:
        for name, query in promql(window).items():
            resp = client.get("/api/v1/query", params={"query": query})
            resp.raise_for_status()
            body = resp.json()
            if body.get("status") != "success":
                raise RuntimeError(f"Prometheus refused {name}: {body.get('error')}")
            for sample in body["data"]["result"]:
                version = sample["metric"].get("model_version")
                if version in out:
                    setattr(out[version], name, float(sample["value"][1]))
    return out


def analyze(
    prometheus: str, *, primary: str, canary: str, window: str = "10m",
    profile: str = "embedded", limits: Thresholds | None = None,
) -> Verdict:
    signals = fetch_signals(prometheus, [primary, canary], window=window)
    verdict = decide(signals[primary], signals[canary], profile=profile, limits=limits)
    verdict.primary["model_version"], verdict.canary["model_version"] = primary, canary
    return verdict
