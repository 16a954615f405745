"""Browser fixtures: Debian's headless Chromium driven by Playwright (never a downloaded
browser), and the real app over the session's demo pipeline on a loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobsearch.api import create_app
from jobsearch.serve import ServeSettings, serve_in_background

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def web_url(pipeline) -> Iterator[str]:  # noqa: ANN001 - SearchPipeline from the root conftest
    with serve_in_background(create_app(pipeline, ServeSettings(demo=True))) as url:  # member picker
        yield url


@pytest.fixture()
def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: JOBSEARCH_SCREENSHOTS if set (to look at them), else tmp."""
    out = Path(os.environ.get("JOBSEARCH_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out
