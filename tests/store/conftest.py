"""Store fixtures: the same tests run on SQLite (a file in a temp dir) and on a real
PostgreSQL server started once per session (skipped, with the reason, when the server
binaries or psycopg are missing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, pg_bin


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = pg_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql; scripts/bootstrap.sh --test does)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    server = PgServer(bin_dir)
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - report why the server did not start, then skip
        server.stop()
        pytest.skip(f"could not start PostgreSQL from {bin_dir}: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store location of each kind."""
    if request.param == "sqlite":
        return str(tmp_path / "store" / "postings.sqlite")
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def store(store_location: str) -> Iterator:  # type: ignore[type-arg]
    from jobsearch.store import open_store

    s = open_store(store_location)
    yield s
    s.close()
