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
