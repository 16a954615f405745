"""`jobsearch demo` serves first and fills in: a partial shard set answers at once and says how
much of the corpus it covers; the full set replaces it through ACTIVE while the server runs."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from jobsearch.demo import Phases, _minutes, prepare


@pytest.fixture()
def fresh_home(tmp_path: Path, demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data home that borrows the session's exported encoder (no second export)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    monkeypatch.setenv("JOBSEARCH_HOME", str(home))
    return home


@pytest.mark.slow
def test_demo_serves_the_first_part_then_fills_in(fresh_home: Path) -> None:
    from jobsearch.index.layout import Manifest, active_set
    from jobsearch.serve import build_app, serve_in_background
    from jobsearch.settings import ServeSettings

    corpus, index = fresh_home / "corpus", fresh_home / "index"
    lines: list[str] = []
    filling = prepare(corpus, index, jobs=360, seed=3, rebuild=False, echo=lines.append, first_rows=120)
    assert filling is not None
    partial = Manifest.read(active_set(index))
    assert (partial.rows, partial.source_rows) == (120, 360)
    log = "\n".join(lines)
    assert "first 120 postings searchable (took" in log and "the other 240 postings encode in the background" in log
    assert "postings/s" in log  # the estimate for the rest

    settings = ServeSettings(index_dir=index, corpus_dir=corpus, demo=True, follow_interval_s=0.2)
    with serve_in_background(build_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        first = client.post("/v1/search", json={"query": "nurse"}).json()
        # answered from whichever set is active: the partial one says so, the whole one does not
        if first["searchable"] is not None:
            assert first["searchable"] == {"indexed": 120, "total": 360}
        filling.join(timeout=300)
        assert not filling.is_alive()
        assert Manifest.read(active_set(index)).source_rows is None
        assert Manifest.read(active_set(index)).rows == 360
        deadline = time.monotonic() + 30
        while (body := client.post("/v1/search", json={"query": "nurse"}).json())["searchable"] is not None:
            assert time.monotonic() < deadline, "the server never moved to the whole set"
            time.sleep(0.2)
        assert body["total_matching"] > first["total_matching"] or first["searchable"] is None
    assert any("index complete: all 360 postings searchable" in line for line in lines)
    # a second run finds the whole index and builds nothing
    again: list[str] = []
    assert prepare(corpus, index, jobs=360, seed=3, rebuild=False, echo=again.append, first_rows=120) is None
    assert again == []


def test_partial_set_says_so_in_the_cli_text(fresh_home: Path) -> None:
    from jobsearch.corpus.generate import generate_corpus
    from jobsearch.encode.default import default_encoder
    from jobsearch.index.build import build_index
    from jobsearch.pipeline import open_pipeline
    from jobsearch.results.text import search_lines

    corpus, index = fresh_home / "corpus", fresh_home / "index"
    generate_corpus(corpus, n_jobs=90, seed=5, progress=False)
    build_index(corpus, index, default_encoder(), limit=30, progress=False)
    response = open_pipeline(index, corpus).search("engineer", k=5)
    assert response.searchable is not None and (response.searchable.indexed, response.searchable.total) == (30, 90)
    assert "note: searched 30 of 90 postings; the rest are still being indexed" in search_lines(response)


def test_phase_lines_and_estimates() -> None:
    lines: list[str] = []
    phases = Phases(lines.append)
    phases.done("corpus generated", time.perf_counter() - 1.5)
    assert lines[0].endswith("corpus generated (took 1.5 s)") and lines[0].startswith("[")
    assert _minutes(20) == "about 20 seconds" and _minutes(61) == "about 60 seconds"
    assert _minutes(150) == "about 2 minutes" and _minutes(95) == "about 2 minutes"
