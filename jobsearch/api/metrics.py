"""HTTP-level metrics: requests by route and outcome (the shared REQUESTS counter) and user
feedback events, which the canary analysis compares across model versions."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobsearch.metrics import REQUESTS

FEEDBACK_EVENTS = Counter(
    "jobsearch_feedback_events_total",
    "Verified user events on search results (click, apply) by the model version that served "
    "them: each names a job of an answer this service signed, counted once.",
    ["event", "model_version"],
)
FEEDBACK_REFUSED = Counter(
    "jobsearch_feedback_refused_total",
    "Feedback events not counted: bad_query_id (forged, expired, job not in the answer), "
    "duplicate, rate_limited.",
    ["reason"],
)


def outcome(status: int) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


class RequestMetrics:
    """ASGI middleware counting each HTTP request under its route template (bounded label
    values: '/v1/search', never the raw path) and outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # stays 500 if the app raises before it starts a response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            REQUESTS.labels(endpoint=_endpoint(scope), outcome=outcome(status)).inc()


def _endpoint(scope: Scope) -> str:
    # The router writes the matched route into the (shared) scope dict.
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"
