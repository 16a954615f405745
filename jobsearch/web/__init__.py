"""The search page: static index.html, app.js and style.css served by `jobsearch.api` at `/`.
No build step and nothing loaded from outside the server."""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
WEB_ASSETS: frozenset[str] = frozenset({"app.js", "style.css"})
