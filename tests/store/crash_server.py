"""The server the crash tests kill: the real ingestion API (`jobsearch.api.postings`), store,
follower, compaction and FlatIndex with the real ONNX document encoder, in its own process
on a loopback port, without the query engine (whose start-up would dominate the tests).
Test-only endpoints: POST /_arm (arm a failpoint: the process SIGKILLs itself there),
POST /_compact, GET /_state (the index's live postings and the follower's position).

    python tests/store/crash_server.py --index DIR --store LOCATION --models DIR --cache DIR --port N
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI


class IndexOnly:
    """The part of a search service the ingestion API uses: the served index."""

    def __init__(self, index: Any) -> None:
        self.retriever = index
        self.members: dict[str, Any] = {}

    def health(self) -> dict[str, Any]:
        return {"index_version": self.retriever.version, "index_rows": self.retriever.rows}

    def search(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the crash server serves ingestion only")

    parse = search


def build(args: argparse.Namespace) -> FastAPI:
    from jobsearch.api import create_app
    from jobsearch.api.postings import start_ingest
    from jobsearch.encode.cache import CachedEncoder
    from jobsearch.encode.default import default_encoder
    from jobsearch.index import FlatIndex
    from jobsearch.store.settings import IngestSettings

    index = FlatIndex.open(args.index)
    app = create_app(IndexOnly(index))  # type: ignore[arg-type]
    app.state.ingest_settings = IngestSettings(store=args.store, admin_token="crash-token", sweep_every_s=0.2,
                                               visible_timeout_s=10.0)
    ingest = start_ingest(app, encoder=CachedEncoder(default_encoder(Path(args.models)), Path(args.cache)))

    @app.post("/_arm")
    def arm(point: str) -> dict[str, str]:
        os.environ["JOBSEARCH_FAILPOINTS"] = point
        return {"armed": point}

    @app.post("/_compact")
    def compact() -> dict[str, str]:
        return {"set": ingest.compact()}

    @app.get("/_state")
    def state() -> dict[str, Any]:
        f = ingest.follower
        table = index.records_table()
        titles = dict(zip(table.column("job_id").to_pylist(), table.column("title").to_pylist(), strict=True))
        return {"following": f is not None, "applied": None if f is None else f.applied,
                "head": ingest.store.head(), "titles": titles, "set": index.set_dir.name}

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    for name in ("--index", "--store", "--models", "--cache"):
        ap.add_argument(name, required=True)
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    uvicorn.run(build(args), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
