"""bench/load.py's logic without load: the loopback guard, the query mix and the knee rule
(the real runs live in bench/, their numbers never gate the tests)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_only_loopback_targets(load) -> None:
    load.require_loopback("http://127.0.0.1:8000")
    load.require_loopback("http://localhost:8000")
    with pytest.raises(SystemExit, match="not a loopback address"):
        load.require_loopback("http://192.0.2.10:8000")


def test_query_mix_shares(load) -> None:
    mix = load.QueryMix(random.Random(3), ["m1", "m2"])
    bodies = [mix.next() for _ in range(4000)]
    personal = sum("member_id" in b for b in bodies) / len(bodies)
    head = sum(b["query"] in mix.head for b in bodies) / len(bodies)
    assert 0.07 < personal < 0.13
    assert 0.55 < head < 0.7  # the head, plus the odd long-tail query that equals one
    assert all(b["query"] and " ," not in b["query"] for b in bodies)


def _step(load, rate: float, *, p50: float, p95: float | None = None, ok: int | None = None, errors: int = 0):
    ok = int(rate * 10) if ok is None else ok
    return load.Step(offered_rps=rate, sent=ok + errors, ok=ok, errors={"http_500": errors} if errors else {},
                     duration_s=10, throughput_rps=ok / 10, p50_ms=p50, p95_ms=p95 or 2 * p50, p99_ms=4 * p50)


def test_knee_is_the_last_healthy_step(load) -> None:
    steps = [_step(load, 1, p50=30), _step(load, 2, p50=25), _step(load, 4, p50=40),
             _step(load, 8, p50=90), _step(load, 16, p50=400, ok=90)]
    knee = load.find_knee(steps, slo_ms=500, step_seconds=10)
    assert knee["knee_rps"] == 4  # 8/s: the median more than triples (90 > 3 x 25)
    assert knee["first_unhealthy_rps"] == 8
    assert knee["baseline_p50_ms"] == 25


def test_one_glitch_between_healthy_steps_is_not_the_knee(load) -> None:
    steps = [_step(load, 1, p50=20), _step(load, 2, p50=20), _step(load, 4, p50=20, p95=700),
             _step(load, 8, p50=25), _step(load, 16, p50=200), _step(load, 32, p50=300)]
    knee = load.find_knee(steps, slo_ms=500, step_seconds=10)
    assert (knee["knee_rps"], knee["first_unhealthy_rps"], knee["glitches_rps"]) == (8, 16, [4])


def test_errors_or_lagging_completions_end_the_healthy_range(load) -> None:
    errors = [_step(load, 1, p50=20), _step(load, 2, p50=20, errors=5)]
    assert load.find_knee(errors, slo_ms=500, step_seconds=10)["knee_rps"] == 1
    lagging = _step(load, 2, p50=20)
    lagging.throughput_rps = 1.5  # 20 arrivals took 13 s to drain
    assert not load.healthy(lagging, 20, slo_ms=500, step_seconds=10)
    assert load.find_knee([_step(load, 1, p50=300, p95=600)], slo_ms=500, step_seconds=10)["knee_rps"] is None
