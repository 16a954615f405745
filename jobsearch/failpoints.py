"""Named crash points for the reliability tests: with `JOBSEARCH_FAILPOINTS=name[,name]`
in its environment a process kills itself with SIGKILL (kill -9: no cleanup, no flush)
when it reaches one of those points, so a test can stop a real server at each step of a
write, of the follower and of compaction and check what survives. Unset: a no-op.

The variable is read when a point is passed (never at import time), so a test harness
can arm a point in a running process."""

from __future__ import annotations

import os
import signal

ENV = "JOBSEARCH_FAILPOINTS"

# Every point the code passes, in the order a write travels (the tests iterate this list).
POINTS: tuple[str, ...] = (
    "write:before_commit",  # rows and change-log entries written, transaction not committed
    "write:after_commit",  # committed, the follower not yet told, the client not answered
    "follow:after_read",  # the follower read changes and rows, nothing applied
    "follow:after_apply",  # applied to the in-memory index, the client not answered
    "compact:after_build",  # a new shard set written and verified, not active
    "compact:after_activate",  # ACTIVE moved to the new set, its store watermark not written yet
    "compact:after_watermark",  # the new set's watermark written
)


def failpoint(name: str) -> None:
    """SIGKILL this process if `name` is armed."""
    armed = os.environ.get(ENV)
    if armed and name in (p.strip() for p in armed.split(",")):
        os.kill(os.getpid(), signal.SIGKILL)
