"""Prometheus series of ingestion (registered once, in the default registry, so `serve`'s
/metrics, the shard servers' and the operator's show them)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

INGEST_LAG = Gauge(
    "jobsearch_ingest_lag_seconds",
    "Age of the oldest store change a follower has not applied yet (0 when caught up)",
    ["consumer"],
)
INGEST_APPLIED = Counter("jobsearch_ingest_changes_applied_total", "Change-log entries applied to an index", ["consumer"])
INGEST_SKIPPED = Counter(
    "jobsearch_ingest_changes_skipped_total",
    "Changed postings a follower could not apply (vector of another model, bad row)",
    ["consumer", "reason"],
)
INGEST_WRITES = Counter("jobsearch_ingest_writes_total", "Posting writes by outcome", ["status"])
INGEST_VISIBLE = Histogram(
    "jobsearch_ingest_visible_seconds",
    "From a change's commit to its application in the index",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
INGEST_EXPIRED = Counter("jobsearch_ingest_expired_total", "Postings expired by the sweeper")
