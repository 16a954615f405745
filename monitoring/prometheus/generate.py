"""Writes the Prometheus rule files in rules/ from the SLO targets in `jobsearch.metrics`.

Burn-rate rules repeat one pattern over many windows; generating them keeps thresholds,
windows and names consistent. The output is checked in; tests fail when it is stale.
Run `python monitoring/prometheus/generate.py` after changing an SLO (`--check` to verify).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from jobsearch.metrics import (
    AVAILABILITY_OBJECTIVE,
    INDEX_STALE_AFTER_S,
    LATENCY_OBJECTIVE,
    LATENCY_THRESHOLDS,
)

RULES_DIR = Path(__file__).resolve().parent / "rules"
SEARCH_ENDPOINT = "/v1/search"  # the `endpoint` label (route template) of the search API
# Windows whose ratios the alerts and dashboards read; 30d is the SLO period.
WINDOWS = ("5m", "30m", "1h", "6h", "3d", "30d")
# Google SRE workbook, ch. 5 ("Alerting on SLOs"): (long, short, burn-rate factor, severity).
BURN_ALERTS = (
    ("1h", "5m", 14.4, "page"),  # 2% of a 30-day budget in one hour
    ("6h", "30m", 6.0, "page"),  # 5% in six hours
    ("3d", "6h", 1.0, "ticket"),  # 10% in three days
)
INDEX_STALE_FOR = "15m"


def _ratio_name(sli: str, window: str) -> str:
    return f"jobsearch:sli_{sli}:ratio_rate{window}"


def _burn_alerts(*, sli: str, alert: str, budget: float, what: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for long_w, short_w, factor, severity in BURN_ALERTS:
        threshold = round(factor * budget, 6)
        out.append(
            {
                "alert": alert,
                "expr": (
                    f"{_ratio_name(sli, long_w)} > {threshold:g}\n"
                    f"and\n{_ratio_name(sli, short_w)} > {threshold:g}"
                ),
                "labels": {**labels, "severity": severity, "long_window": long_w},
                "annotations": {
                    "summary": f"Search {labels['slo']} budget burning {factor:g}x too fast",
                    "description": (
                        f"Over the last {long_w} (and still over {short_w}) more than "
                        f"{threshold:.2%} of {{{{ $labels.job }}}} searches were {what}; "
                        f"at this rate the 30-day budget lasts {30 / factor:.1f} days."
                    ),
                    "runbook_url": "docs/slo.md#runbook",
                },
            }
        )
    return out


def availability_group() -> dict[str, Any]:
    sel = f'jobsearch_requests_total{{endpoint="{SEARCH_ENDPOINT}"'
    budget = round(1 - AVAILABILITY_OBJECTIVE, 9)
    rules: list[dict[str, Any]] = []
    for w in WINDOWS:
        # Client errors (4xx) are the caller's fault: neither good nor bad events. A service
        # that never failed has no server_error series: `or 0 * valid` makes the ratio 0.
        valid = f'sum by (job) (rate({sel},outcome=~"ok|server_error"}}[{w}]))'
        rules.append(
            {
                "record": _ratio_name("errors", w),
                "expr": (
                    f'(\n  sum by (job) (rate({sel},outcome="server_error"}}[{w}]))\n  or\n  0 * {valid}\n)\n'
                    f"/\n{valid}"
                ),
            }
        )
    rules.append(
        {
            "record": "jobsearch:slo_availability_budget_remaining:ratio30d",
            "expr": f"1 - {_ratio_name('errors', '30d')} / {budget:g}",
        }
    )
    rules += _burn_alerts(
        sli="errors", alert="JobsearchAvailabilityBudgetBurn", budget=budget,
        what="server errors", labels={"slo": "availability"},
    )
    return {"name": "jobsearch-slo-availability", "rules": rules}


def latency_group(profile: str) -> dict[str, Any]:
    threshold = LATENCY_THRESHOLDS[profile]
    budget = round(1 - LATENCY_OBJECTIVE, 9)
    hist = "jobsearch_stage_latency_seconds"
    rules: list[dict[str, Any]] = []
    for w in WINDOWS:
        rules.append(
            {
                "record": _ratio_name("slow_searches", w),
                "expr": (
                    f'1 - (\n  sum by (job) (rate({hist}_bucket{{stage="total",le="{threshold:g}"}}[{w}]))\n'
                    f'  /\n  sum by (job) (rate({hist}_count{{stage="total"}}[{w}]))\n)'
                ),
                "labels": {"profile": profile},
            }
        )
    rules.append(
        {
            "record": "jobsearch:slo_latency_budget_remaining:ratio30d",
            "expr": f"1 - {_ratio_name('slow_searches', '30d')} / {budget:g}",
            "labels": {"profile": profile},
        }
    )
    rules += _burn_alerts(
        sli="slow_searches", alert="JobsearchLatencyBudgetBurn", budget=budget,
        what=f"slower than {threshold * 1000:g} ms",
        labels={"slo": "latency", "profile": profile},
    )
    return {"name": "jobsearch-slo-latency", "rules": rules}


def index_group() -> dict[str, Any]:
    hours = INDEX_STALE_AFTER_S / 3600
    return {
        "name": "jobsearch-index",
        "rules": [
            {
                "record": "jobsearch:index_age:seconds",
                "expr": "time() - jobsearch_index_activated_timestamp_seconds",
            },
            {
                "alert": "JobsearchIndexStale",
                "expr": f"jobsearch:index_age:seconds > {INDEX_STALE_AFTER_S}",
                "for": INDEX_STALE_FOR,
                "labels": {"severity": "ticket"},
                "annotations": {
                    "summary": "The active shard set is older than " f"{hours:g} hours",
                    "description": (
                        "{{ $labels.instance }} serves a shard set activated "
                        "{{ $value | humanizeDuration }} ago: new postings are missing and "
                        "expired ones still show. Check the JobIndex rebuild and its build Job."
                    ),
                    "runbook_url": "docs/slo.md#runbook",
                },
            },
            {
                "alert": "JobsearchIndexEmpty",
                "expr": "jobsearch_index_rows == 0",
                "for": "5m",
                "labels": {"severity": "page"},
                "annotations": {
                    "summary": "The active shard set has no rows",
                    "description": "{{ $labels.instance }} answers every search with nothing.",
                    "runbook_url": "docs/slo.md#runbook",
                },
            },
            {
                "alert": "JobsearchIndexSwapFailed",
                "expr": "increase(jobsearch_index_swap_failures_total[15m]) > 0",
                "labels": {"severity": "ticket"},
                "annotations": {
                    "summary": "A new shard set was refused at activation",
                    "description": (
                        "{{ $labels.instance }} refused {{ $value | humanize }} shard set(s) in "
                        "15 minutes (corrupt, partial or failed verification); it keeps serving "
                        "the previous set, which grows stale."
                    ),
                    "runbook_url": "docs/slo.md#runbook",
                },
            },
            {
                "alert": "JobsearchIndexBuildFailed",
                "expr": 'increase(jobsearch_index_build_duration_seconds_count{outcome="failure"}[1h]) > 0',
                "labels": {"severity": "ticket"},
                "annotations": {
                    "summary": "An index build failed in the last hour",
                    "description": "Builds by {{ $labels.job }} fail; the index will go stale.",
                    "runbook_url": "docs/slo.md#runbook",
                },
            },
            {
                "alert": "JobsearchOperatorReconcileErrors",
                "expr": (
                    "sum by (job, step) "
                    '(increase(jobsearch_operator_reconciles_total{outcome="permanent_error"}[15m])) > 0'
                ),
                "labels": {"severity": "ticket"},
                "annotations": {
                    "summary": "The operator gave up on a JobIndex step",
                    "description": (
                        "Step {{ $labels.step }} ended in a permanent error; kopf will not retry "
                        "it until the resource changes. Read the JobIndex conditions."
                    ),
                    "runbook_url": "docs/slo.md#runbook",
                },
            },
        ],
    }


def rule_files() -> dict[str, dict[str, Any]]:
    """File name -> rule file content (`groups:`), as plain Prometheus loads it."""
    files = {
        "slo-availability.yaml": {"groups": [availability_group()]},
        "index.yaml": {"groups": [index_group()]},
    }
    for profile in sorted(LATENCY_THRESHOLDS):
        files[f"slo-latency-{profile}.yaml"] = {"groups": [latency_group(profile)]}
    return files


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None  # multi-line PromQL stays readable
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)

HEADER = (
    "# Generated by monitoring/prometheus/generate.py from jobsearch/metrics.py; do not edit.\n"
    "# Load slo-availability.yaml, index.yaml and ONE slo-latency-<profile>.yaml.\n"
)


def render(content: dict[str, Any]) -> str:
    return HEADER + yaml.dump(content, Dumper=_Dumper, sort_keys=False, width=1000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    RULES_DIR.mkdir(parents=True, exist_ok=True)
    for name, content in rule_files().items():
        path, text = RULES_DIR / name, render(content)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print(f"stale rule files (run {Path(__file__).name}): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
