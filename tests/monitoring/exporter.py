"""A stand-in serving process for monitoring tests: the real jobsearch collectors on a real
prometheus-client HTTP endpoint, fed with steady synthetic searches of a chosen latency,
error ratio and click-through, under a chosen model_version. Prints its port, then runs
until terminated. Used where two model versions must run side by side (canary tests)."""

from __future__ import annotations

import argparse
import random
import time

from prometheus_client import start_http_server

from jobsearch.api.metrics import FEEDBACK_EVENTS
from jobsearch.metrics import (
    CACHE_EVENTS,
    INDEX_ACTIVATED,
    INDEX_ROWS,
    REQUESTS,
    STAGE_LATENCY,
    set_model_versions,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-version", required=True)
    parser.add_argument("--latency-ms", type=float, default=40.0, help="typical total latency")
    parser.add_argument("--error-ratio", type=float, default=0.0)
    parser.add_argument("--ctr", type=float, default=0.3, help="clicks per search")
    parser.add_argument("--rate", type=float, default=200.0, help="searches per second")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    set_model_versions(args.model_version, ranker=f"ranker-{args.model_version}")
    INDEX_ROWS.set(3000)
    INDEX_ACTIVATED.set(time.time())
    server, _thread = start_http_server(0, addr="127.0.0.1")
    print(server.server_address[1], flush=True)

    tick = 0.05
    per_tick = max(1, round(args.rate * tick))
    while True:
        for _ in range(per_tick):
            if rng.random() < args.error_ratio:
                REQUESTS.labels(endpoint="/v1/search", outcome="server_error").inc()
                continue
            seconds = rng.lognormvariate(0, 0.25) * args.latency_ms / 1000
            for stage, share in (("parse", 0.1), ("encode", 0.3), ("retrieve", 0.2), ("rank", 0.4)):
                STAGE_LATENCY.labels(stage=stage).observe(seconds * share)
            STAGE_LATENCY.labels(stage="total").observe(seconds)
            REQUESTS.labels(endpoint="/v1/search", outcome="ok").inc()
            CACHE_EVENTS.labels(cache="anonymous", result="miss").inc()
            if rng.random() < args.ctr:
                FEEDBACK_EVENTS.labels(event="click", model_version=args.model_version).inc()
        time.sleep(tick)


if __name__ == "__main__":
    main()
