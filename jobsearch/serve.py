"""What `jobsearch serve` runs: one typed settings object, the uvicorn server around
`create_app`, and a helper that runs the app on a loopback port in a thread (tests, benchmarks, demos)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from jobsearch.api.service import SearchService

log = logging.getLogger("jobsearch.serve")


@dataclass(frozen=True)
class ServeSettings:
    """Everything `jobsearch serve` can be told; built once in the command, passed down."""

    host: str = "127.0.0.1"
    """Interface to bind. Loopback by default: nothing is exposed unless asked."""
    port: int = 8000
    """TCP port (0 picks a free one)."""
    index_dir: Path | None = None
    """Shard set to serve; None = the data home's index (JOBSEARCH_HOME/index)."""
    corpus_dir: Path | None = None
    """Corpus with members and companies; None = the data home's corpus."""
    log_level: str = "info"
    """uvicorn and jobsearch log level: debug, info, warning, error."""
    access_log: bool = True
    """Log one line per request (uvicorn's access log)."""
    index_retry_s: float = 5.0
    """While no index is loaded, seconds between attempts to load it (requests get 503)."""
    model_version: str | None = None
    """`model_version` label of feedback metrics; None = taken from the pipeline's health."""


def open_service(settings: ServeSettings) -> SearchService:
    """Open the real pipeline the settings point at (raises IndexNotFoundError)."""
    from jobsearch.pipeline import open_pipeline

    return open_pipeline(settings.index_dir, settings.corpus_dir)


def build_app(settings: ServeSettings) -> FastAPI:
    """The app `run_server` serves: the pipeline if it opens now, else a 503 until it does."""
    from jobsearch.api import create_app
    from jobsearch.errors import IndexNotFoundError

    try:
        pipeline: SearchService | None = open_service(settings)
    except IndexNotFoundError as exc:
        log.warning("no index yet (%s); answering 503 until one is built", exc)
        pipeline = None
    app = create_app(pipeline, settings, loader=lambda: open_service(settings))
    from jobsearch.api.postings import start_ingest

    start_ingest(app)  # the index follows the posting store from the start (docs/ingestion.md)
    return app


def run_server(settings: ServeSettings) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn

    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = build_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
    )


@contextmanager
def serve_in_background(app: FastAPI, *, host: str = "127.0.0.1", timeout_s: float = 20.0) -> Iterator[str]:
    """Run `app` with uvicorn on a free port of `host` in a daemon thread; yield its base URL
    ("http://127.0.0.1:PORT") once it accepts connections; stop it on exit."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on {host}:{port} within {timeout_s} s")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout_s)
        sock.close()
