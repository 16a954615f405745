"""Limits every request meets before anything parses it, whatever its transfer encoding:

- `BodyLimit` (ASGI middleware): the body is counted while it streams in, Content-Length
  or chunked alike; past `max_bytes` the answer is 413 and the connection closes, so at
  most `max_bytes` (plus one network read) is ever held. The whole body must arrive within
  `read_timeout_s` (408 otherwise). The app then parses a body it knows is small.
- `GuardedHttpToolsProtocol` (uvicorn's httptools protocol with a head timeout and a cap
  on head bytes; `GuardedH11Protocol` the same over h11 where httptools is missing): a
  connection must deliver a complete request head within `head_timeout_s` of its first
  byte (or of connecting), else it gets 408 and is closed; slow-header clients cannot hold
  sockets. httptools (llhttp, C) parses a request several times faster than h11 (pure
  Python) on the event loop, which under overload is what answers the 503s.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: serve.py falls back to h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

MAX_BODY_BYTES = 64 * 1024
MAX_POSTING_BYTES = 256 * 1024  # one posting (PUT /v1/postings/{id}); its handler checks this
MAX_BATCH_BYTES = 16 * 1024 * 1024  # a batch of postings (POST /v1/postings:batch)
# Paths whose bodies may be larger than MAX_BODY_BYTES (prefix -> limit): the ingestion API.
LARGER_BODIES: dict[str, int] = {"/v1/postings": MAX_BATCH_BYTES}
BODY_TIMEOUT_S = 10.0
HEAD_TIMEOUT_S = 10.0
MAX_HEAD_BYTES = 16 * 1024  # request line + headers


async def send_json(send: Send, status: int, code: str, detail: str, *, headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    """A complete JSON error answer in the API's error shape, written from ASGI middleware."""
    body = json.dumps({"error": code, "detail": detail, "fields": []}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: read the body (counted, bounded in size and time), then hand the
    app a replay of it."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, read_timeout_s: float = BODY_TIMEOUT_S,
        larger: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s
        self.larger = LARGER_BODIES if larger is None else larger

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.read_timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                await send_json(send, 408, "request_timeout",
                                f"the request body did not arrive within {self.read_timeout_s:g} s",
                                headers=[(b"connection", b"close")])
                return
            if message["type"] == "http.disconnect":
                return  # the client left before its body was complete: nothing to answer
            size += len(message.get("body", b""))
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, send: Send, limit: int) -> None:
        # `connection: close` makes uvicorn drop the socket instead of draining the rest.
        await send_json(send, 413, "payload_too_large", f"request body over {limit} bytes",
                        headers=[(b"connection", b"close")])


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that yields the buffered body once, then the real channel (so a
    disconnect is still seen)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a request-head timeout (uvicorn has only a keep-alive
    timeout, which stops counting at the first byte of a head). Set the timeout with
    `GuardedH11Protocol.head_timeout_s` before serving (one value per process)."""

    head_timeout_s: float = HEAD_TIMEOUT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._armed_for: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first byte of the next head on a kept-alive connection
        super().data_received(data)
        if self._head_timer is not None and self.cycle is not self._armed_for:
            self._disarm()  # a complete head arrived: this request is under way

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._armed_for = self.cycle
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.cycle is not self._armed_for or self.transport.is_closing():
            return
        _refuse_head(self.transport, 408, "request_timeout", "request head not received in time")


def _refuse_head(transport: asyncio.Transport, status: int, code: str, detail: str) -> None:
    """Answer a request whose head never completed, from the protocol, and close."""
    reason = {408: "Request Timeout", 431: "Request Header Fields Too Large"}[status]
    body = json.dumps({"error": code, "detail": detail, "fields": []})
    transport.write(
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n".encode()
        + f"content-length: {len(body)}\r\n\r\n{body}".encode()
    )
    transport.close()


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol plus the request-head timeout of
        `GuardedH11Protocol` and a cap of `max_head_bytes` on the request line and headers
        (431 beyond). Set both on a subclass before serving (one value per server)."""

        head_timeout_s: float = HEAD_TIMEOUT_S
        max_head_bytes: int = MAX_HEAD_BYTES

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._head_timer: asyncio.TimerHandle | None = None
            self._head_bytes = 0
            self._refused = False  # answered 408/431 from here: ignore whatever else arrives

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()  # a silent connection is closed too

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes = 0
            if self._head_timer is None:
                self._arm()  # the first byte of the next head on a kept-alive connection

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def data_received(self, data: bytes) -> None:
            if not self._refused:
                super().data_received(data)

        def on_headers_complete(self) -> None:
            self._disarm()  # a complete head arrived: this request is under way
            if not self._refused:
                super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if not self._refused:
                super().on_body(body)

        def on_message_complete(self) -> None:
            if not self._refused:
                super().on_message_complete()

        def _count(self, n: int) -> None:
            self._head_bytes += n
            if self._head_bytes > self.max_head_bytes and not self._refused:
                self._refuse(431, "headers_too_large", f"request line and headers over {self.max_head_bytes} bytes")

        def _refuse(self, status: int, code: str, detail: str) -> None:
            self._refused = True
            self._disarm()
            if not self.transport.is_closing():
                _refuse_head(self.transport, status, code, detail)

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            self._refuse(408, "request_timeout", "request head not received in time")
