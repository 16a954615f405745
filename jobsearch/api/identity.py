"""Who is asking, and which answer a piece of feedback belongs to: HMAC-signed tokens.

- A query id (`X-Query-Id` on every search answer) carries when it was issued and a short
  hash of every job id the answer contained, signed with the server's secret. Feedback is
  accepted only with a valid, unexpired id and only for a job that answer contained, so a
  click cannot be invented for an answer nobody got. Stateless: replicas that share the
  secret accept each other's ids.
- A member token (`Authorization: Bearer ...`) names the member a request acts for; a
  trusted gateway may instead set a configured header. Outside demo mode these are the only
  ways to search as a member.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jobsearch.errors import BadFeedbackError, NotAuthorizedError

QUERY_ID_VERSION = 1
JOB_HASH_BYTES = 4  # 100 jobs -> 400 bytes; a forged id collides with odds ~k / 2^32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_secret() -> bytes:
    """A per-process secret: ids it signs stop verifying when the process restarts."""
    return os.urandom(32)


@dataclass(frozen=True)
class Signer:
    """HMAC-SHA256 over a payload; `purpose` separates query ids from member tokens, so
    one can never be replayed as the other."""

    secret: bytes
    purpose: str

    def sign(self, payload: bytes) -> str:
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def unsign(self, token: str) -> bytes:
        """The payload of a token this signer made; ValueError for anything else."""
        body, sep, mac = token.partition(".")
        if not sep or not body or not mac:
            raise ValueError("not a signed token")
        try:
            payload, given = _unb64(body), _unb64(mac)
        except (ValueError, TypeError) as exc:
            raise ValueError("not a signed token") from exc
        if not hmac.compare_digest(given, self._mac(payload)):
            raise ValueError("bad signature")
        return payload

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, self.purpose.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]


def _job_hash(job_id: str) -> bytes:
    return hashlib.blake2b(job_id.encode(), digest_size=JOB_HASH_BYTES).digest()


@dataclass(frozen=True)
class QueryIds:
    """Issues and checks the signed query ids of search answers."""

    secret: bytes
    ttl_s: float = 3600.0

    @property
    def _signer(self) -> Signer:
        return Signer(self.secret, "query-id")

    def issue(self, job_ids: Iterable[str], *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        nonce = os.urandom(6)
        payload = struct.pack(">BI", QUERY_ID_VERSION, issued) + nonce + b"".join(_job_hash(j) for j in job_ids)
        return self._signer.sign(payload)

    def check(self, query_id: str, job_id: str, *, now: float | None = None) -> str:
        """The id's stable key (for de-duplication) if `query_id` is ours, unexpired and its
        answer contained `job_id`; BadFeedbackError saying which check failed otherwise."""
        try:
            payload = self._signer.unsign(query_id)
        except ValueError as exc:
            raise BadFeedbackError(f"query_id is not one this service issued ({exc})") from exc
        head = struct.calcsize(">BI") + 6
        if len(payload) < head or payload[0] != QUERY_ID_VERSION or (len(payload) - head) % JOB_HASH_BYTES:
            raise BadFeedbackError("query_id has an unknown layout")
        (_, issued) = struct.unpack(">BI", payload[: struct.calcsize(">BI")])
        age = (now if now is not None else time.time()) - issued
        if age > self.ttl_s or age < -60:
            raise BadFeedbackError(f"query_id expired ({age:.0f} s old; feedback is accepted for {self.ttl_s:.0f} s)")
        hashes = payload[head:]
        want = _job_hash(job_id)
        if not any(hashes[i : i + JOB_HASH_BYTES] == want for i in range(0, len(hashes), JOB_HASH_BYTES)):
            raise BadFeedbackError(f"job {job_id!r} was not in the answer this query_id belongs to")
        return hashlib.sha256(payload).hexdigest()[:24]


@dataclass(frozen=True)
class MemberAuth:
    """Where a request's member comes from.

    demo: the request body's `member_id` is trusted (the demo's member picker).
    Otherwise: a bearer token made by `token()` with this secret, or, behind a gateway
    that authenticates people and strips the header from client requests, the header
    named by `trusted_header`. A `member_id` in the body must match (or be absent)."""

    secret: bytes
    demo: bool = False
    trusted_header: str | None = None
    token_ttl_s: float = 24 * 3600.0

    @property
    def _signer(self) -> Signer:
        return Signer(self.secret, "member")

    def token(self, member_id: str, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        return self._signer.sign(json.dumps({"m": member_id, "t": issued}, separators=(",", ":")).encode())

    def member_of(self, headers: Mapping[str, str], claimed: str | None, *, now: float | None = None) -> str | None:
        """The member this request may act for (None: anonymous); NotAuthorizedError when
        the body claims a member the request cannot prove."""
        if self.demo:
            return claimed
        member = self._authenticated(headers, now=now)
        if claimed is not None and claimed != member:
            raise NotAuthorizedError(
                "member_id in the body is accepted only in demo mode; send a member token "
                "(Authorization: Bearer ...) or come through the gateway"
                if member is None
                else "member_id in the body differs from the authenticated member"
            )
        return member

    def _authenticated(self, headers: Mapping[str, str], *, now: float | None) -> str | None:
        if self.trusted_header:
            value = headers.get(self.trusted_header.lower())
            if value:
                return value.strip()
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            data = json.loads(self._signer.unsign(token.strip()))
            member, issued = str(data["m"]), float(data["t"])
        except (ValueError, KeyError, TypeError) as exc:
            raise NotAuthorizedError("the member token is not one this service issued") from exc
        if (now if now is not None else time.time()) - issued > self.token_ttl_s:
            raise NotAuthorizedError("the member token expired; get a new one")
        return member


class RateLimiter:
    """Token buckets per client key (bounded: the least recently seen clients are
    forgotten first). `allow()` is False once a client spends its burst faster than `rate`."""

    def __init__(self, rate_per_s: float, burst: float, *, max_clients: int = 10_000) -> None:
        self.rate, self.burst, self.max_clients = rate_per_s, burst, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, *, now: float | None = None) -> bool:
        t = now if now is not None else time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, t))
            tokens = min(self.burst, tokens + (t - last) * self.rate)
            ok = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if ok else tokens, t)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return ok
