"""Canary analysis: the pure decision on hand-made numbers, then end to end — three real
exporter processes (two model versions like the primary, one slow) scraped by a real
Prometheus, judged by `jobsearch canary analyze`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jobsearch.canary import Signals, Thresholds, decide, promql
from jobsearch.canary_cli import app

PRIMARY = Signals(searches=10_000, errors=5, clicks=3_000, p50_s=0.04, p99_s=0.09)


def _like_primary(**change: float) -> Signals:
    fields = {"searches": 10_000, "errors": 5, "clicks": 3_000, "p50_s": 0.04, "p99_s": 0.09}
    return Signals(**{**fields, **change})


def test_same_numbers_promote() -> None:
    verdict = decide(PRIMARY, _like_primary(p99_s=0.095))
    assert verdict.decision == "promote"
    assert any("p99 latency" in r for r in verdict.reasons)


def test_slower_canary_rolls_back_with_the_numbers() -> None:
    verdict = decide(PRIMARY, _like_primary(p99_s=0.2))
    assert verdict.decision == "rollback"
    assert verdict.reasons[0].startswith("p99 latency 200.0 ms vs primary 90.0 ms")


def test_small_absolute_slowdown_is_tolerated() -> None:
    # 3 ms -> 5 ms is +66% but inside the 10 ms slack (bucket resolution).
    fast = Signals(searches=1000, p99_s=0.003)
    assert decide(fast, Signals(searches=1000, p99_s=0.005)).decision == "promote"


def test_canary_over_the_slo_threshold_rolls_back() -> None:
    slow_primary = Signals(searches=1000, p99_s=0.45)
    verdict = decide(slow_primary, Signals(searches=1000, p99_s=0.52), profile="embedded")
    assert verdict.decision == "rollback"
    assert "SLO 500.0 ms" in verdict.reasons[0]
    # The cluster profile's threshold is tighter.
    assert decide(_like_primary(p99_s=0.14), _like_primary(p99_s=0.16), profile="cluster").decision == "rollback"


def test_more_server_errors_roll_back() -> None:
    verdict = decide(PRIMARY, _like_primary(errors=200))
    assert verdict.decision == "rollback"
    assert "server errors 2.000% vs primary 0.050%" in verdict.reasons[0]


def test_click_through_drop_must_be_significant() -> None:
    assert decide(PRIMARY, _like_primary(clicks=2_000)).decision == "rollback"
    # The same 33% drop on 60 searches each is noise: not a reason to roll back.
    few = Signals(searches=60, clicks=18, p99_s=0.09)
    assert decide(few, Signals(searches=60, clicks=12, p99_s=0.09)).decision == "promote"


def test_without_feedback_it_says_so() -> None:
    no_clicks = Signals(searches=1000, p99_s=0.09)
    verdict = decide(no_clicks, Signals(searches=1000, p99_s=0.09))
    assert verdict.decision == "promote"
    assert any("no click-through recorded" in r for r in verdict.reasons)


def test_too_little_traffic_is_inconclusive() -> None:
    verdict = decide(PRIMARY, Signals(searches=12), limits=Thresholds(min_searches=50))
    assert verdict.decision == "inconclusive"
    assert verdict.reasons == ["canary served 12 searches in the window; need 50"]


def test_promql_splits_every_signal_by_model_version() -> None:
    for name, query in promql("5m").items():
        assert "model_version" in query, name
        assert "[5m]" in query, name


@pytest.fixture
def three_versions(start_exporter, start_prometheus, poll):
    primary = start_exporter(model_version="v1", latency_ms=40, ctr=0.3, seed=1)
    same = start_exporter(model_version="v2", latency_ms=40, ctr=0.3, seed=2)
    slow = start_exporter(model_version="v3", latency_ms=160, ctr=0.3, seed=3)
    prom = start_prometheus({"jobsearch": [primary, same, slow]})

    def ready() -> bool:
        q = promql("1m")
        got = prom.query(q["p99_s"])
        if len([s for s in got if s["value"][1] not in ("NaN", "0")]) != 3:
            return False
        # Wait out start-up: until each version's clicks per search has settled near the 0.3
        # every exporter draws (a counter born inside the window extrapolates unevenly).
        clicks = {s["metric"]["model_version"]: float(s["value"][1]) for s in prom.query(q["clicks"])}
        searches = {s["metric"]["model_version"]: float(s["value"][1]) for s in prom.query(q["searches"])}
        ctr = [clicks.get(v, 0.0) / searches[v] for v in searches if searches[v]]
        return len(ctr) == 3 and all(0.27 <= c <= 0.33 for c in ctr)

    poll(ready, timeout_s=60, what="p99 latency and settled clicks per search of three versions in Prometheus")
    return prom


def _analyze(prom, canary: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        app, ["analyze", "--prometheus", prom.url, "--primary", "v1", "--canary", canary,
              "--window", "1m", "--min-searches", "100"],
    )
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.slow
def test_analyze_against_real_prometheus(three_versions) -> None:
    code, body = _analyze(three_versions, "v3")
    assert (code, body["decision"]) == (1, "rollback"), body
    assert body["reasons"][0].startswith("p99 latency"), body
    assert body["canary"]["p99_s"] > 2 * body["primary"]["p99_s"]
    assert body["primary"]["clicks_per_search"] == pytest.approx(0.3, abs=0.1)

    code, body = _analyze(three_versions, "v2")
    assert (code, body["decision"]) == (0, "promote"), body
    assert body["canary"]["model_version"] == "v2"

    code, body = _analyze(three_versions, "v9")  # a version nobody serves
    assert (code, body["decision"]) == (3, "inconclusive"), body


def test_analyze_reports_an_unreachable_prometheus(unused_port: int) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "--prometheus", f"http://127.0.0.1:{unused_port}", "--primary", "a", "--canary", "b"],
    )
    assert result.exit_code == 4
    assert "cannot query Prometheus" in result.stderr


def test_help_teaches_the_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "analyze" in result.stdout and "model_version" in result.stdout
    result = CliRunner().invoke(app, ["analyze", "--help"])
    assert "Exit code: 0 promote, 1 rollback, 3 inconclusive" in " ".join(result.stdout.split())
