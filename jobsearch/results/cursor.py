"""The cursor of the next page: an opaque token carrying the offset, the sort and what it
belongs to (a digest of the search, the index version), so a cursor is never applied to
another search or to a changed index, where "next" would repeat or skip postings."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from jobsearch.errors import BadQueryError

MAX_OFFSET = 1000  # deep enough for people; beyond it, a narrower query serves better


@dataclass(frozen=True)
class Cursor:
    offset: int
    sort: str
    search: str  # digest of the search it continues
    version: str | None  # index version it was made on


def search_digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:16]


def encode_cursor(c: Cursor) -> str:
    raw = json.dumps({"o": c.offset, "s": c.sort, "q": c.search, "v": c.version}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, *, sort: str, search: str, version: str | None) -> Cursor:
    """Read a cursor for this search, or BadQueryError saying why it does not apply."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        c = Cursor(int(data["o"]), str(data["s"]), str(data["q"]), data["v"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadQueryError("cursor is not one this service made; pass the next_cursor of a response") from exc
    if not 0 <= c.offset <= MAX_OFFSET:
        raise BadQueryError(f"cursor offset {c.offset} is outside 0..{MAX_OFFSET}")
    if c.search != search or c.sort != sort:
        raise BadQueryError("cursor belongs to another search (query, member, removals or sort differ)")
    if c.version != version:
        raise BadQueryError("the index changed since this cursor was made; start the search again")
    return c

