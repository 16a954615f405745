"""API fixtures: the real app over the session's demo pipeline, served by uvicorn on a free
loopback port, and an httpx client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jobsearch.api import create_app
from jobsearch.serve import ServeSettings, serve_in_background


@pytest.fixture(scope="session")
def api_url(pipeline) -> Iterator[str]:  # noqa: ANN001 - SearchPipeline from the root conftest
    app = create_app(pipeline, ServeSettings(demo=True))  # the member picker: demo mode
    with serve_in_background(app) as url:
        yield url


@pytest.fixture()
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=60.0) as c:
        yield c


@pytest.fixture()
def no_index_url() -> Iterator[str]:
    """An app started before any index exists (no pipeline, no loader)."""
    with serve_in_background(create_app(None, ServeSettings())) as url:
        yield url
