"""End to end: a real Prometheus on 127.0.0.1 scrapes a real `jobsearch serve` process
with the SLO rules loaded; traffic goes in, and the SLIs, recording rules and dashboard
queries are read back through Prometheus' HTTP API."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "monitoring" / "prometheus" / "rules"
QUERIES = [
    "software engineer jobs in Seattle, mostly remote",
    "data scientist in Berlin posted this week",
    "remote python developer, not from staffing agencies",
    "nurse jobs in London above median pay",
    "product manager in San Francisco Bay Area, hybrid",
    "entry level accountant in New York",
    "senior devops engineer, kubernetes, remote",
    "marketing manager jobs in Toronto",
]


@pytest.fixture
def served(demo_home: Path, unused_port: int, poll, tmp_path: Path) -> Iterator[str]:
    port = unused_port
    cmd = [str(Path(sys.executable).parent / "jobsearch"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, "JOBSEARCH_HOME": str(demo_home)},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def healthy() -> bool:
            assert proc.poll() is None, f"jobsearch serve exited:\n{log.read_text()[-3000:]}"
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200

        poll(healthy, timeout_s=120, what="jobsearch serve /healthz")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_prometheus_records_the_slis_of_jobsearch_serve(served: str, start_prometheus, poll) -> None:
    target = served.removeprefix("http://")
    prom = start_prometheus(
        {"jobsearch": [target]},
        rule_files=[RULES / "slo-availability.yaml", RULES / "slo-latency-embedded.yaml", RULES / "index.yaml"],
    )
    poll(lambda: prom.value('up{job="jobsearch"}') == 1, timeout_s=30, what="first scrape of serve")
    # Serve may search once at start-up (warm-up): count only what this test adds.
    timed0 = prom.value('sum(jobsearch_stage_latency_seconds_count{stage="total"}) or vector(0)')
    hits0 = prom.value('sum(jobsearch_cache_events_total{result="hit"}) or vector(0)')
    ok = 0
    with httpx.Client(base_url=served, timeout=30) as client:
        for i, text in enumerate(QUERIES * 2):  # the second round hits the anonymous cache
            if i == 1:  # a counter's rate needs two scrapes that see it: let one see it at 1
                poll(lambda: prom.query('jobsearch_requests_total{endpoint="/v1/search",outcome="ok"}'),
                     timeout_s=30, what="the first search scraped")
            resp = client.post("/v1/search", json={"query": text, "k": 5})
            assert resp.status_code == 200, resp.text
            ok += 1
            if resp.json()["results"]:
                job_id = resp.json()["results"][0]["job_id"]
                fb = client.post("/v1/feedback", json={"job_id": job_id, "event": "click",
                                                       "query_id": resp.headers["X-Query-Id"]})
                assert fb.status_code == 202, fb.text  # accepted
        for _ in range(3):  # the caller's mistakes: 4xx, outside the availability SLI
            assert client.post("/v1/search", json={"query": "nurse", "k": 0}).status_code == 422

    sel = 'jobsearch_requests_total{job="jobsearch",endpoint="/v1/search"'
    poll(lambda: prom.value(f'sum({sel},outcome="ok"}})') == ok, timeout_s=30,
         what=f"{ok} ok searches scraped")
    assert prom.value(f'sum({sel},outcome="client_error"}})') == 3
    assert prom.value(f'sum({sel},outcome="server_error"}})') in (None, 0.0)

    # Every search was a cache miss once: one total-latency observation per distinct query.
    assert prom.value('sum(jobsearch_stage_latency_seconds_count{stage="total"})') - timed0 == len(QUERIES)
    stages = {s["metric"]["stage"] for s in prom.query("jobsearch_stage_latency_seconds_count > 0")}
    assert {"parse", "encode", "retrieve", "total"} <= stages
    assert prom.value('sum(jobsearch_cache_events_total{result="hit"})') - hits0 == len(QUERIES)
    assert prom.value("sum(jobsearch_filter_selectivity_ratio_count)") >= 1

    # Recording rules evaluated by this Prometheus (1 s evaluation interval).
    def recorded(expr: str) -> bool:  # NaN until a rate spans two scrapes with traffic
        value = prom.value(expr)
        return value is not None and not math.isnan(value)

    poll(lambda: recorded("jobsearch:sli_errors:ratio_rate5m") and recorded("jobsearch:sli_slow_searches:ratio_rate5m"),
         timeout_s=30, what="SLIs recorded")
    assert prom.value('jobsearch:sli_errors:ratio_rate5m{job="jobsearch"}') == 0.0
    assert prom.value('jobsearch:slo_availability_budget_remaining:ratio30d{job="jobsearch"}') == 1.0
    slow = prom.value('jobsearch:sli_slow_searches:ratio_rate5m{job="jobsearch",profile="embedded"}')
    assert slow is not None and 0.0 <= slow <= 1.0
    age = prom.value('jobsearch:index_age:seconds{job="jobsearch"}')
    assert age is not None and 0 <= age < 3600
    assert prom.value("jobsearch_index_rows") > 0
    assert prom.query('ALERTS{alertname=~"JobsearchIndex.*"}') == []

    # Feedback and model version: what the canary analysis joins on.
    version = prom.query("jobsearch_model_info")[0]["metric"]["model_version"]
    clicks = prom.value(f'sum(jobsearch_feedback_events_total{{event="click",model_version="{version}"}})')
    assert clicks and clicks >= 1
    searches = prom.value(
        f'sum(jobsearch_requests_total{{endpoint="/v1/search",outcome="ok"}} '
        f'* on (job, instance) group_left (model_version) jobsearch_model_info{{model_version="{version}"}})'
    )
    assert searches == ok

    # Every dashboard query runs against the real series; most return data already.
    answered = 0
    queries = [t["expr"] for p in (ROOT / "monitoring" / "dashboards").glob("*.json")
               for panel in json.loads(p.read_text())["panels"] for t in panel.get("targets", [])]
    for expr in queries:
        result = prom.query(expr.replace("$__rate_interval", "1m").replace("$job", ".*"))
        answered += bool(result)
    assert answered >= len(queries) // 2, f"only {answered}/{len(queries)} dashboard queries have data"
