"""Helpers shared by test areas (tests have no __init__.py; tests/ is on sys.path through
the root conftest, so `from helpers import ...` works everywhere): free loopback ports,
polling with a deadline instead of sleeping, server subprocesses in their own process
group, and exact brute-force top-k references."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WaitTimeout(AssertionError):
    """`wait_until` ran out of time (an AssertionError, so pytest reports it as a failure)."""


def wait_until(check: Callable[[], Any], *, timeout_s: float, what: str, every_s: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy and return that; connection errors
    count as "not yet". Fails naming `what` and the last value after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while True:
        try:
            last = check()
            if last:
                return last
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout_s}s waiting for {what} (last: {last!r})")
        time.sleep(every_s)


class Server:
    """A Python subprocess in its own process group (Triton forks a server of its own),
    its output in `log_dir/<name>.log`."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._fh = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, *args], stdout=self._fh, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )

    def wait_ready(self, url: str, timeout: float = 180.0) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            return httpx.get(url, timeout=2.0).status_code == 200

        try:
            wait_until(ready, timeout_s=timeout, what=f"{self.name} at {url}", every_s=0.25)
        except WaitTimeout as exc:
            raise WaitTimeout(f"{exc}\n{self.tail()}") from exc

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])

    def kill(self) -> None:
        """SIGKILL now (a crash, as a test wants one)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if not self._fh.closed:
            self._fh.close()


def kserve_server(name: str, args: list[str], log_dir: Path) -> tuple[Server, str]:
    """A jobsearch KServe runtime (`python -m jobsearch.runtimes.serve`) on a free port;
    returns the server and its V2 model URL."""
    port = free_port()
    server = Server(name, ["-m", "jobsearch.runtimes.serve", f"--model_name={name}", f"--http_port={port}", *args],
                    log_dir)
    return server, f"http://127.0.0.1:{port}/v2/models/{name}"


def exact_topk(rows: np.ndarray, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """fp32 brute force over `rows`: (scores, row ids) of each query's best k, ties to the
    lower row id (the engine's rule), -inf / -1 where fewer rows are allowed."""
    sc = np.asarray(queries, np.float32) @ np.asarray(rows, np.float32).T
    if allowed is not None:
        sc[:, ~allowed] = -np.inf
    ids = np.stack([np.lexsort((np.arange(sc.shape[1]), -row))[:k] for row in sc])
    scores = np.take_along_axis(sc, ids, 1)
    return scores, np.where(np.isfinite(scores), ids, -1)


# --- the search page in Playwright (tests/web) ------------------------------------------------

PAGE_TIMEOUT_MS = 60_000


def open_page(browser, *, width: int, height: int):  # noqa: ANN001, ANN201 - playwright objects
    """A fresh browser context and page; `page.errors` collects uncaught script errors.
    Returns (context, page): close the context when done."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    return context, pg


def search_on_page(page, text: str) -> dict:  # noqa: ANN001
    """Type `text` in the search box, press Enter, wait for the page to settle; returns the
    search request and response bodies."""
    import json

    page.get_by_label("What job are you looking for?").fill(text)
    with page.expect_response(lambda r: r.url.endswith("/v1/search")) as info:
        page.keyboard.press("Enter")
    page.wait_for_selector('#search-form[aria-busy="false"]')
    return {"request": json.loads(info.value.request.post_data or "{}"), "response": info.value.json()}
