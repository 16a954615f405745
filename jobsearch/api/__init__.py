"""The HTTP service: FastAPI app over a search pipeline (`create_app`), its request and
response models and the one table that maps domain errors to HTTP status codes."""

from __future__ import annotations

from jobsearch.api.app import create_app

__all__ = ["create_app"]
