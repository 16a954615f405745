"""The index root lock: activate, rollback and gc from several processes at once never lose
a HISTORY entry, never leave ACTIVE naming a missing set, and gc never deletes a set that
is active, being activated or being built. Real processes, real files, bounded trials."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from jobsearch.errors import IndexNotFoundError, StorageFullError
from jobsearch.index import layout
from jobsearch.index.shardset import activate_set, rollback_set

sys.path.insert(0, str(Path(__file__).parent))
from index_fixtures import clustered, make_rows  # noqa: E402

POOL = 5  # sets a trial picks from


def _make_pool(tmp: Path) -> tuple[Path, Path, list[str]]:
    """A root with POOL small published sets (the first active), plus a pristine copy of
    every set to restore what gc deleted between trials."""
    from jobsearch.index import build_from_arrays

    root, spare = tmp / "root", tmp / "spare"
    spare.mkdir()
    names = []
    for i in range(POOL):
        d = build_from_arrays(root, clustered(300, seed=i), make_rows(300, seed=i, prefix=f"s{i}"),
                              model_id="test-model", activate=(i == 0))
        names.append(d.name)
        shutil.copytree(d, spare / d.name)
    return root, spare, names


def _worker(root: str, inbox: mp.Queue, outbox: mp.Queue) -> None:
    """Runs the operations it is sent until told to stop; answers (op, arg, ok, detail)."""
    from jobsearch.errors import JobSearchError

    outbox.put(("ready", "", True, ""))  # imports done: trials are not timed against start-up
    while (job := inbox.get()) is not None:
        op, arg = job
        try:
            if op == "activate":
                activate_set(Path(root), Path(root) / arg)
                out = arg
            elif op == "rollback":
                out = rollback_set(Path(root)).name
            else:
                out = ",".join(p.name for p in layout.garbage_collect(Path(root), keep=2))
            outbox.put((op, arg, True, out))
        except (JobSearchError, OSError) as exc:
            outbox.put((op, arg, False, f"{type(exc).__name__}: {exc}"))


def _run_trials(tmp: Path, trials: int, seed: int) -> dict[str, int]:
    root, spare, names = _make_pool(tmp)
    ctx = mp.get_context("spawn")
    queues = [(ctx.Queue(), ctx.Queue()) for _ in range(4)]
    procs = [ctx.Process(target=_worker, args=(str(root), q_in, q_out), daemon=True) for q_in, q_out in queues]
    for p in procs:
        p.start()
    for _, q_out in queues:  # a loaded machine may take minutes to import numpy/pyarrow x4
        assert q_out.get(timeout=600)[0] == "ready"
    rng = np.random.default_rng(seed)
    stats = {"activations": 0, "rollbacks": 0, "removed": 0, "lost": 0, "dangling": 0, "unexplained": 0,
             "refused_gone": 0}
    try:
        for _ in range(trials):
            for name in names:  # bring back what an earlier gc deleted
                if not (root / name).exists():
                    shutil.copytree(spare / name, root / name)
            a, b = rng.choice(names, size=2, replace=False)
            jobs = [("activate", str(a)), ("activate", str(b)), ("rollback", ""), ("gc", "")]
            for (q_in, _), job in zip(queues, jobs, strict=True):
                q_in.put(job)
            answers = [q_out.get(timeout=300) for _, q_out in queues]  # the lock gives up at 120 s
            active = layout.active_set(root)
            past = layout.history(root)
            if not layout.is_set_dir(active):
                stats["dangling"] += 1
            if past[-1] != active.name:
                stats["lost"] += 1
            swept = {n for op, _, ok, out in answers if op == "gc" and ok for n in out.split(",") if n}
            for op, arg, ok, out in answers:
                if op == "activate" and not ok:
                    # gc ran first and deleted the set: refused cleanly, nothing recorded.
                    gone = arg in swept and ("not a directory" in out or "not a shard set" in out)
                    stats["refused_gone" if gone else "unexplained"] += 1
                if op in ("activate", "rollback") and ok:
                    stats["activations" if op == "activate" else "rollbacks"] += 1
                    # Every activation that reported success is still recorded and on disk
                    # (gc keeps the active set and the two before it: a trial makes <= 3).
                    if out not in past or not layout.is_set_dir(root / out):
                        stats["lost"] += 1
                if op == "gc" and ok and out:
                    stats["removed"] += len(out.split(","))
    finally:
        for q_in, _ in queues:
            q_in.put(None)
        for p in procs:
            p.join(10)
    return stats


def test_concurrent_activate_rollback_gc_lose_nothing(tmp_path: Path) -> None:
    stats = _run_trials(tmp_path, trials=12, seed=3)
    assert stats["lost"] == 0 and stats["dangling"] == 0 and stats["unexplained"] == 0, stats
    assert stats["activations"] + stats["refused_gone"] == 24
    assert stats["rollbacks"] > 0 and stats["removed"] > 0  # the race really happened


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("JOBSEARCH_LONG_TESTS"), reason="3 minutes on 2 cores; set JOBSEARCH_LONG_TESTS=1")
def test_thousand_concurrent_trials_lose_nothing(tmp_path: Path) -> None:
    stats = _run_trials(tmp_path, trials=1000, seed=11)
    assert stats["lost"] == 0 and stats["dangling"] == 0 and stats["unexplained"] == 0, stats
    assert stats["activations"] + stats["refused_gone"] == 2000


def test_gc_spares_a_build_in_progress_and_its_published_set(tmp_path: Path) -> None:
    from jobsearch.index import build_from_arrays

    root = tmp_path / "root"
    build_from_arrays(root, clustered(200, seed=1), make_rows(200, seed=1), model_id="m")
    with layout.building(root, "v-in-progress"):
        (root / ".tmp-v-in-progress").mkdir()
        (root / "set-v-in-progress").mkdir()  # published, not activated yet
        removed = layout.garbage_collect(root, keep=0)
        assert removed == []
        assert (root / ".tmp-v-in-progress").is_dir() and (root / "set-v-in-progress").is_dir()
    # The builder is gone: its leftovers are fair game now.
    removed = {p.name for p in layout.garbage_collect(root, keep=0)}
    assert removed == {".tmp-v-in-progress", "set-v-in-progress"}


def test_gc_never_deletes_the_active_set_and_prunes_history(tmp_path: Path) -> None:
    from jobsearch.index import build_from_arrays

    root = tmp_path / "root"
    sets = [build_from_arrays(root, clustered(200, seed=i), make_rows(200, seed=i), model_id="m") for i in range(4)]
    removed = layout.garbage_collect(root, keep=1)
    assert {p.name for p in removed} == {sets[0].name, sets[1].name}
    assert layout.active_set(root) == sets[3]
    assert layout.history(root) == [sets[2].name, sets[3].name]
    assert rollback_set(root) == sets[2]


def test_point_to_refuses_a_missing_set(tmp_path: Path) -> None:
    from jobsearch.index import build_from_arrays

    root = tmp_path / "root"
    good = build_from_arrays(root, clustered(200, seed=1), make_rows(200, seed=1), model_id="m")
    with pytest.raises(IndexNotFoundError, match="not a shard set"):
        layout.point_to(root, root / "set-gone")
    assert layout.active_set(root) == good


def test_lock_excludes_another_process(tmp_path: Path) -> None:
    """While one process holds the root lock, another's operation waits for it (and gives
    up with IndexRootBusyError after its timeout)."""
    import subprocess

    root = tmp_path / "root"
    root.mkdir()
    code = (
        "import sys, time\nfrom jobsearch.index import layout\n"
        "from jobsearch.errors import IndexRootBusyError\n"
        "try:\n    with layout.root_lock(sys.argv[1], timeout_s=0.3): print('got')\n"
        "except IndexRootBusyError as e: print('busy', e)\n"
    )
    with layout.root_lock(root):
        out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("busy"), out.stdout + out.stderr
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "got", out.stdout + out.stderr


def test_full_disk_leaves_the_pointer_alone_and_activate_exits_nonzero(tmp_path: Path) -> None:
    """A real full filesystem (a 1 MiB tmpfs would need root mounts; /dev/full is the
    kernel's always-full file): writing the pointer through it raises StorageFullError,
    and `jobsearch index activate` turns that into exit code 1 with a message."""
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full is not available")
    from typer.testing import CliRunner

    from jobsearch.index import build_from_arrays
    from jobsearch.index.cli import app

    root = tmp_path / "root"
    first = build_from_arrays(root, clustered(200, seed=1), make_rows(200, seed=1), model_id="m")
    second = build_from_arrays(root, clustered(200, seed=2), make_rows(200, seed=2), model_id="m", activate=False)
    real_open = open

    def full_open(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        # Only the pointer files' temporaries go to the full device; everything else is real.
        if "w" in mode and Path(path).name.startswith((".ACTIVE.", ".HISTORY.")):
            return real_open("/dev/full", mode, *args, **kwargs)
        return real_open(path, mode, *args, **kwargs)

    import builtins

    builtins.open = full_open
    try:
        with pytest.raises(StorageFullError, match="no space left"):
            layout.point_to(root, second)
        result = CliRunner().invoke(app, ["activate", str(second)])
    finally:
        builtins.open = real_open
    assert result.exit_code == 1
    assert "no space left" in result.output
    assert "Traceback" not in result.output
    assert layout.active_set(root) == first
    assert not list(root.glob(".ACTIVE.*")) and not list(root.glob(".HISTORY.*"))
