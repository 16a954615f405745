"""Fault injection on the HTTP edge, through real sockets on loopback: a 50 MiB chunked body,
a too-long Content-Length, slow request heads and bodies, an overload burst and a client
that hangs up while queued. The app behind the limits is a small real FastAPI app whose
handler takes a known time, so what is measured is the limits, not the search."""

from __future__ import annotations

import asyncio
import resource
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from prometheus_client import REGISTRY

from jobsearch.api.limits import BodyLimit
from jobsearch.api.shedding import LoadShedder, ShedSettings
from jobsearch.serve import serve_in_background
from jobsearch.settings import ServeSettings

WORK_S = 0.3


class Handler:
    def __init__(self) -> None:
        self.started = 0
        self.lock = threading.Lock()


def slow_app(settings: ServeSettings, handler: Handler) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings

    @app.post("/v1/search")
    async def search(request: Request) -> dict[str, int]:
        body = await request.body()
        with handler.lock:
            handler.started += 1
        await asyncio.sleep(WORK_S)
        return {"bytes": len(body)}

    app.add_middleware(LoadShedder, paths=("/v1/search",), settings=ShedSettings(
        max_in_flight=settings.max_in_flight, max_queue=settings.max_queue,
        queue_timeout_s=settings.queue_timeout_s, queue_target_s=settings.queue_target_s,
        deadline_s=settings.request_deadline_s))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, read_timeout_s=settings.body_timeout_s)
    return app


@pytest.fixture()
def served() -> Iterator[tuple[str, Handler]]:
    settings = ServeSettings(max_in_flight=1, max_queue=2, queue_timeout_s=2.0, head_timeout_s=0.5,
                             body_timeout_s=0.5)
    handler = Handler()
    with serve_in_background(slow_app(settings, handler)) as url:
        yield url, handler


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    return s


def _read_status(s: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]) if data else 0


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_50_mib_chunked_body_is_refused_early(served: tuple[str, Handler]) -> None:
    url, handler = served
    rss0 = _rss_mib()
    s = _connect(url)
    s.sendall(b"POST /v1/search HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    s.settimeout(5)
    try:
        while sent < 50 * 1024 * 1024:
            s.sendall(frame)
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed: the rest of the body is never read
    status = _read_status(s)
    s.close()
    assert status == 413
    assert sent < 50 * 1024 * 1024  # the upload was cut off, not drained
    assert handler.started == 0
    assert _rss_mib() - rss0 < 16  # nothing near 50 MiB was held


def test_a_long_content_length_is_refused_before_reading(served: tuple[str, Handler]) -> None:
    url, handler = served
    r = httpx.post(f"{url}/v1/search", content=b"{" + b" " * (70 * 1024) + b"}", timeout=10)
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    assert handler.started == 0


def test_a_body_just_under_the_limit_passes(served: tuple[str, Handler]) -> None:
    url, _ = served
    r = httpx.post(f"{url}/v1/search", content=b"x" * (64 * 1024), timeout=10)
    assert r.status_code == 200 and r.json() == {"bytes": 64 * 1024}


def test_a_slow_request_head_times_out(served: tuple[str, Handler]) -> None:
    url, _ = served
    s = _connect(url)
    s.sendall(b"POST /v1/search HTTP/1.1\r\nHost: t\r\n")  # ...and never the rest
    t0 = time.monotonic()
    status = _read_status(s)
    waited = time.monotonic() - t0
    s.close()
    assert status == 408
    assert waited < 5  # the 0.5 s head timeout, not forever


def test_a_kept_alive_connection_must_send_its_next_head_in_time(served: tuple[str, Handler]) -> None:
    url, _ = served
    s = _connect(url)
    s.sendall(b"GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
    assert _read_status(s) == 404  # the first request is answered; the connection stays open
    s.sendall(b"GET /nothing HTTP/1.1\r\nHost: t\r\n")  # the next head never completes
    t0 = time.monotonic()
    data = b""
    while b"408" not in data and time.monotonic() - t0 < 5:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    assert b"HTTP/1.1 408" in data and time.monotonic() - t0 < 5


def test_an_oversized_request_head_is_refused(served: tuple[str, Handler]) -> None:
    url, handler = served
    s = _connect(url)
    s.sendall(b"POST /v1/search HTTP/1.1\r\nHost: t\r\n" + b"X-Pad: " + b"p" * (20 * 1024) + b"\r\n\r\n")
    assert _read_status(s) == 431  # and the connection is closed
    s.close()
    assert handler.started == 0


def test_a_silent_connection_is_closed(served: tuple[str, Handler]) -> None:
    url, _ = served
    s = _connect(url)
    assert _read_status(s) == 408  # connected, sent nothing
    s.close()


def test_a_slow_body_times_out(served: tuple[str, Handler]) -> None:
    url, handler = served
    s = _connect(url)
    s.sendall(b"POST /v1/search HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
    assert _read_status(s) == 408
    s.close()
    assert handler.started == 0


def test_overload_is_shed_at_once_and_recovers(served: tuple[str, Handler]) -> None:
    """1 in flight + 2 queued: of 12 simultaneous requests at least 3 are served and the
    rest get a 503 with Retry-After, sooner than the served ones finish; the next request
    after the burst is served without draining a backlog."""
    url, _ = served

    async def burst() -> list[tuple[int, float, str | None]]:
        async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=20)) as client:
            async def one() -> tuple[int, float, str | None]:
                t0 = time.monotonic()
                r = await client.post(f"{url}/v1/search", json={"query": "x"})
                return r.status_code, time.monotonic() - t0, r.headers.get("retry-after")

            return list(await asyncio.gather(*(one() for _ in range(12))))

    results = asyncio.run(burst())
    ok = [r for r in results if r[0] == 200]
    shed = [r for r in results if r[0] == 503]
    assert len(ok) + len(shed) == 12, results
    assert len(ok) >= 3 and len(shed) >= 6, results
    assert all(r[2] == "1" for r in shed)
    shed_times = sorted(r[1] for r in shed)
    assert shed_times[len(shed_times) // 2] < max(r[1] for r in ok)  # refused at once, not after waiting
    t0 = time.monotonic()
    assert httpx.post(f"{url}/v1/search", json={"query": "x"}, timeout=10).status_code == 200
    assert time.monotonic() - t0 < 1 + WORK_S  # recovered: no backlog left to drain


def test_a_queued_request_whose_client_left_is_never_run(served: tuple[str, Handler]) -> None:
    url, handler = served
    first = threading.Thread(target=lambda: httpx.post(f"{url}/v1/search", json={}, timeout=10))
    first.start()
    time.sleep(0.05)
    with pytest.raises(httpx.TimeoutException):  # queued behind the first; gives up
        httpx.post(f"{url}/v1/search", json={}, timeout=0.1)
    first.join()
    time.sleep(0.1)
    assert httpx.post(f"{url}/v1/search", json={}, timeout=10).status_code == 200
    assert handler.started == 2  # the first and the last: the abandoned one cost nothing


@pytest.fixture()
def learned() -> Iterator[tuple[str, Handler]]:
    """One slot; a burst may wait 1.1 s, an overloaded queue 0.05 s; the shedder has seen
    two requests, so it knows a request takes WORK_S."""
    settings = ServeSettings(max_in_flight=1, max_queue=8, queue_timeout_s=1.1, queue_target_s=0.05)
    handler = Handler()
    with serve_in_background(slow_app(settings, handler)) as url:
        for _ in range(2):
            assert httpx.post(f"{url}/v1/search", json={}, timeout=10).status_code == 200
        yield url, handler


def test_requests_that_would_wait_too_long_are_refused_at_once(learned: tuple[str, Handler]) -> None:
    """8 at once on one slot: one runs, the three whose predicted wait (0.3, 0.6, 0.9 s)
    fits the burst allowance queue, and the other four get their 503 at once, not after
    waiting. Refusing made the server overloaded: another request arriving now while the
    slot is busy is refused at once too, though the queue has room. Once the burst has
    drained, a request is served at once."""
    url, _ = learned
    before = REGISTRY.get_sample_value("jobsearch_requests_shed_total", {"reason": "queue_delay"}) or 0.0

    async def burst() -> tuple[list[tuple[int, float]], tuple[int, float]]:
        async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=20)) as client:
            async def one(delay: float = 0.0) -> tuple[int, float]:
                await asyncio.sleep(delay)
                t0 = time.monotonic()
                r = await client.post(f"{url}/v1/search", json={})
                return r.status_code, time.monotonic() - t0

            *first, late = await asyncio.gather(*(one() for _ in range(8)), one(delay=WORK_S * 1.5))
            return first, late

    first, late = asyncio.run(burst())
    ok = [t for code, t in first if code == 200]
    refused = [t for code, t in first if code == 503]
    assert len(ok) == 4 and len(refused) == 4, first
    assert max(refused) < WORK_S / 2, refused  # at once: none waited for the slot
    assert late[0] == 503 and late[1] < WORK_S / 2, late  # overloaded: the target wait applies
    assert (REGISTRY.get_sample_value("jobsearch_requests_shed_total", {"reason": "queue_delay"}) or 0) >= before + 5
    time.sleep(0.2)
    t0 = time.monotonic()
    assert httpx.post(f"{url}/v1/search", json={}, timeout=10).status_code == 200
    assert time.monotonic() - t0 < 2 * WORK_S
