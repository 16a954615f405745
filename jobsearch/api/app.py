"""The FastAPI app: search, parse, members, feedback, health, metrics, the web page at `/`
and offline OpenAPI docs at `/docs`. Handlers are thin: validate, call the pipeline, answer;
failures go through the one error table in `jobsearch.api.errors`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from jobsearch import __version__
from jobsearch.api.errors import install_error_handlers
from jobsearch.api.jobs import router as jobs_router
from jobsearch.api.limits import BodyLimit
from jobsearch.api.metrics import FEEDBACK_EVENTS, RequestMetrics
from jobsearch.api.models import (
    ErrorBody,
    FeedbackAccepted,
    FeedbackRequest,
    Health,
    MembersResponse,
    ParseRequest,
    SearchRequest,
)
from jobsearch.api.postings import router as postings_router
from jobsearch.api.service import PipelineSlot, SearchService
from jobsearch.errors import IndexNotFoundError
from jobsearch.metrics import init_series, set_model_versions
from jobsearch.schema import ParsedQuery, SearchResponse
from jobsearch.serve import ServeSettings
from jobsearch.web import WEB_ASSETS, WEB_DIR

# The page loads only from this origin: no CDN, no fonts, no trackers.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON"},
    422: {"model": ErrorBody, "description": "Invalid query, member, k or remove item"},
    503: {"model": ErrorBody, "description": "No index is loaded yet"},
}


def model_version_of(health: dict[str, Any]) -> str:
    """A short label naming the models behind the answers (for feedback metrics)."""
    if health.get("model_version"):
        return str(health["model_version"])
    models = health.get("models")
    for source in (models if isinstance(models, dict) else {}, health):
        for key in ("ranker", "encoder"):
            if source.get(key):
                return str(source[key])
    return "unknown"


def create_app(
    pipeline: SearchService | None,
    settings: ServeSettings | None = None,
    *,
    loader: Callable[[], SearchService] | None = None,
) -> FastAPI:
    """Build the app over `pipeline`. With `pipeline=None` the app still starts: /healthz and
    the search endpoints answer 503 until `loader` (if given) manages to open one."""
    settings = settings or ServeSettings()
    versions: dict[int, str] = {}
    init_series(("/v1/search", "/v1/parse"))  # SLO series exist at zero before the first request

    def model_version(p: SearchService) -> str:
        key = id(p)
        if key not in versions:
            health = p.health()
            versions[key] = settings.model_version or model_version_of(health)
            # jobsearch_model_info: dashboards and canary analysis split series by it.
            components = {k: str(health.get(k)) for k in ("encoder", "ranker") if health.get(k)}
            set_model_versions(versions[key], **components)
        return versions[key]

    slot = PipelineSlot(pipeline, loader, retry_interval_s=settings.index_retry_s, on_load=model_version)
    if pipeline is not None:
        model_version(pipeline)

    app = FastAPIOffline(
        title="jobsearch",
        version=__version__,
        description=(
            "Semantic job search with strict filters. Type what you want in plain language; "
            "stated constraints (place, pay, recency, workplace, company type...) become strict "
            "filters, the rest is matched by meaning. Every error is JSON: "
            '`{"error": code, "detail": sentence, "fields": [...]}`.'
        ),
        redoc_url=None,
        static_url="/static-docs",
    )
    app.state.pipeline_slot = slot
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestMetrics)  # added last = outermost: counts the 413s too

    @app.post("/v1/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search(req: SearchRequest, response: Response) -> SearchResponse:
        """Search: strict filters from the text, ranked by meaning. `remove` drops understood
        constraints (the page's chips). Answers carry `X-Query-Id` for feedback."""
        p = slot.get()
        result = p.search(req.query, member_id=req.member_id, k=req.k, remove=req.remove, sort=req.sort,
                          cursor=req.cursor, facets=req.facets, max_per_company=req.max_per_company)
        response.headers["X-Query-Id"] = uuid.uuid4().hex
        response.headers["X-Model-Version"] = model_version(p)
        return result

    @app.post("/v1/parse", response_model=ParsedQuery, responses=ERRORS, tags=["search"])
    def parse(req: ParseRequest) -> ParsedQuery:
        """What the query engine understood: semantic text, filters, constraints, suggestions."""
        return slot.get().parse(req.query, member_id=req.member_id)

    @app.get("/v1/members", response_model=MembersResponse, responses=ERRORS, tags=["search"])
    def members() -> MembersResponse:
        """Demo members, for searching as someone (personalised queries)."""
        ms = slot.get().members
        return MembersResponse(members=[ms[k] for k in sorted(ms)])

    @app.post(
        "/v1/feedback", status_code=202, response_model=FeedbackAccepted, responses=ERRORS, tags=["feedback"]
    )
    def feedback(req: FeedbackRequest) -> FeedbackAccepted:
        """Record a click or apply on a result (counted per model version)."""
        version = model_version(slot.get())
        FEEDBACK_EVENTS.labels(event=req.event, model_version=version).inc()
        return FeedbackAccepted(model_version=version)

    @app.get("/healthz", response_model=Health, responses={503: {"model": Health}}, tags=["ops"])
    def healthz() -> Any:
        """Index version, rows and model ids; 503 while no index is loaded."""
        try:
            p = slot.get()
        except IndexNotFoundError as exc:
            return JSONResponse(status_code=503, content={"status": "unavailable", "detail": str(exc)})
        return {**p.health(), "status": "ok"}

    @app.get("/metrics", tags=["ops"], response_class=Response)
    def metrics() -> Response:
        """Prometheus text format (stage latencies, cache, requests, feedback...)."""
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        # An allowlist, not a directory mount: only the page's own files are served.
        if name not in WEB_ASSETS:
            raise HTTPException(status_code=404, detail=f"no asset {name!r}")
        return FileResponse(WEB_DIR / name, headers={"Cache-Control": "no-cache"})

    app.include_router(jobs_router)  # job detail, saved searches and alerts, demo apply page
    app.include_router(postings_router)  # ingestion: /v1/postings (docs/ingestion.md)
    return app
