"""One client for OpenAI-compatible chat completions (`POST /v1/chat/completions`), shared
by the LLM grader (`models/llm_grader.py`) and the tool-calling query engine
(`llm_engine.py` beside it; it lives in the query package, which the engine layer may import): retries with exponential backoff on 408/409/429/5xx, on
transport errors and on answers the caller cannot read; a 4xx other than those is the
caller's bug and is raised at once with the server's reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from jobsearch.errors import JobSearchError

RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
T = TypeVar("T")


class ChatClientError(JobSearchError):
    """The endpoint refused the request, kept failing, or kept answering unreadably."""


class ChatRefused(ChatClientError):
    """A 4xx the client must not retry (wrong model name, malformed request)."""


class ChatClient:
    """complete(messages, ...) -> the first choice's message (a dict with `content` and,
    for tool calls, `tool_calls`), or what `parse` makes of it.

    base_url: the server root, e.g. http://127.0.0.1:8080 (/v1/chat/completions is
    appended). max_retries: extra attempts after the first. backoff_s: first retry delay,
    doubled each time. timeout_s: per HTTP request."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        backoff_s: float = 0.2,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"expected max_retries >= 0, got {max_retries}")
        self.url = base_url.rstrip("/") + "/v1/chat/completions"
        self.model = model
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout_s, headers=headers)
        self.requests_sent = 0
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        parse: Callable[[dict[str, Any]], T] | None = None,
        tools: list[dict[str, Any]] | None = None,
        response_format: dict[str, Any] | None = None,
        temperature: float = 0.0,
        deadline: float | None = None,
    ) -> Any:
        """One chat turn. `parse(message)` raising ValueError/KeyError counts as a bad
        answer and is retried. `deadline` (time.monotonic() seconds) stops retrying and
        bounds each request's timeout."""
        body: dict[str, Any] = {"model": self.model, "temperature": temperature, "messages": messages}
        if tools:
            body["tools"] = tools
            body["tool_choice"] = "auto"
        if response_format:
            body["response_format"] = response_format
        last: Exception | None = None
        tries = 0
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.retries += 1
                pause = self.backoff_s * 2 ** (attempt - 1)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
            timeout = None
            if deadline is not None:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    break
            try:
                self.requests_sent += 1
                tries += 1
                r = self._http.post(self.url, json=body, timeout=timeout) if timeout else self._http.post(self.url, json=body)
                if r.status_code in RETRY_STATUS:
                    last = ChatClientError(f"HTTP {r.status_code} from {self.url}")
                    continue
                r.raise_for_status()
                message = r.json()["choices"][0]["message"]
                return parse(message) if parse is not None else message
            except (httpx.TransportError, ValueError, KeyError, IndexError, TypeError) as exc:
                last = exc
            except httpx.HTTPStatusError as exc:  # a 4xx other than the retryable ones
                raise ChatRefused(f"{self.url} refused the request: {exc.response.text[:300]}") from exc
        raise ChatClientError(f"gave up after {tries} attempts") from last
