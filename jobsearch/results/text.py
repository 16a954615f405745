"""Plain-text rendering of answers for the command line (`jobsearch search`, `jobsearch
show`): strong matches first, then related jobs under a divider, the relaxations when
nothing strong was found, and the refinement chips, worded as the page words them."""

from __future__ import annotations

from datetime import UTC, datetime

from jobsearch.explain import format_salary, posted_ago
from jobsearch.schema import JobDetail, SearchResponse, SearchResult
from jobsearch.stages import STRONG_GRADES

RELATED = "— related jobs: weaker matches, they pass your filters but may not be what you asked for —"


def _line(r: SearchResult, now: datetime) -> str:
    pay = format_salary(r.salary) if r.salary else "pay not stated"
    grade = f"[{r.match}] " if r.match else f"{r.score:6.3f}  "
    similar = f" (+{r.similar_count} similar)" if r.similar_count else ""
    return (f"{grade}{r.title} — {r.company.name} — {r.location} ({r.workplace}) — {pay} — "
            f"{posted_ago(r.posted_at, now).lower()}{similar}")


def search_lines(response: SearchResponse, *, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    out = [_counts(response)]
    graded = response.total_strong is not None
    divider_done = not graded
    if graded and response.total_strong == 0 and response.results:
        out.append("No strong match for this search; these pass your filters but are weaker matches.")
        divider_done = True
    for r in response.results:
        if not divider_done and r.match not in STRONG_GRADES:
            out.append(RELATED)
            divider_done = True
        out.append(_line(r, now))
    if response.empty_reason:
        out.append(response.empty_reason)
    for rx in response.relaxations:
        strong = f", {rx.total_strong} strong" if rx.total_strong is not None else ""
        out.append(f"try: {rx.label} ({rx.total_matching} matching{strong}): jobsearch search {rx.query!r}")
    if response.refinements:
        out.append(f"refine ({response.refinements[0].group}):")
        for rf in response.refinements:
            n = f"{rf.count:,} left" if rf.count_scope == "filtered" else f"in {rf.count:,} here"
            out.append(f"  {rf.label} [{n}]: jobsearch search {rf.query!r}")
    if response.ranking_note:
        out.append(f"note: {response.ranking_note}")
    if response.searchable:
        s = response.searchable
        out.append(f"note: searched {s.indexed:,} of {s.total:,} postings; the rest are still being indexed")
    return out


def _counts(response: SearchResponse) -> str:
    total = f"{response.total_matching} postings pass every filter"
    if response.total_strong is not None:
        about = "" if response.total_strong_exact else "at least "
        total += f", {about}{response.total_strong} strong matches"
    return f"{total}; showing {len(response.results)}"


def job_lines(job: JobDetail, *, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    pay = format_salary(job.salary) if job.salary else "pay not stated"
    agency = " (staffing agency)" if job.company.type == "staffing" else ""
    lines = [
        job.title,
        f"{job.company.name}{agency} — {'; '.join(job.places)} — {job.workplace}",
        f"{pay} — {job.seniority} — {job.employment_type.replace('_', '-')}",
        f"{posted_ago(job.posted_at, now)} ({job.posted_at.isoformat()})",
    ]
    if job.skills:
        lines.append("skills: " + ", ".join(job.skills))
    if job.apply_url:
        lines.append(f"apply: {job.apply_url}")
    return [*lines, "", job.description]
