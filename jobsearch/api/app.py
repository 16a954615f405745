"""The FastAPI app: search, parse, members, feedback, health, metrics, the web page at `/`
and offline OpenAPI docs at `/docs`. Handlers are thin: validate, call the pipeline, answer;
failures go through the one error table in `jobsearch.api.errors`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from jobsearch import __version__
from jobsearch.api.errors import install_error_handlers, public_detail
from jobsearch.api.identity import MemberAuth, QueryIds, RateLimiter, new_secret
from jobsearch.api.jobs import router as jobs_router
from jobsearch.api.limits import BodyLimit
from jobsearch.api.metrics import FEEDBACK_EVENTS, FEEDBACK_REFUSED, RequestMetrics
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
from jobsearch.api.service import PipelineSlot, PointerFollower, SearchService, ServingStatus
from jobsearch.api.shedding import LoadShedder, ShedSettings, abandon_at
from jobsearch.errors import (
    BadFeedbackError,
    IndexNotFoundError,
    NotAuthorizedError,
    RateLimitedError,
    SearchAbandonedError,
)
from jobsearch.metrics import init_series, set_model_versions
from jobsearch.schema import ParsedQuery, SearchResponse
from jobsearch.settings import ServeSettings
from jobsearch.web import WEB_ASSETS, WEB_DIR

# The page loads only from this origin: no CDN, no fonts, no trackers.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON"},
    403: {"model": ErrorBody, "description": "member_id without a member token outside demo mode"},
    408: {"model": ErrorBody, "description": "The request head or body did not arrive in time"},
    413: {"model": ErrorBody, "description": "Body over 64 KiB (counted while it streams, chunked too)"},
    422: {"model": ErrorBody, "description": "Invalid query (blank, too long, negative amount), member, k or remove item"},
    503: {"model": ErrorBody, "description": "No index is loaded yet, or the server is at capacity (Retry-After)"},
}
FEEDBACK_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    422: {"model": ErrorBody, "description": "query_id not issued here, expired, or its answer did not contain job_id"},
    429: {"model": ErrorBody, "description": "Too many feedback events from this client (Retry-After)"},
}
SHED_PATHS = ("/v1/search", "/v1/parse")


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
    status: ServingStatus | None = None,
) -> FastAPI:
    """Build the app over `pipeline`. With `pipeline=None` the app still starts: /healthz and
    the search endpoints answer 503 until `loader` (if given) manages to open one. With
    `status` (what `jobsearch serve` passes) the app follows the index root's ACTIVE
    pointer and /healthz reports fallbacks."""
    settings = settings or ServeSettings()
    secret = settings.signing_secret or new_secret()
    query_ids = QueryIds(secret, ttl_s=settings.query_id_ttl_s)
    auth = MemberAuth(secret, demo=settings.demo, trusted_header=settings.trusted_member_header)
    feedback_limit = RateLimiter(settings.feedback_rate_per_s, settings.feedback_burst)
    counted: dict[tuple[str, str, str], None] = {}  # feedback already counted (bounded, oldest first out)
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
    app.state.member_auth = auth  # other routers resolve members through it too
    install_error_handlers(app)
    # Inner to outer: shed load (body already buffered), bound the body, count everything.
    app.add_middleware(LoadShedder, paths=SHED_PATHS, settings=ShedSettings(
        max_in_flight=settings.max_in_flight, max_queue=settings.max_queue,
        queue_timeout_s=settings.queue_timeout_s, queue_target_s=settings.queue_target_s,
        deadline_s=settings.request_deadline_s,
    ))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, read_timeout_s=settings.body_timeout_s)
    app.add_middleware(RequestMetrics)  # added last = outermost: counts the 413s and 503s too
    if status is not None and settings.follow_interval_s > 0:
        from jobsearch.home import default_index_dir

        app.state.follower = PointerFollower(
            slot, settings.index_dir or default_index_dir(), status, interval_s=settings.follow_interval_s
        ).start()

    def started() -> SearchService:
        """The pipeline, unless this request's client left or its deadline passed while it
        waited for a worker thread (then no work starts for it)."""
        if abandon_at("start"):
            raise SearchAbandonedError("the request's client left or its deadline passed before it started; "
                                       "retry shortly", stage="start")
        return slot.get()

    @app.post("/v1/search", response_model=SearchResponse, responses=ERRORS, tags=["search"])
    def search(req: SearchRequest, request: Request) -> Response:
        """Search: strict filters from the text, ranked by meaning. `remove` drops understood
        constraints (the page's chips). Answers carry `X-Query-Id` for feedback."""
        member_id = auth.member_of(request.headers, req.member_id)
        p = started()
        result = p.search(req.query, member_id=member_id, k=req.k, remove=req.remove, sort=req.sort,
                          cursor=req.cursor, facets=req.facets, max_per_company=req.max_per_company,
                          refinements=req.refinements, abandoned=abandon_at)  # stops between stages once no one waits for it
        # Serialised here, in the worker thread: under load the event loop's time answers
        # requests (and refuses the excess at once) instead of encoding JSON.
        return Response(result.model_dump_json(by_alias=True), media_type="application/json", headers={
            "X-Query-Id": query_ids.issue(r.job_id for r in result.results),
            "X-Model-Version": model_version(p),
        })

    @app.post("/v1/parse", response_model=ParsedQuery, responses=ERRORS, tags=["search"])
    def parse(req: ParseRequest, request: Request) -> ParsedQuery:
        """What the query engine understood: semantic text, filters, constraints, suggestions."""
        member_id = auth.member_of(request.headers, req.member_id)
        return started().parse(req.query, member_id=member_id)

    @app.get("/v1/members", response_model=MembersResponse, responses=ERRORS, tags=["search"])
    def members() -> MembersResponse:
        """Demo members, for searching as someone (personalised queries). Demo mode only
        (`jobsearch demo`, `jobsearch serve --demo`): otherwise 403, profiles are private."""
        if not settings.demo:
            raise NotAuthorizedError("the member list is open in demo mode only")
        ms = slot.get().members
        return MembersResponse(members=[ms[k] for k in sorted(ms)])

    @app.post(
        "/v1/feedback", status_code=202, response_model=FeedbackAccepted, responses=FEEDBACK_ERRORS,
        tags=["feedback"],
    )
    def feedback(req: FeedbackRequest, request: Request) -> FeedbackAccepted:
        """Record a click or apply on a result of a search answered here: `query_id` is that
        answer's `X-Query-Id` (signed, valid for an hour) and `job_id` one of its results.
        Counted once per (answer, job, event) and per model version; at most a few events
        a second per client (429 beyond)."""
        client = request.client.host if request.client else "unknown"
        if not feedback_limit.allow(client):
            FEEDBACK_REFUSED.labels(reason="rate_limited").inc()
            raise RateLimitedError("too many feedback events from this client; slow down")
        try:
            answer = query_ids.check(req.query_id, req.job_id)
        except BadFeedbackError:
            FEEDBACK_REFUSED.labels(reason="bad_query_id").inc()
            raise
        version = model_version(slot.get())
        key = (answer, req.job_id, req.event)
        if key in counted:
            FEEDBACK_REFUSED.labels(reason="duplicate").inc()
            return FeedbackAccepted(model_version=version, counted=False)
        counted[key] = None
        while len(counted) > 100_000:
            counted.pop(next(iter(counted)))
        FEEDBACK_EVENTS.labels(event=req.event, model_version=version).inc()
        return FeedbackAccepted(model_version=version)

    @app.get("/healthz", response_model=Health, responses={503: {"model": Health}}, tags=["ops"])
    def healthz() -> Any:
        """Index version, rows and model ids; 503 while no index is loaded."""
        try:
            p = slot.get()
        except IndexNotFoundError as exc:
            return JSONResponse(status_code=503, content={"status": "unavailable", "detail": public_detail(str(exc))})
        health = {**p.health(), "status": "ok"}
        if status is not None and status.note:
            health["index_note"] = public_detail(status.note)  # serving a fallback, or refused a set
        return health

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
