"""What `jobsearch serve` runs: the uvicorn server around
`create_app`, and a helper that runs the app on a loopback port in a thread (tests, benchmarks, demos)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from jobsearch.settings import ServeSettings  # its home; re-exported for callers of serve

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from jobsearch.api.service import SearchService

from jobsearch.api.service import ServingStatus

log = logging.getLogger("jobsearch.serve")

__all__ = ["ServeSettings", "build_app", "open_service", "run_server", "serve_in_background"]


def _rank_options(settings: ServeSettings) -> dict[str, Any]:
    return {"ranker": settings.ranker, "rank_depth": settings.rank_depth}


def open_service(settings: ServeSettings, status: ServingStatus | None = None) -> SearchService:
    """Open the real pipeline the settings point at (raises IndexNotFoundError). When the
    root's active set fails verification, the newest good set in HISTORY serves instead
    and `status.note` says so (/healthz shows it)."""
    from jobsearch.errors import CorruptShardSetError, IndexNotFoundError
    from jobsearch.home import default_index_dir
    from jobsearch.index import layout
    from jobsearch.pipeline import open_pipeline

    root = settings.index_dir or default_index_dir()
    try:
        return open_pipeline(root, settings.corpus_dir, **_rank_options(settings))
    except CorruptShardSetError as exc:
        if layout.is_set_dir(root):
            raise
        active = layout.active_set(root)
        for name in reversed(layout.history(root)):
            candidate = root / name
            if candidate.resolve() == active.resolve() or not layout.is_set_dir(candidate):
                continue
            try:
                pipeline = open_pipeline(candidate, settings.corpus_dir, **_rank_options(settings))
            except CorruptShardSetError as older:
                log.warning("fallback %s refused too: %s", name, older)
                continue
            note = (f"ACTIVE names {active.name}, which failed verification ({exc}); "
                    f"serving {name}, the newest good set in HISTORY")
            log.error("%s", note)
            if status is not None:
                status.note = note
                status.refused.add(active.name)
            return pipeline
        raise IndexNotFoundError(f"the active set {active.name} failed verification and no set in HISTORY "
                                 f"passes: {exc}") from exc


def build_app(settings: ServeSettings) -> FastAPI:
    """The app `run_server` serves: the pipeline if it opens now, else a 503 until it does."""
    from jobsearch.api import create_app
    from jobsearch.errors import IndexNotFoundError

    status = ServingStatus()
    try:
        pipeline: SearchService | None = open_service(settings, status)
    except IndexNotFoundError as exc:
        log.warning("no index yet (%s); answering 503 until one is built", exc)
        pipeline = None
    app = create_app(pipeline, settings, loader=lambda: open_service(settings, status), status=status)
    from jobsearch.api.postings import start_ingest

    start_ingest(app)  # the index follows the posting store from the start (docs/ingestion.md)
    return app


def uvicorn_config(app: FastAPI, settings: ServeSettings, **overrides: object) -> uvicorn.Config:
    """uvicorn settings with this service's limits: the httptools protocol (h11 where it is
    missing) with a request-head timeout and a cap on head bytes, the keep-alive timeout."""
    import uvicorn

    from jobsearch.api.limits import GuardedH11Protocol, HttpToolsProtocol

    # One protocol class per server, so two servers in a process keep their own timeout.
    base: type = GuardedH11Protocol
    if HttpToolsProtocol is not None:
        from jobsearch.api.limits import GuardedHttpToolsProtocol

        base = GuardedHttpToolsProtocol
    protocol = type(f"{base.__name__}Served", (base,), {"head_timeout_s": settings.head_timeout_s})
    kwargs: dict[str, object] = {
        "host": settings.host, "port": settings.port, "log_level": settings.log_level,
        "access_log": settings.access_log, "http": protocol,
        "timeout_keep_alive": settings.keep_alive_s, "h11_max_incomplete_event_size": 16 * 1024,
        # Connections beyond this get uvicorn's own 503; the shedder acts well before it.
        "limit_concurrency": 1024,
    }
    kwargs.update(overrides)
    return uvicorn.Config(app, **kwargs)  # type: ignore[arg-type]


def quiet_collector() -> None:
    """Keep the garbage collector's pauses short while serving. A collection holds the GIL,
    so it stops every thread: with the loaded pipeline (~900k long-lived objects: place
    names, taxonomies, columns) and a full response cache (~200 objects an entry) a full
    collection took 0.15-0.3 s on 2 cores, every few seconds under load, and set the p99
    of answers and of 503s alike. Frozen, the startup objects are never scanned again; a
    larger young generation and rare full collections leave short young-generation passes
    (answers and requests die young; acyclic garbage goes by reference counting anyway)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 1000)


def run_server(settings: ServeSettings) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import faulthandler

    import uvicorn

    faulthandler.enable()  # a fatal signal (SIGBUS on a mapped file cut short) leaves a trace in the log
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = build_app(settings)
    quiet_collector()
    uvicorn.Server(uvicorn_config(app, settings)).run()


@contextmanager
def serve_in_background(
    app: FastAPI, *, host: str = "127.0.0.1", timeout_s: float = 20.0, settings: ServeSettings | None = None
) -> Iterator[str]:
    """Run `app` with uvicorn on a free port of `host` in a daemon thread; yield its base URL
    ("http://127.0.0.1:PORT") once it accepts connections; stop it on exit. The server
    limits (timeouts) come from `settings`, else the app's own."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    settings = settings or getattr(app.state, "settings", None) or ServeSettings()
    server = uvicorn.Server(uvicorn_config(app, settings, log_level="warning", access_log=False, lifespan="off"))
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
