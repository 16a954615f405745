"""Bounded, loopback-only load test of `jobsearch serve`: open-loop Poisson arrivals at
increasing rates with a realistic query mix; per step throughput, p50/p95/p99 and errors,
and the knee of the curve, as JSON and a PNG plot.

    python bench/load.py --url http://127.0.0.1:8000 --rates 1,2,4,8,16 --step-seconds 15
    python bench/load.py --serve            # starts `jobsearch serve` on a free loopback port
    python bench/load.py --knee 40 --multiples 0.5,1,2,3,4,5 --no-stop   # the overload curve

The overload curve (issue 18) runs every step even past the knee and reports goodput (200s
per second, and as a share of the knee's throughput), fast rejections (503 with
Retry-After) apart from errors and client timeouts, p99 of accepted requests, and the
recovery time: from the end of the last step's arrivals to the first answered request.

The client shares the machine with the server. `--client-cpus 1 --client-nice 5` pins it
to a core and lowers its priority so the server's CPU is not what the client measures;
`--server-pid` adds the server's CPU seconds per step (CPU per answer is comparable across
runs on a busy machine when latencies are not). The JSON records all of it and the load
average before and after.

Never part of the test run's pass/fail: numbers depend on the machine and its neighbours.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback_http import HTTPFailure, LoopbackClient  # noqa: E402  # bench/loopback_http.py
from machine import machine_info  # noqa: E402  # bench/machine.py

ROLES = ["software engineer", "data scientist", "nurse", "product manager", "accountant",
         "devops engineer", "marketing manager", "teacher", "data engineer", "UX designer",
         "sales representative", "mechanical engineer", "python developer", "project manager"]
PLACES = ["in Seattle", "in Berlin", "in London", "in San Francisco Bay Area", "in New York",
          "in Toronto", "in Silicon Valley or Seattle", "in Paris", "near Austin", ""]
CONSTRAINTS = ["", "remote", "mostly remote", "hybrid", "posted this week", "above median pay",
               "not from staffing agencies", "senior", "entry level", "full time, 120k USD+",
               "remote, posted recently, not from staffing agencies"]
# Wishes that vary the semantic text so `--head-share 0` really misses the response cache
# (compositions alone repeat within a few hundred requests).
SKILLS = ["Python", "SQL", "Kubernetes", "Excel", "Spark", "Java", "React", "AWS", "Figma",
          "Salesforce", "SAP", "Tableau", "Go", "Rust", "C++", "Terraform", "Kafka", "Airflow",
          "pediatrics", "ICU", "payroll", "audit", "CAD", "SolidWorks", "PLC", "HVAC", "Spanish",
          "German", "negotiation", "B2B sales", "SEO", "copywriting", "GMP", "Six Sigma", "Lean",
          "forklift", "CDL", "phlebotomy", "oncology", "tax", "IFRS", "GAAP", "machine learning",
          "PyTorch", "NLP", "computer vision", "Docker", "Linux", "networking", "security"]


# The server's own time for a search, from the answer (no full JSON parse on the client).
_TOTAL_MS = re.compile(rb'"timings_ms":\{[^}]*"total":([0-9.]+)')


@dataclass
class Step:
    offered_rps: float
    sent: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    shed: int = 0  # arrivals dropped because max in-flight was reached (the client saturated)
    duration_s: float = 0.0
    throughput_rps: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    rejected_503: int = 0  # answered 503 by the server (load shedding), counted in `errors` too
    rejected_p99_ms: float | None = None  # how fast those came back
    pipeline_p50_ms: float | None = None  # the server's own search time (timings_ms.total) of
    pipeline_p99_ms: float | None = None  # the answered: the rest of p50/p99 is queue + HTTP
    goodput_rps: float = 0.0  # 200s within the SLO (--slo-ms) per second of the step
    client_cpu_s: float = 0.0  # this process's CPU time during the step
    server_cpu_s: float | None = None  # the server's (with --server-pid)

    @property
    def error_ratio(self) -> float:
        failed = sum(self.errors.values()) + self.shed
        return failed / self.sent if self.sent else 0.0


class QueryMix:
    """By default 60% popular queries (Zipf over a pool of 40: what caches see), 30%
    long-tail compositions, 10% personalised (a demo member's id). `head_share=0` measures
    the uncached path."""

    def __init__(self, rng: random.Random, member_ids: list[str], *, head_share: float = 0.6) -> None:
        self.rng, self.members, self.head_share = rng, member_ids, head_share
        self.head = [self._compose() for _ in range(40)]
        self.weights = [1 / (i + 1) for i in range(len(self.head))]

    def _compose(self) -> str:
        r = self.rng
        parts = [r.choice(ROLES) + " jobs", r.choice(PLACES), r.choice(CONSTRAINTS)]
        return ", ".join(p for p in parts if p).replace(" jobs, in", " jobs in")

    def next(self) -> dict[str, Any]:
        u = self.rng.random()
        if u < self.head_share:
            return {"query": self.rng.choices(self.head, self.weights)[0], "k": 20}
        text, k = self._compose(), 20
        if self.head_share == 0:  # the uncached path: vary the text and k so no answer repeats
            text, k = f"{text}, with {self.rng.choice(SKILLS)}", self.rng.randint(10, 40)
        if u < 0.9 or not self.members:
            return {"query": text, "k": k}
        return {"query": text, "k": k, "member_id": self.rng.choice(self.members)}


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    addrs = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise SystemExit(f"refusing to load {url}: {host} is not a loopback address ({sorted(addrs)})")


def _pct(sorted_ms: list[float], q: float) -> float | None:
    if not sorted_ms:
        return None
    idx = min(len(sorted_ms) - 1, max(0, round(q * len(sorted_ms) + 0.5) - 1))  # nearest rank
    return round(sorted_ms[idx], 2)


async def _recovery(client: LoopbackClient, mix: QueryMix, *, limit_s: float = 60.0) -> float | None:
    """Seconds from now (arrivals just stopped) until a fresh request is answered 200."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        try:
            resp = await client.post("/v1/search", json=mix.next())
            if resp.status_code == 200:
                return round(time.perf_counter() - t0, 3)
        except (HTTPFailure, OSError, TimeoutError):
            pass
        await asyncio.sleep(0.05)
    return None


def _cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user + system) of this process, or of `pid` from /proc."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_step(client: LoopbackClient, mix: QueryMix, rate: float, *, seconds: float,
                   max_in_flight: int, rng: random.Random, probe: list[float | None] | None = None,
                   slo_ms: float = 500.0, server_pid: int | None = None) -> Step:
    step, latencies, tasks = Step(offered_rps=rate), [], []
    pipeline_ms: list[float] = []
    cpu0, server0 = _cpu_s(), _cpu_s(server_pid) if server_pid else None
    rejected: list[float] = []
    in_flight = 0

    async def one(body: dict[str, Any]) -> None:
        nonlocal in_flight
        t0 = time.perf_counter()
        try:
            resp = await client.post("/v1/search", json=body)
            kind = "ok" if resp.status_code == 200 else f"http_{resp.status_code}"
        except TimeoutError:
            kind = "timeout"
        except (HTTPFailure, OSError) as exc:
            kind = type(exc).__name__
        finally:
            in_flight -= 1
        if kind == "ok":
            step.ok += 1
            latencies.append((time.perf_counter() - t0) * 1000)
            if (m := _TOTAL_MS.search(resp.content)) is not None:  # a cache hit repeats its miss's
                pipeline_ms.append(float(m.group(1)))
        else:
            if kind == "http_503":
                rejected.append((time.perf_counter() - t0) * 1000)
            step.errors[kind] = step.errors.get(kind, 0) + 1

    start = time.perf_counter()
    next_at = start
    while True:
        next_at += rng.expovariate(rate)  # open loop: arrivals don't wait for answers
        if next_at - start >= seconds:
            break
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        step.sent += 1
        if in_flight >= max_in_flight:
            step.shed += 1
            continue
        in_flight += 1
        tasks.append(asyncio.create_task(one(mix.next())))
    if probe is not None:
        probe.append(await _recovery(client, mix))
    await asyncio.gather(*tasks)
    step.duration_s = round(time.perf_counter() - start, 3)
    step.client_cpu_s = round(_cpu_s() - cpu0, 3)
    if server_pid and server0 is not None:
        step.server_cpu_s = round(_cpu_s(server_pid) - server0, 3)
    step.throughput_rps = round(step.ok / step.duration_s, 3)
    step.goodput_rps = round(sum(1 for ms in latencies if ms <= slo_ms) / seconds, 3)  # late answers are not good
    step.rejected_503 = len(rejected)
    rejected.sort()
    step.rejected_p99_ms = _pct(rejected, 0.99)
    latencies.sort()
    step.p50_ms, step.p95_ms, step.p99_ms = (_pct(latencies, q) for q in (0.5, 0.95, 0.99))
    pipeline_ms.sort()
    step.pipeline_p50_ms, step.pipeline_p99_ms = _pct(pipeline_ms, 0.5), _pct(pipeline_ms, 0.99)
    step.max_ms = round(latencies[-1], 2) if latencies else None
    return step


def healthy(step: Step, baseline_p50: float | None, *, slo_ms: float, step_seconds: float) -> bool:
    """A step is sustainable when nearly all arrivals succeed, completions keep up with the
    arrivals (a server that falls behind stretches the step while it drains), the median
    stays within 3x the baseline's and p95 within the SLO. p99 is reported, not judged: at
    a few dozen samples per light step it is the maximum, i.e. one neighbour's CPU burst."""
    arrivals_rps = step.sent / step_seconds
    if step.error_ratio > 0.01 or step.throughput_rps < 0.9 * arrivals_rps:
        return False
    if step.p50_ms is None or step.p95_ms is None or step.p95_ms > slo_ms:
        return False
    return baseline_p50 is None or step.p50_ms <= 3 * baseline_p50


def baseline_p50(steps: list[Step]) -> float | None:
    """The lowest median of the three lightest steps (queueing only ever adds to it)."""
    p50s = [s.p50_ms for s in steps[:3] if s.p50_ms is not None]
    return min(p50s) if p50s else None


def find_knee(steps: list[Step], *, slo_ms: float, step_seconds: float) -> dict[str, Any]:
    """The knee: the last healthy rate before the first two unhealthy steps in a row (one
    unhealthy step between healthy ones is reported as a glitch, not the knee)."""
    base = baseline_p50(steps)
    ok = [healthy(s, base, slo_ms=slo_ms, step_seconds=step_seconds) for s in steps]
    end = next((i for i in range(len(steps)) if not ok[i] and (i + 1 == len(steps) or not ok[i + 1])), len(steps))
    good = [s for s, fine in zip(steps[:end], ok[:end], strict=True) if fine]
    return {
        "knee_rps": good[-1].offered_rps if good else None,
        "max_sustained_throughput_rps": good[-1].throughput_rps if good else None,
        "first_unhealthy_rps": steps[end].offered_rps if end < len(steps) else None,
        "glitches_rps": [s.offered_rps for s, fine in zip(steps[:end], ok[:end], strict=True) if not fine],
        "baseline_p50_ms": base,
        "rule": (f"error ratio <= 1%, completions >= 90% of arrivals, p50 <= 3x baseline, p95 <= {slo_ms:g} ms; "
                 "knee = last healthy step before two unhealthy steps in a row"),
    }


async def run(url: str, rates: list[float], *, step_seconds: float, max_in_flight: int,
              timeout_s: float, seed: int, slo_ms: float, head_share: float = 0.6,
              stop_past_knee: bool = True, capacity: float | None = None,
              server_pid: int | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    started = machine()
    async with LoopbackClient(url, max_connections=max_in_flight, timeout_s=timeout_s) as client:
        health = (await client.get("/healthz")).json()
        members_resp = await client.get("/v1/members")
        members = [m["member_id"] for m in members_resp.json().get("members", [])] if members_resp.status_code == 200 else []
        mix = QueryMix(rng, members, head_share=head_share)
        for _ in range(10):  # warm-up outside the measurement
            await client.post("/v1/search", json=mix.next())
        steps: list[Step] = []
        bad_in_a_row = 0
        recovery: list[float | None] = []
        for i, rate in enumerate(rates):
            last = i == len(rates) - 1
            step = await run_step(client, mix, rate, seconds=step_seconds, max_in_flight=max_in_flight, rng=rng,
                                  probe=recovery if last and not stop_past_knee else None, slo_ms=slo_ms,
                                  server_pid=server_pid)
            steps.append(step)
            print(json.dumps({"rate": rate, "ok": step.ok, "p50": step.p50_ms, "p95": step.p95_ms, "p99": step.p99_ms,
                              "throughput": step.throughput_rps, "errors": step.errors, "shed": step.shed}),
                  file=sys.stderr)
            fine = healthy(step, baseline_p50(steps), slo_ms=slo_ms, step_seconds=step_seconds)
            bad_in_a_row = 0 if fine else bad_in_a_row + 1
            if bad_in_a_row >= 2 and stop_past_knee:  # well past the knee: stop loading the machine
                break
        computed_at_end = await _searches_computed(client)
        await asyncio.sleep(5)
        computed_after = await _searches_computed(client) - computed_at_end
    # Capacity: given (the saturation throughput of an earlier ramp), else the best seen here.
    capacity = capacity or max((s.throughput_rps for s in steps), default=0.0)
    return {
        "machine": started,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "client": client_placement(),
        "recovery_s": recovery[0] if recovery else None,
        "searches_computed_after_the_run": computed_after,  # work for clients that gave up
        "capacity_rps": capacity,
        "goodput_share_of_capacity": {
            f"{s.offered_rps:g}": round(s.goodput_rps / capacity, 3) if capacity else None for s in steps
        },
        "url": url, "health": health, "seed": seed, "step_seconds": step_seconds,
        "max_in_flight": max_in_flight, "timeout_s": timeout_s,
        "query_mix": f"{head_share:.0%} Zipf head (40 queries), {0.9 - head_share:.0%} long tail, 10% personalised",
        "steps": [{**asdict(s), "error_ratio": round(s.error_ratio, 4)} for s in steps],
        **find_knee(steps, slo_ms=slo_ms, step_seconds=step_seconds),
    }


async def _searches_computed(client: LoopbackClient) -> float:
    """Searches the server finished (its total-latency histogram count), from /metrics."""
    text = (await client.get("/metrics")).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith('jobsearch_stage_latency_seconds_count{') and 'stage="total"' in line)


def machine() -> dict[str, Any]:
    """CPU model, SIMD flags, cores and the load average at the start (bench/machine.py; the
    machine is shared: a high load average means neighbours took CPU)."""
    return machine_info()


def client_placement() -> dict[str, Any]:
    """How this load client ran: HTTP client, event loop, CPU affinity and niceness."""
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    return {"http": "bench/loopback_http.py", "loop": loop, "cpus": sorted(os.sched_getaffinity(0)),
            "nice": os.nice(0)}


def _event_loop_run(main: Any) -> Any:
    """asyncio.run, on uvloop where it is installed (a cheaper client loop)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = result["steps"]
    rates = [s["offered_rps"] for s in steps]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        ax1.plot(rates, [s[key] for s in steps], marker="o", label=key.removesuffix("_ms"))
    ax1.set(xlabel="offered load (searches/s)", ylabel="latency (ms)", title="Latency", xscale="log", yscale="log")
    ax2.plot(rates, [s["throughput_rps"] for s in steps], marker="o", label="throughput (ok/s)")
    ax2.plot(rates, rates, linestyle=":", color="grey", label="offered")
    ax2.plot(rates, [s["error_ratio"] * max(rates) for s in steps], marker="x", label="error ratio x max rate")
    ax2.set(xlabel="offered load (searches/s)", ylabel="searches/s", title="Throughput", xscale="log")
    for ax in (ax1, ax2):
        if result["knee_rps"]:
            ax.axvline(result["knee_rps"], color="red", linestyle="--", label=f"knee {result['knee_rps']:g}/s")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"jobsearch serve load test ({result['health'].get('index_rows', '?')} rows)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_serve() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    exe = Path(sys.executable).parent / "jobsearch"
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("jobsearch serve exited; is there an index? (jobsearch demo --no-serve)")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("jobsearch serve did not become healthy in 180 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a loopback jobsearch serve")
    parser.add_argument("--serve", action="store_true", help="start `jobsearch serve` (data home's index) instead")
    parser.add_argument("--rates", default="2,4,8,16,32,64,128,256", help="offered searches/s per step, increasing")
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--max-in-flight", type=int, default=64, help="arrivals beyond this are shed")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    parser.add_argument("--slo-ms", type=float, default=500.0, help="p95 latency bound of a healthy step")
    parser.add_argument("--head-share", type=float, default=0.6, help="share of popular (cacheable) queries; 0 = uncached path")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--knee", type=float, help="capacity knee (searches/s) of an earlier run: with --multiples, "
                        "the steps are multiples of it")
    parser.add_argument("--multiples", default="0.5,1,2,3,4,5", help="steps as multiples of --knee")
    parser.add_argument("--capacity", type=float, help="searches/s the server sustains (an earlier ramp's best "
                        "throughput): goodput is reported as a share of it")
    parser.add_argument("--no-stop", action="store_true", help="run every step, even past the knee (overload curve)")
    parser.add_argument("--client-cpus", help="pin this client to these CPUs (e.g. 1 or 0,1)")
    parser.add_argument("--client-nice", type=int, default=0, help="lower this client's priority by this much")
    parser.add_argument("--server-pid", type=int, help="the server's process id: report its CPU time per step")
    parser.add_argument("--out", type=Path, default=Path("bench/results/load.json"))
    args = parser.parse_args(argv)
    if args.client_cpus:
        try:
            os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})
        except (ValueError, OSError) as exc:
            parser.error(f"--client-cpus {args.client_cpus!r}: {exc}")
    if args.client_nice:
        os.nice(args.client_nice)
    rates = [float(r) for r in args.rates.split(",")]
    if args.knee:
        rates = [round(args.knee * float(m), 2) for m in args.multiples.split(",")]
    if rates != sorted(rates) or any(r <= 0 for r in rates) or max(rates) > 500:
        parser.error("--rates must be increasing, positive and at most 500/s")
    if not 0 <= args.head_share <= 0.9:
        parser.error("--head-share must be within 0..0.9 (10% are always personalised)")
    proc = None
    if args.serve:
        proc, args.url = _start_serve()
    try:
        require_loopback(args.url)
        result = _event_loop_run(run(args.url, rates, step_seconds=args.step_seconds, max_in_flight=args.max_in_flight,
                                 timeout_s=args.timeout, seed=args.seed, slo_ms=args.slo_ms,
                                 head_share=args.head_share, stop_past_knee=not args.no_stop,
                                 capacity=args.capacity, server_pid=args.server_pid or (proc.pid if proc else None)))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    plot(result, args.out.with_suffix(".png"))
    print(json.dumps({k: result[k] for k in ("knee_rps", "max_sustained_throughput_rps", "first_unhealthy_rps",
                                             "glitches_rps", "recovery_s", "goodput_share_of_capacity")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
