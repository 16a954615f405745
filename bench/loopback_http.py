"""A minimal HTTP/1.1 client for load tests on loopback: keep-alive connections over
asyncio streams, requests written as bytes, answers framed by Content-Length.

Why not httpx: on the shared 2-core machine httpx's AsyncClient spent 2-7 ms of CPU per
request (more with hundreds of connections open), so at a few hundred requests a second
the client, not the server, set the latencies and rejections it reported. This costs
tens of microseconds a request. It speaks only what `jobsearch serve` answers (no chunked
responses, no TLS, no redirects) and refuses anything else loudly.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

IDLE_REUSE_S = 2.0  # reuse a kept-alive connection idle for less than this


class HTTPFailure(Exception):
    """The connection broke or the answer was not HTTP this client understands."""


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LoopbackClient:
    """`await client.post(path, json=...)` / `get(path)` with at most `max_connections`
    open; `timeout_s` bounds each request (TimeoutError beyond)."""

    def __init__(self, base_url: str, *, max_connections: int, timeout_s: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"only plain http URLs: {base_url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout_s = timeout_s
        # Idle keep-alive connections and when each went idle (the server closes them after
        # its keep-alive timeout, 5 s for `jobsearch serve`: older ones are not reused).
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._slots = asyncio.Semaphore(max_connections)
        self._host_header = f"{self.host}:{self.port}".encode()

    async def __aenter__(self) -> LoopbackClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()

    async def get(self, path: str) -> Answer:
        return await self.request("GET", path)

    async def post(self, path: str, *, json: Any) -> Answer:  # noqa: A002 - httpx's spelling
        return await self.request("POST", path, _dumps(json))

    async def request(self, method: str, path: str, body: bytes | None = None) -> Answer:
        async with self._slots:
            return await asyncio.wait_for(self._exchange(method, path, body), self.timeout_s)

    async def _exchange(self, method: str, path: str, body: bytes | None) -> Answer:
        head = [f"{method} {path} HTTP/1.1".encode(), b"host: " + self._host_header]
        if body is not None:
            head += [b"content-type: application/json", b"content-length: " + str(len(body)).encode()]
        data = b"\r\n".join(head) + b"\r\n\r\n" + (body or b"")
        reader, writer = await self._connection()
        keep = False
        try:
            writer.write(data)
            answer, keep = await _read_answer(reader)
            return answer
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError) as exc:
            raise HTTPFailure(f"{type(exc).__name__}: {exc}") from exc
        finally:
            if keep:
                self._idle.append((reader, writer, time.monotonic()))
            else:
                writer.close()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < IDLE_REUSE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)


async def _read_answer(reader: asyncio.StreamReader) -> tuple[Answer, bool]:
    """One response; and whether the connection may carry the next request."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].decode("latin-1").split("\r\n")
    version, status, *_ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" not in headers:
        raise ValueError(f"an answer without content-length (status {status}): this client reads no other framing")
    content = await reader.readexactly(int(headers["content-length"]))
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    return Answer(int(status), headers, content), keep


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
