"""Job detail, saved searches and alerts, and the demo apply page: the HTTP routes a
person needs after a result list. Thin handlers over the pipeline and the saved-search
store; mounted by `jobsearch.api.app` with one `include_router`."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from jobsearch.api.models import ErrorBody
from jobsearch.api.service import SearchService
from jobsearch.query.text import MAX_QUERY_CHARS
from jobsearch.results.saved import SavedSearch, SavedSearchStore
from jobsearch.schema import JobDetail, SearchResult
from jobsearch.stages import STRONG_GRADES

ALERT_DEPTH = 100  # results of a saved search looked at for new postings
SAVED_FILE = "saved-searches.sqlite"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such job, member or search"}}

router = APIRouter()
JobId = Annotated[str, PathParam(min_length=1, max_length=128)]
MemberId = Annotated[str, PathParam(min_length=1, max_length=128)]


class SaveSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="the search text to watch")


class SavedSearches(BaseModel):
    searches: list[SavedSearch]


class Alert(BaseModel):
    search: SavedSearch
    new: list[SearchResult] = Field(description="matching postings posted after the search was last seen, newest first")


class Alerts(BaseModel):
    member_id: str
    alerts: list[Alert]


def _pipeline(request: Request) -> SearchService:
    return request.app.state.pipeline_slot.get()


def _store(request: Request) -> SavedSearchStore:
    store = getattr(request.app.state, "saved_searches", None)
    if store is None:
        from jobsearch.home import data_home

        store = request.app.state.saved_searches = SavedSearchStore(Path(data_home()) / SAVED_FILE)
    return store


def _member(request: Request, member_id: str) -> SearchService:
    """The service, once the request may act for `member_id`: in demo mode anyone may (the
    member picker); otherwise only that member's token or the trusted gateway header, the
    same rule as a personalised search (403 with the reason)."""
    auth = getattr(request.app.state, "member_auth", None)
    if auth is not None:
        auth.member_of(request.headers, member_id)
    p = _pipeline(request)
    if member_id not in p.members:
        raise HTTPException(status_code=404, detail=f"no demo member {member_id!r} (GET /v1/members lists them)")
    return p


@router.get("/v1/jobs/{job_id}", response_model=JobDetail, responses=NOT_FOUND, tags=["jobs"])
def job(request: Request, job_id: JobId) -> JobDetail:
    """The whole posting: description, skills, company, pay, places, dates, where to apply."""
    try:
        return _pipeline(request).job(job_id)
    except KeyError as exc:
        raise HTTPException(status_code=404, detail=f"no posting with id {job_id!r} in the served index "
                            "(it may have been filled and removed)") from exc


@router.post("/v1/members/{member_id}/searches", status_code=201, response_model=SavedSearch,
             responses=NOT_FOUND, tags=["alerts"])
def save_search(request: Request, member_id: MemberId, body: SaveSearchRequest) -> SavedSearch:
    """Save a search for a demo member; its alerts list what is posted from now on."""
    p = _member(request, member_id)
    p.parse(body.query, member_id=member_id)  # an unusable query fails here (422), not at alert time
    try:
        return _store(request).save(member_id, body.query.strip())
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.get("/v1/members/{member_id}/searches", response_model=SavedSearches, responses=NOT_FOUND, tags=["alerts"])
def saved_searches(request: Request, member_id: MemberId) -> SavedSearches:
    _member(request, member_id)
    return SavedSearches(searches=_store(request).list(member_id))


@router.delete("/v1/members/{member_id}/searches/{search_id}", status_code=204, responses=NOT_FOUND, tags=["alerts"])
def delete_search(request: Request, member_id: MemberId, search_id: str) -> Response:
    _member(request, member_id)
    if not _store(request).delete(member_id, search_id):
        raise HTTPException(status_code=404, detail=f"member {member_id!r} has no saved search {search_id!r}")
    return Response(status_code=204)


@router.post("/v1/members/{member_id}/searches/{search_id}/seen", response_model=SavedSearch,
             responses=NOT_FOUND, tags=["alerts"])
def mark_seen(request: Request, member_id: MemberId, search_id: str) -> SavedSearch:
    """The member has seen this search's alerts: later alerts start from now."""
    _member(request, member_id)
    store = _store(request)
    if not store.mark_seen(member_id, search_id):
        raise HTTPException(status_code=404, detail=f"member {member_id!r} has no saved search {search_id!r}")
    return next(s for s in store.list(member_id) if s.id == search_id)


@router.get("/v1/members/{member_id}/alerts", response_model=Alerts, responses=NOT_FOUND, tags=["alerts"])
def alerts(request: Request, member_id: MemberId) -> Alerts:
    """Per saved search, the postings that match it (strong matches when grades exist)
    and were posted after it was last seen."""
    p = _member(request, member_id)
    out = []
    for s in _store(request).list(member_id):
        found = p.search(s.query, member_id=member_id, k=ALERT_DEPTH, max_per_company=0)
        new = [r for r in found.results if _is_new(r, s.last_seen_at)]
        out.append(Alert(search=s, new=sorted(new, key=lambda r: r.posted_at, reverse=True)))
    return Alerts(member_id=member_id, alerts=out)


def _is_new(r: SearchResult, since: datetime) -> bool:
    return r.posted_at > since and (r.match is None or r.match in STRONG_GRADES)


@router.get("/demo/companies/{company_id}/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def demo_apply(request: Request, company_id: str, job_id: JobId) -> HTMLResponse:
    """Where a generated posting's Apply link leads: a stand-in for the employer's site."""
    try:
        p = _pipeline(request).job(job_id)
    except KeyError as exc:
        raise HTTPException(status_code=404, detail=f"no posting with id {job_id!r}") from exc
    if p.company.id != company_id:
        raise HTTPException(status_code=404, detail=f"posting {job_id!r} is not at company {company_id!r}")
    title, company = html.escape(p.title), html.escape(p.company.name)
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Apply: {title} at {company}</title></head><body>"
        f"<main><h1>{title}</h1><p>{company}: careers (demo)</p>"
        "<p>This corpus is generated, so this page stands in for the employer's application form. "
        "Postings you ingest keep their own apply links.</p>"
        '<p><a href="/">Back to search</a></p></main></body></html>'
    )
    return HTMLResponse(body, headers={"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"})
