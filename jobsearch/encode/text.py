"""The text a posting is embedded from. One function, used by the index builder and by the
teacher, so the retriever is trained and served on the same view of a posting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jobsearch.errors import InvalidPostingError

# ~110 tokens of description: with title, company and skills it fills max_length 128 and
# keeps the opening of the description, where postings say what the job is.
DESCRIPTION_CHARS = 600
MAX_SKILLS = 12
_SPACE = re.compile(r"\s+")


def posting_text(row: Mapping[str, object]) -> str:
    """`"<title> at <company>. Skills: a, b. <first part of the description>"`.

    `row` is a posting in the flat POSTINGS_SCHEMA form of `jobsearch.corpus.table`. Only
    the meaning of the job goes in; place, pay, workplace and dates are strict filters."""
    if not isinstance(row, Mapping):
        raise InvalidPostingError(f"posting_text() takes a row mapping, got {type(row).__name__}")
    title = _clean(row.get("title"))
    if not title:
        raise InvalidPostingError(f"posting {row.get('job_id')!r} has no title")
    parts = [title]
    company = _clean(row.get("company_name"))
    if company:
        parts[0] = f"{title} at {company}"
    raw = row.get("skills")
    # a list from pyarrow, a numpy array from pandas, or one skill as a bare string
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, Iterable) else []
    skills = [_clean(s) for s in items][:MAX_SKILLS]
    skills = [s for s in skills if s]
    if skills:
        parts.append("Skills: " + ", ".join(skills))
    description = _clean(row.get("description"))
    if description:
        parts.append(_head(description, DESCRIPTION_CHARS))
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _clean(value: object) -> str:
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _head(text: str, limit: int) -> str:
    """The first `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut
