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
    "Requests answered 503 by load shedding before any work: queue_full and queue_delay "
    "(at once: the queue is full, or a standing queue would hold it past the target wait) "
    "or queue_wait (no slot within the wait allowed).",
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
    queue_timeout_s: float = 0.1
    """Longest wait for a slot in a burst; and how long after the last 503 the server still
    counts as overloaded."""
    queue_target_s: float = 0.02
    """Longest wait for a slot while overloaded (CoDel's target)."""
    deadline_s: float = 10.0
    """Per-request deadline from arrival; work for an expired request is not started."""
    retry_after_s: int = 1
    """Retry-After of a 503 (seconds)."""


class LoadShedder:
    """ASGI middleware bounding concurrency and queueing on `paths`.

    The queue is managed by how long requests would wait in it, not only how many wait
    (after CoDel and "Fail at Scale", ACM Queue 2015). Each arrival's wait is predicted from
    its place in the queue and the recent service time; one predicted to wait longer than
    allowed is refused at once, before any of its work starts (a fast 503 is the point: a
    slow one costs the client as much as an answer). A burst may wait `queue_timeout_s`;
    once anything was refused in the last `queue_timeout_s` the server is overloaded and
    the wait allowed drops to `queue_target_s`, so accepted requests keep near-unloaded
    latency however far the offered load goes past capacity."""

    def __init__(self, app: ASGIApp, settings: ShedSettings | None = None, paths: Iterable[str] = ()) -> None:
        self.app = app
        self.settings = settings or ShedSettings()
        self.paths = frozenset(paths)
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._refused_at = float("-inf")  # the last 503 (the overload signal)
        self._service_s = 0.0  # moving average of admitted requests' time in the app
        self.shed = 0  # rejected at once
        self.expired = 0  # dropped from the queue: timed out or client gone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        s = self.settings
        arrived = time.monotonic()
        if (why := self._refuse_at_once(arrived)) is not None:
            self.shed += 1
            REQUESTS_SHED.labels(reason=why).inc()
            self._refused_at = arrived
            await self._overloaded(send, "the server is at capacity; retry shortly")
            return
        body = await receive()  # BodyLimit's replay of the buffered body: instant
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(receive, gone))
        try:
            if not await self._admit(arrived, gone, send):
                return
            token = _DEADLINE.set((arrived + s.deadline_s, gone))
            started = time.monotonic()
            try:
                await self.app(scope, _app_receive(body, gone), send)
            finally:
                _DEADLINE.reset(token)
                took = time.monotonic() - started
                self._service_s = took if not self._service_s else self._service_s + 0.1 * (took - self._service_s)
                self._release()
        finally:
            watcher.cancel()

    def overloaded(self, now: float) -> bool:
        """Something was refused within the last `queue_timeout_s`."""
        return now - self._refused_at < self.settings.queue_timeout_s

    def longest_wait(self, now: float) -> float:
        s = self.settings
        return s.queue_target_s if self.overloaded(now) else s.queue_timeout_s

    def _refuse_at_once(self, now: float) -> str | None:
        """Why a request arriving now gets a 503 without waiting, or None."""
        s = self.settings
        if self.in_flight < s.max_in_flight and not self._waiters:
            return None
        if len(self._waiters) >= s.max_queue:
            return "queue_full"
        # Slots free up about every service time / max_in_flight, in queue order.
        predicted = (len(self._waiters) + 1) * self._service_s / s.max_in_flight
        if predicted > self.longest_wait(now):
            return "queue_delay"
        return None

    async def _admit(self, arrived: float, gone: asyncio.Event, send: Send) -> bool:
        s = self.settings
        if self.in_flight < s.max_in_flight and not self._waiters:
            self.in_flight += 1
            return True
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        now = time.monotonic()
        self._waiters.append(slot)
        wait = min(self.longest_wait(now), s.deadline_s - (now - arrived))
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
            self._refused_at = time.monotonic()
            await self._overloaded(send, f"no capacity within {wait:.2f} s; retry shortly")
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
