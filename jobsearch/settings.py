"""The process settings: every environment variable jobsearch reads, read here and only
here, into typed, documented fields. A process builds one `Settings` in its `main()`
(`install`); library code asks `current()`, which outside a `main()` (tests, notebooks)
reads the environment afresh on each call. Nothing is read at import time.

`ServeSettings` (what `jobsearch serve` is told) lives here too, so the HTTP layer and the
command that starts it share a type without importing each other."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

INDEX_DEVICES = ("cpu", "cuda", "auto")
INT8_KERNELS = ("vnni512", "vnni256", "avx2", "plain")


@dataclass(frozen=True)
class Settings:
    home: Path | None = None
    """JOBSEARCH_HOME: the data home (corpus/, index/, models/, cache/). None: the
    platform's user data directory (~/.local/share/jobsearch on Linux)."""
    index_device: str = "cpu"
    """JOBSEARCH_INDEX_DEVICE: where base shards are scanned: cpu, cuda, or auto (cuda when
    a CUDA device is present)."""
    int8_kernel: str | None = None
    """JOBSEARCH_INT8_KERNEL: force the int8 scan kernel (vnni512, vnni256, avx2, plain);
    None: the fastest this CPU has."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check the variables; a bad value raises ValueError naming it."""
        e = os.environ if env is None else env
        home = e.get("JOBSEARCH_HOME") or None
        device = (e.get("JOBSEARCH_INDEX_DEVICE") or "cpu").strip().lower()
        if device not in INDEX_DEVICES:
            raise ValueError(f"JOBSEARCH_INDEX_DEVICE must be cpu, cuda or auto, got {device!r}")
        kernel = (e.get("JOBSEARCH_INT8_KERNEL") or "").strip().lower() or None
        if kernel is not None and kernel not in INT8_KERNELS:
            raise ValueError(f"JOBSEARCH_INT8_KERNEL must be one of {', '.join(INT8_KERNELS)}, got {kernel!r}")
        return cls(home=Path(home).expanduser() if home else None, index_device=device, int8_kernel=kernel)


_installed: Settings | None = None


def install(settings: Settings) -> Settings:
    """Make `settings` the process's settings (called once, by a `main()`)."""
    global _installed
    _installed = settings
    return settings


def current() -> Settings:
    """The installed settings, else the environment as it is now."""
    return _installed if _installed is not None else Settings.from_env()


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
    demo: bool = False
    """Demo mode: `member_id` in request bodies is trusted and `/v1/members` lists every
    profile (the demo's member picker). Off: members come from a member token or the
    trusted gateway header, and the member list answers 403."""
    signing_secret: bytes | None = None
    """HMAC key of query ids and member tokens; None = a random per-process key (ids stop
    verifying on restart). Replicas behind one load balancer need the same key
    (`JOBSEARCH_SIGNING_SECRET`, read by the `serve` command)."""
    trusted_member_header: str | None = None
    """Header a trusted gateway sets to the authenticated member id (e.g. X-Member-Id);
    the gateway must drop it from client requests. None = not trusted."""
    query_id_ttl_s: float = 3600.0
    """How long after a search its X-Query-Id accepts feedback (seconds)."""
    feedback_rate_per_s: float = 5.0
    """Feedback events per second one client may send (token bucket)..."""
    feedback_burst: float = 30.0
    """...with bursts up to this many; beyond: 429."""
    max_in_flight: int = 4
    """Searches/parses computing at once; more wait in the queue."""
    max_queue: int = 8
    """Requests waiting for a slot; beyond it: 503 with Retry-After at once."""
    queue_timeout_s: float = 0.1
    """Longest wait in the queue (seconds) before a 503 while the queue still empties now
    and then; a queue non-empty for longer than this is a standing overload."""
    queue_target_s: float = 0.02
    """Longest wait in the queue (seconds) during a standing overload; a request predicted
    to wait longer is answered 503 at once (CoDel-style shedding, docs/api.md)."""
    ranker: bool = True
    """Re-rank with the cross-encoder under <data home>/models/ranker/ when one is installed
    (docs/ranker.md); off or absent: retrieval order."""
    rank_depth: int = 20
    """How many retrieved candidates the ranker re-scores (pipeline.RANK_DEPTH: what 2 CPU
    cores score within the ranker's budget)."""
    request_deadline_s: float = 10.0
    """A request not started within this many seconds of arriving is not started at all."""
    max_body_bytes: int = 64 * 1024
    """Largest request body, counted while it streams (chunked too); beyond: 413."""
    body_timeout_s: float = 10.0
    """The whole request body must arrive within this many seconds (else 408)."""
    head_timeout_s: float = 10.0
    """The request line and headers must arrive within this many seconds (else 408)."""
    keep_alive_s: float = 5.0
    """Idle keep-alive connections are closed after this many seconds."""
    follow_interval_s: float = 2.0
    """Seconds between checks of the index root's ACTIVE pointer and of the served set's
    files: a newly activated or rolled-back set is verified and swapped in. 0 = never."""
