"""Writes the Grafana dashboards (JSON model, schemaVersion 39) next to this file.

Plain dicts rather than grafana-foundation-sdk: the SDK's PyPI versions are epoch-stamped
per Grafana release and add nothing the tests don't check. Canary panels reuse the PromQL
of `jobsearch.canary`. Run `python monitoring/dashboards/generate.py` (`--check` to verify).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jobsearch.canary import promql as canary_promql
from jobsearch.metrics import AVAILABILITY_OBJECTIVE, INDEX_STALE_AFTER_S, LATENCY_OBJECTIVE

OUT_DIR = Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}
J = 'job=~"$job"'
RATE = "$__rate_interval"
SEARCH = f'{J},endpoint="/v1/search"'


class Board:
    """Lays panels out left to right in rows of 24 columns and numbers them."""

    def __init__(self) -> None:
        self.panels: list[dict[str, Any]] = []
        self.x = self.y = self.row_h = 0

    def row(self, title: str) -> None:
        self._newline()
        self._add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)
        self._newline()

    def panel(self, kind: str, title: str, targets: list[tuple[str, str]], *, w: int = 12, h: int = 8,
              unit: str = "short", description: str = "", fmt: str | None = None, **extra: Any) -> None:
        if self.x + w > 24:
            self._newline()
        body: dict[str, Any] = {
            "type": kind,
            "title": title,
            "description": description,
            "datasource": DS,
            "targets": [
                {"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend}
                for i, (expr, legend) in enumerate(targets)
            ],
            "fieldConfig": {"defaults": {"unit": unit, **extra.pop("defaults", {})}, "overrides": []},
            "options": extra.pop("options", {}),
        }
        if fmt:  # "table": one instant row per series; "heatmap": buckets sorted by le
            for target in body["targets"]:
                target.update({"format": fmt, "instant": fmt == "table"})
        body.update(extra)
        self._add(body, w, h)

    def _add(self, body: dict[str, Any], w: int, h: int) -> None:
        body["id"] = len(self.panels) + 1
        body["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.panels.append(body)
        self.x += w
        self.row_h = max(self.row_h, h)

    def _newline(self) -> None:
        if self.x:
            self.y += self.row_h
        self.x = self.row_h = 0


def _steps(*steps: tuple[float | None, str], line: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "thresholds": {"mode": "absolute", "steps": [{"value": v, "color": c} for v, c in steps]}
    }
    if line:  # draw the thresholds as dashed lines on time series
        out["custom"] = {"thresholdsStyle": {"mode": "dashed"}}
    return out


def dashboard(uid: str, title: str, board: Board, *, description: str, variables: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    job_var = {
        "name": "job", "label": "job", "type": "query", "datasource": DS,
        "definition": "label_values(jobsearch_requests_total, job)",
        "query": {"query": "label_values(jobsearch_requests_total, job)", "refId": "jobs"},
        "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
    }
    ds_var = {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus"}
    return {
        "uid": uid, "title": title, "description": description,
        "tags": ["jobsearch"], "timezone": "browser", "editable": True,
        "schemaVersion": 39, "version": 1, "refresh": "30s", "graphTooltip": 1,
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [ds_var, job_var, *(variables or [])]},
        "annotations": {"list": []},
        "links": [{"title": "jobsearch dashboards", "type": "dashboards", "tags": ["jobsearch"], "asDropdown": True}],
        "panels": board.panels,
    }


def slo_overview() -> dict[str, Any]:
    b = Board()
    a_budget, l_budget = 1 - AVAILABILITY_OBJECTIVE, 1 - LATENCY_OBJECTIVE
    b.row(f"Error budgets (30 days; availability {AVAILABILITY_OBJECTIVE:.1%}, latency {LATENCY_OBJECTIVE:.0%})")
    budget_steps = _steps((None, "red"), (0, "orange"), (0.25, "green"))
    b.panel("stat", "Availability budget left", [(f"jobsearch:slo_availability_budget_remaining:ratio30d{{{J}}}", "{{job}}")],
            w=6, unit="percentunit", defaults=budget_steps, description="Share of the 30-day server-error budget not yet spent.")
    b.panel("stat", "Latency budget left", [(f"jobsearch:slo_latency_budget_remaining:ratio30d{{{J}}}", "{{job}} {{profile}}")],
            w=6, unit="percentunit", defaults=budget_steps, description="Share of the 30-day slow-search budget not yet spent.")
    b.panel("stat", "Searches without server error (30d)", [(f"1 - jobsearch:sli_errors:ratio_rate30d{{{J}}}", "{{job}}")],
            w=6, unit="percentunit", defaults={"decimals": 3, **_steps((None, "red"), (AVAILABILITY_OBJECTIVE, "green"))})
    b.panel("stat", "Searches under the latency threshold (30d)", [(f"1 - jobsearch:sli_slow_searches:ratio_rate30d{{{J}}}", "{{job}}")],
            w=6, unit="percentunit", defaults={"decimals": 2, **_steps((None, "red"), (LATENCY_OBJECTIVE, "green"))})
    b.row("Burn rates (1 = spending the budget exactly over 30 days; alerts at 14.4, 6 and 1)")
    burn_lines = _steps((None, "green"), (1, "yellow"), (6, "orange"), (14.4, "red"), line=True)
    windows = ("5m", "1h", "6h", "3d")
    b.panel("timeseries", "Availability burn rate", [(f"jobsearch:sli_errors:ratio_rate{w}{{{J}}} / {a_budget:g}", f"{w} {{{{job}}}}") for w in windows],
            defaults=burn_lines)
    b.panel("timeseries", "Latency burn rate", [(f"jobsearch:sli_slow_searches:ratio_rate{w}{{{J}}} / {l_budget:g}", f"{w} {{{{job}}}}") for w in windows],
            defaults=burn_lines)
    b.row("Traffic")
    b.panel("timeseries", "Searches per second by outcome",
            [(f"sum by (outcome) (rate(jobsearch_requests_total{{{SEARCH}}}[{RATE}]))", "{{outcome}}")], unit="reqps")
    b.panel("timeseries", "Server-error ratio (5m)", [(f"jobsearch:sli_errors:ratio_rate5m{{{J}}}", "{{job}}")],
            unit="percentunit", defaults=_steps((None, "green"), (a_budget, "red"), line=True))
    return dashboard("jobsearch-slo", "jobsearch / SLO overview", b,
                     description="Error budgets and multi-window burn rates of the search SLOs (docs/slo.md).")


def search_path() -> dict[str, Any]:
    b = Board()
    b.row("Latency per stage (parse, encode, retrieve, rank, total)")
    for q in ("0.5", "0.95", "0.99"):
        b.panel("timeseries", f"p{float(q) * 100:g} latency by stage",
                [(f"histogram_quantile({q}, sum by (stage, le) (rate(jobsearch_stage_latency_seconds_bucket{{{J}}}[{RATE}])))", "{{stage}}")],
                w=8, unit="s")
    b.panel("heatmap", "Total search latency distribution",
            [(f'sum by (le) (rate(jobsearch_stage_latency_seconds_bucket{{{J},stage="total"}}[{RATE}]))', "{{le}}")],
            w=24, unit="s", fmt="heatmap", options={"calculate": False, "yAxis": {"unit": "s"}, "cellGap": 1},
            description="Buckets of jobsearch_stage_latency_seconds{stage=\"total\"} (cache misses only).")
    b.row("Cache and filters")
    b.panel("timeseries", "Cache hit ratio by cache",
            [(f'sum by (cache) (rate(jobsearch_cache_events_total{{{J},result="hit"}}[{RATE}])) / sum by (cache) (rate(jobsearch_cache_events_total{{{J}}}[{RATE}]))', "{{cache}}")],
            w=8, unit="percentunit", defaults={"min": 0, "max": 1})
    b.panel("timeseries", "Filter selectivity (median, p10)",
            [(f"histogram_quantile({q}, sum by (le) (rate(jobsearch_filter_selectivity_ratio_bucket{{{J}}}[{RATE}])))", f"p{float(q) * 100:g}") for q in ("0.5", "0.1")],
            w=8, unit="percentunit", description="Share of rows passing a query's strict filters; low = selective.")
    b.panel("timeseries", "Requests per second by endpoint",
            [(f"sum by (endpoint) (rate(jobsearch_requests_total{{{J}}}[{RATE}]))", "{{endpoint}}")], w=8, unit="reqps")
    return dashboard("jobsearch-search", "jobsearch / search path", b,
                     description="Per-stage latency, cache hit ratio and filter selectivity.")


def index_freshness() -> dict[str, Any]:
    b = Board()
    b.row("Active shard set")
    b.panel("stat", "Live rows", [(f"jobsearch_index_rows{{{J}}}", "{{instance}}")], w=6)
    b.panel("stat", "Index age", [(f"jobsearch:index_age:seconds{{{J}}}", "{{instance}}")], w=6, unit="s",
            defaults=_steps((None, "green"), (INDEX_STALE_AFTER_S / 2, "orange"), (INDEX_STALE_AFTER_S, "red")),
            description="Time since the active shard set was activated; JobsearchIndexStale fires past 24h.")
    b.panel("table", "Shard set version per instance", [(f"jobsearch_index_info{{{J}}}", "")], w=12,
            fmt="table")
    b.row("Swaps and builds")
    b.panel("timeseries", "Swap duration (p95)",
            [(f"histogram_quantile(0.95, sum by (le) (rate(jobsearch_index_swap_duration_seconds_bucket{{{J}}}[1h])))", "p95")], w=8, unit="s")
    b.panel("timeseries", "Swap failures per hour", [(f"sum by (instance) (increase(jobsearch_index_swap_failures_total{{{J}}}[1h]))", "{{instance}}")],
            w=8, defaults=_steps((None, "green"), (1, "red"), line=True))
    b.panel("timeseries", "Mean build duration by outcome",
            [("sum by (outcome) (rate(jobsearch_index_build_duration_seconds_sum[6h])) / sum by (outcome) (rate(jobsearch_index_build_duration_seconds_count[6h]))", "{{outcome}}")],
            w=8, unit="s")
    b.panel("timeseries", "Operator reconciles by step and outcome",
            [(f"sum by (step, outcome) (increase(jobsearch_operator_reconciles_total[{RATE}]))", "{{step}} {{outcome}}")], w=24)
    return dashboard("jobsearch-index", "jobsearch / index freshness and swaps", b,
                     description="Rows, version and age of the active shard set; swaps, builds and the operator.")


def canary() -> dict[str, Any]:
    b = Board()
    q = canary_promql(RATE)
    b.row("Canary vs primary, per model_version (what `jobsearch canary analyze` compares)")
    b.panel("timeseries", "p99 search latency", [(q["p99_s"], "{{model_version}}")], w=8, unit="s")
    b.panel("timeseries", "p50 search latency", [(q["p50_s"], "{{model_version}}")], w=8, unit="s")
    b.panel("timeseries", "Server-error ratio", [(f"({q['errors']} or 0 * {q['searches']}) / ({q['searches']})", "{{model_version}}")],
            w=8, unit="percentunit")
    b.panel("timeseries", "Clicks per search", [(f"({q['clicks']}) / ({q['searches']})", "{{model_version}}")],
            unit="percentunit", description="POST /v1/feedback clicks over searches answered, per version.")
    b.panel("timeseries", "Searches per second",
            [(f'sum by (model_version) (rate(jobsearch_requests_total{{endpoint="/v1/search"}}[{RATE}]) '
              "* on (job, instance) group_left (model_version) jobsearch_model_info)", "{{model_version}}")], unit="reqps")
    b.panel("table", "Models per instance", [("jobsearch_model_info", "")], w=24, fmt="table")
    return dashboard("jobsearch-canary", "jobsearch / canary vs primary", b,
                     description="Latency, errors and click-through per model version during a rollout.")


DASHBOARDS = {
    "jobsearch-slo.json": slo_overview,
    "jobsearch-search.json": search_path,
    "jobsearch-index.json": index_freshness,
    "jobsearch-canary.json": canary,
}


def render(board: dict[str, Any]) -> str:
    return json.dumps(board, indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, build in DASHBOARDS.items():
        path, text = OUT_DIR / name, render(build())
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print(f"stale dashboards (run {Path(__file__).name}): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
