"""Prometheus metrics shared by every process (serve, runtimes, operator).

Names follow `jobsearch_<what>_<unit>`; buckets resolve 1-500 ms. Defined at import
(prometheus-client registers collectors once per process); nothing else happens here.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

LATENCY_BUCKETS = (
    0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05,
    0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5,
)

STAGE_LATENCY = Histogram(
    "jobsearch_stage_latency_seconds",
    "Latency of one search stage (parse, encode, retrieve, rank, total).",
    ["stage"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "jobsearch_requests_total",
    "Search API requests by endpoint and outcome (ok, client_error, server_error).",
    ["endpoint", "outcome"],
)
CACHE_EVENTS = Counter(
    "jobsearch_cache_events_total",
    "Query cache lookups by cache (personalised, anonymous) and result (hit, miss).",
    ["cache", "result"],
)
RANKER_FALLBACKS = Counter(
    "jobsearch_ranker_fallbacks_total",
    "Searches answered in retrieval order because the ranker failed or ran past its budget.",
    ["reason"],
)
INDEX_ROWS = Gauge("jobsearch_index_rows", "Live rows in the active shard set (base + delta - tombstones).")
INDEX_VERSION = Info("jobsearch_index", "Active shard set version and encoder id.")
INDEX_ACTIVATED = Gauge(
    "jobsearch_index_activated_timestamp_seconds", "Unix time the active shard set was activated."
)
SWAP_DURATION = Histogram(
    "jobsearch_index_swap_duration_seconds",
    "Time to verify and activate a new shard set.",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60),
)
SWAP_FAILURES = Counter("jobsearch_index_swap_failures_total", "Shard sets refused at activation.")
FILTER_SELECTIVITY = Histogram(
    "jobsearch_filter_selectivity_ratio",
    "Share of rows that pass a query's strict filters.",
    buckets=(0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0),
)
MODEL_INFO = Info("jobsearch_model", "Versions of the models this process serves.")
OPERATOR_RECONCILES = Counter(
    "jobsearch_operator_reconciles_total",
    "JobIndex reconciles by step (build, verify, promote, gc) and outcome "
    "(success, temporary_error, permanent_error).",
    ["step", "outcome"],
)
INDEX_BUILD_DURATION = Histogram(
    "jobsearch_index_build_duration_seconds",
    "Wall time of one shard-set build (`jobsearch index build`), by outcome (success, failure).",
    ["outcome"],
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200),
)

# Service level objectives (docs/slo.md). The rule and dashboard generators under
# monitoring/ and the canary analysis read these, so a target changes in one place.
AVAILABILITY_OBJECTIVE = 0.999  # share of valid searches answered without a server error
LATENCY_OBJECTIVE = 0.99  # share of searches faster than the profile's threshold
# Threshold per deployment profile; each must be a LATENCY_BUCKETS bound to be measurable.
LATENCY_THRESHOLDS = {"embedded": 0.5, "cluster": 0.15}
INDEX_STALE_AFTER_S = 24 * 3600  # postings turn over daily; a day-old index misses them


def set_model_versions(model_version: str, **components: str) -> None:
    """Publish which models this process serves as `jobsearch_model_info`.

    `model_version` names the deployable release (what a canary rolls out); components
    (encoder="...", ranker="...") are extra labels. Dashboards and `jobsearch canary`
    join latency and request series to this metric by (job, instance) to split them per
    version, so every serving process calls this once at start-up.
    """
    MODEL_INFO.info({"model_version": model_version, **components})


def init_series(endpoints: tuple[str, ...] = ("/v1/search",)) -> None:
    """Create at zero the series the SLO rules and dashboards read, once at start-up.

    A counter series that first appears at 5 has no rate until it grows again, so without
    this a burst of traffic right after start-up, or a first server error, is invisible to
    `rate()` (Prometheus docs: "avoid missing metrics").
    """
    for endpoint in endpoints:
        for outcome in ("ok", "client_error", "server_error"):
            REQUESTS.labels(endpoint=endpoint, outcome=outcome)
    for stage in ("parse", "encode", "retrieve", "rank", "total"):
        STAGE_LATENCY.labels(stage=stage)
    for cache in ("personalised", "anonymous"):
        for result in ("hit", "miss"):
            CACHE_EVENTS.labels(cache=cache, result=result)
