"""Load shedding for the expensive endpoints (search, parse): at most `max_in_flight`
requests run, at most `max_queue` wait (each for at most `queue_timeout_s`), and anything
beyond is answered 503 with Retry-After at once. A queued request whose client hangs up is
dropped before it costs anything, and a running search asks `abandon_at(stage)` between
its stages (parse, encode, retrieve, rank, ...) so one whose client left or whose deadline
passed stops there. Without this, an overload queues unboundedly: every request times out
on the client and the server keeps computing answers nobody reads.

Order matters: `BodyLimit` runs outside this middleware, so the body is already buffered
and `receive()` here only ever reports a disconnect.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobsearch.api.limits import send_json

# When the request being handled must be answered by (monotonic seconds), and whether its
# client is still there: handlers (in worker threads) read it through `request_expired()`.
_DEADLINE: contextvars.ContextVar[tuple[float, asyncio.Event] | None] = contextvars.ContextVar(
    "jobsearch_deadline", default=None
)


SEARCH_ABANDONED = Counter(
    "jobsearch_search_abandoned_total",
    "Searches and parses stopped unfinished because their client left (client_gone) or their "
    "deadline passed (deadline), by where: queue (never started), start, or the search stage "
    "not started (parse, encode, retrieve, rank, results, relax, facets).",
    ["stage", "reason"],
)
REQUESTS_SHED = Counter(
    "jobsearch_requests_shed_total",
    "Requests answered 503 by load shedding before any work: queue_full (at once) or "
    "queue_wait (no slot within the queue timeout).",
    ["reason"],
)


def expiry() -> str | None:
    """Why the current request should not start (more) work: 'client_gone', 'deadline', or
    None while it is still wanted (and outside any request)."""
    entry = _DEADLINE.get()
    if entry is None:
        return None
    deadline, gone = entry
    if gone.is_set():  # an asyncio.Event read from a worker thread: a plain flag read
        return "client_gone"
    return "deadline" if time.monotonic() > deadline else None


def request_expired() -> bool:
    """True when the current request's deadline passed or its client disconnected: the
    handler should not start (more) work for it."""
    return expiry() is not None


def abandon_at(stage: str) -> bool:
    """The search pipeline's `abandoned` hook: True (and counted) when the current request
    is no longer wanted, so the search stops before `stage`."""
    reason = expiry()
    if reason is None:
        return False
    SEARCH_ABANDONED.labels(stage=stage, reason=reason).inc()
    return True


@dataclass(frozen=True)
class ShedSettings:
    max_in_flight: int = 4
    """Requests computing at once (searches are CPU-bound: about the cores you give it)."""
    max_queue: int = 8
    """Requests waiting for a slot; beyond it the answer is 503 at once."""
    queue_timeout_s: float = 1.0
    """Longest wait in the queue before a 503 (keeps accepted latency near the unloaded)."""
    deadline_s: float = 10.0
    """Per-request deadline from arrival; work for an expired request is not started."""
    retry_after_s: int = 1
    """Retry-After of a 503 (seconds)."""


class LoadShedder:
    """ASGI middleware bounding concurrency and queueing on `paths`."""

    def __init__(self, app: ASGIApp, settings: ShedSettings | None = None, paths: Iterable[str] = ()) -> None:
        self.app = app
        self.settings = settings or ShedSettings()
        self.paths = frozenset(paths)
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.shed = 0  # rejected at once (the metrics read these)
        self.expired = 0  # dropped from the queue: timed out or client gone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        s = self.settings
        arrived = time.monotonic()
        body = await receive()  # BodyLimit's replay of the buffered body: instant
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(receive, gone))
        try:
            if not await self._admit(arrived, gone, send):
                return
            token = _DEADLINE.set((arrived + s.deadline_s, gone))
            try:
                await self.app(scope, _app_receive(body, gone), send)
            finally:
                _DEADLINE.reset(token)
                self._release()
        finally:
            watcher.cancel()

    async def _admit(self, arrived: float, gone: asyncio.Event, send: Send) -> bool:
        s = self.settings
        if self.in_flight < s.max_in_flight and not self._waiters:
            self.in_flight += 1
            return True
        if len(self._waiters) >= s.max_queue:
            self.shed += 1
            REQUESTS_SHED.labels(reason="queue_full").inc()
            await self._overloaded(send, "the server is at capacity; retry shortly")
            return False
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(slot)
        wait = min(s.queue_timeout_s, s.deadline_s - (time.monotonic() - arrived))
        gone_wait: asyncio.Future[Any] = asyncio.ensure_future(gone.wait())
        try:
            done, _ = await asyncio.wait({slot, gone_wait}, timeout=max(0.0, wait), return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone_wait.cancel()
        if slot in done:
            if gone.is_set():  # handed a slot just as the client left: pass it on
                self.expired += 1
                SEARCH_ABANDONED.labels(stage="queue", reason="client_gone").inc()
                self._release()
                return False
            return True  # `_release` counted us in
        slot.cancel()
        if slot in self._waiters:
            self._waiters.remove(slot)
        elif slot.done() and not slot.cancelled():
            self._release()  # the slot arrived in the same instant: give it back
        self.expired += 1
        if gone.is_set():
            SEARCH_ABANDONED.labels(stage="queue", reason="client_gone").inc()
        else:
            REQUESTS_SHED.labels(reason="queue_wait").inc()
            await self._overloaded(send, f"no capacity within {wait:.1f} s; retry shortly")
        return False

    def _release(self) -> None:
        while self._waiters:
            nxt = self._waiters.popleft()
            if not nxt.done():
                nxt.set_result(None)  # the slot passes straight to the next waiter
                return
        self.in_flight -= 1

    async def _overloaded(self, send: Send, detail: str) -> None:
        await send_json(send, 503, "overloaded", detail,
                        headers=[(b"retry-after", str(self.settings.retry_after_s).encode())])


async def _watch_disconnect(receive: Receive, gone: asyncio.Event) -> None:
    """Wait for the client to hang up (the body was read already, so the next message is
    the disconnect)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


def _app_receive(body: Message, gone: asyncio.Event) -> Receive:
    """The app's receive(): the body once, then (the watcher owns the channel) the
    disconnect when the watcher sees it."""
    delivered = False

    async def app_receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return body
        await gone.wait()
        return {"type": "http.disconnect"}

    return app_receive
