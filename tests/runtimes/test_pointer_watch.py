"""The pointer watch the query engine and transformer use to follow promotions."""

from __future__ import annotations

import threading
from pathlib import Path

from jobsearch.runtimes.catalog import PointerWatch, resolve_index_dir


def test_watch_reports_each_new_target_once(tmp_path: Path) -> None:
    pointer = tmp_path / "path"
    pointer.write_text(str(tmp_path / "a") + "\n")
    assert resolve_index_dir(index_dir=None, active_file=pointer) == tmp_path / "a"
    seen: list[Path] = []
    changed = threading.Event()

    def on_change(target: Path) -> None:
        seen.append(target)
        changed.set()

    watch = PointerWatch(pointer, tmp_path / "a", on_change, poll_s=0.02).start()
    try:
        pointer.write_text(str(tmp_path / "b"))
        assert changed.wait(10)
        changed.clear()
        assert not changed.wait(0.2)  # unchanged pointer: no second call
        assert seen == [tmp_path / "b"]
    finally:
        watch.stop()


def test_a_failing_reload_keeps_watching(tmp_path: Path) -> None:
    pointer = tmp_path / "path"
    pointer.write_text("/x/a")
    calls: list[Path] = []
    done = threading.Event()

    def on_change(target: Path) -> None:
        calls.append(target)
        if len(calls) == 1:
            raise RuntimeError("set not readable yet")
        done.set()

    watch = PointerWatch(pointer, Path("/x/a"), on_change, poll_s=0.02).start()
    try:
        pointer.write_text("/x/b")
        assert done.wait(10)  # retried on the next poll after the failure
        assert calls[:2] == [Path("/x/b"), Path("/x/b")]
    finally:
        watch.stop()
