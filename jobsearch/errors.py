"""Domain errors, in one place. The HTTP layer maps them to status codes through one table
(`jobsearch.api`), the CLI to a message and exit code, the operator to kopf errors."""

from __future__ import annotations


class JobSearchError(Exception):
    """Base of every error this package raises on purpose."""


class BadQueryError(JobSearchError):
    """The query text or its parameters are unusable (empty, too long, k out of range)."""


class UnknownMemberError(JobSearchError):
    """A member id that the member store does not know."""


class InvalidPostingError(JobSearchError):
    """A posting row fails the schema."""


class IndexNotFoundError(JobSearchError):
    """No shard set where one was expected (run `jobsearch index build`)."""


class IndexMismatchError(IndexNotFoundError):
    """An index built with another encoder than the one that would encode the queries."""


class CorruptShardSetError(JobSearchError):
    """A shard set fails verification (manifest, checksums, row counts, recall)."""


class ModelNotFoundError(JobSearchError):
    """An exported model is missing (run `jobsearch models export`)."""


class RankerUnavailableError(JobSearchError):
    """The ranker failed or ran past its time budget; the pipeline answers in retrieval
    order and says so. `reason` is a metric label: "timeout" or "error"."""

    def __init__(self, message: str, *, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


class IndexRootBusyError(JobSearchError):
    """Another operation holds the index root's lock (build publish, activate, rollback, gc)
    for longer than the caller would wait."""


class StorageFullError(JobSearchError):
    """The disk under the data home or index is full; nothing was changed."""


class OverloadedError(JobSearchError):
    """The server is at its in-flight and queue limits; retry after `retry_after_s`."""

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SearchAbandonedError(OverloadedError):
    """A search stopped between stages because its caller asked it to (the client left or
    its deadline passed): `stage` names the stage it did not start."""

    def __init__(self, message: str, *, stage: str) -> None:
        super().__init__(message)
        self.stage = stage


class BadFeedbackError(JobSearchError):
    """Feedback that no served answer vouches for: unsigned, expired or forged query id, or
    a job the answer did not contain."""


class NotAuthorizedError(JobSearchError):
    """The request acts for a member it cannot prove (no valid member token), or asks for
    something only demo mode offers (the open member list)."""


class RateLimitedError(JobSearchError):
    """One client sent more than its share (e.g. feedback events); retry later."""


class BadRequestError(JobSearchError):
    """A request to a stage is malformed: a missing or mistyped input tensor, JSON that does
    not parse, an unknown operation. (Bad query *content* is BadQueryError.)"""


class RemoteStageError(JobSearchError):
    """A remote stage (KServe model server, Triton) is unreachable, failed, or could not
    answer from one shard-set version: retryable, so 503 with Retry-After end to end."""

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RemoteStageTimeoutError(RemoteStageError):
    """A remote stage did not answer within its per-stage timeout (504)."""


class InvalidSpecError(JobSearchError):
    """A custom resource's spec that no retry can fix (the operator raises
    kopf.PermanentError for it, the HTTP table would answer 422)."""
