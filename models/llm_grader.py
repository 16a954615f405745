"""The LLM-grader backend: the grading policy as a prompt, sent to any OpenAI-compatible
/v1/chat/completions endpoint (a KServe-hosted LLM in a real deployment) with a JSON-schema
answer; batched, retried, cached, and checked against the policy grader."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.intent import QueryIntent
from jobsearch.models.jobtable import JobTable
from jobsearch.models.llm_prompt import (
    PROMPT_VERSION,
    RESPONSE_SCHEMA,
    SYSTEM_PROMPT,
    parse_answer,
    user_message,
)

from jobsearch.errors import JobSearchError
from jobsearch.query.llm_client import RETRY_STATUS, ChatClient, ChatClientError, ChatRefused
from jobsearch.schema import Member

__all__ = ["RETRY_STATUS", "GradeCache", "LLMGraded", "LLMGrader", "LLMGraderError", "agreement_with_policy"]


class LLMGraderError(JobSearchError):
    """The endpoint kept failing or kept answering outside the schema."""


@dataclass
class LLMGraded:
    grades: np.ndarray  # int8 per job, in the order asked
    reason_texts: list[str]

    def reasons(self, i: int) -> list[str]:
        return [self.reason_texts[i]]


class GradeCache:
    """(model, prompt version, query, job) -> (grade, reason) in SQLite, so re-grading a
    query set costs nothing and a crashed run resumes."""

    def __init__(self, path: Path | None) -> None:
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS grades (key TEXT PRIMARY KEY, grade INTEGER, reason TEXT)")
        self._lock = threading.Lock()

    @staticmethod
    def key(model: str, intent: QueryIntent, member: Member | None, job_id: str) -> str:
        raw = json.dumps([model, PROMPT_VERSION, intent.model_dump(mode="json"),
                          member.model_dump(mode="json") if member else None, job_id], sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
        with self._lock:
            out: dict[str, tuple[int, str]] = {}
            for k in keys:
                row = self._db.execute("SELECT grade, reason FROM grades WHERE key = ?", (k,)).fetchone()
                if row:
                    out[k] = (int(row[0]), str(row[1]))
            return out

    def put(self, items: dict[str, tuple[int, str]]) -> None:
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO grades VALUES (?, ?, ?)",
                                 [(k, g, r) for k, (g, r) in items.items()])


class LLMGrader:
    """grade(intent, job_ids) -> LLMGraded, like the policy grader.

    base_url: the server root, e.g. http://127.0.0.1:8080 (the path /v1/chat/completions is
    appended). batch_size: jobs per request. max_retries: extra attempts per request on
    429/5xx, timeouts and answers outside the schema, with exponential backoff from
    `backoff_s`. concurrency: requests in flight at once."""

    def __init__(
        self,
        base_url: str,
        model: str,
        jobs: JobTable,
        *,
        members: dict[str, Member] | None = None,
        api_key: str | None = None,
        batch_size: int = 10,
        max_retries: int = 3,
        backoff_s: float = 0.2,
        timeout_s: float = 60.0,
        concurrency: int = 4,
        cache_path: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"expected batch_size >= 1, got {batch_size}")
        self.client = ChatClient(base_url, model, api_key=api_key, timeout_s=timeout_s, max_retries=max_retries,
                                 backoff_s=backoff_s)
        self.url = self.client.url
        self.model = model
        self.jobs = jobs
        self.members = members or {}
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.cache = GradeCache(cache_path)

    @property
    def requests_sent(self) -> int:
        return self.client.requests_sent

    @property
    def retries(self) -> int:
        return self.client.retries

    def close(self) -> None:
        self.client.close()

    def job_record(self, job_id: str) -> dict[str, Any]:
        """What the judge sees of a job: the structured fields plus the text."""
        j, i = self.jobs, self.jobs.row_of[job_id]
        return {
            "job_id": job_id,
            "occupation_code": j.occupation_code[i],
            "text": j.text(i)[:1500],
            "location_ids": j.locations.row(i),
            "industry_naics": str(j.industry_naics[i]),
            "company_id": str(j.company_id[i]),
        }

    def _request(self, intent: QueryIntent, member: Member | None, job_ids: list[str]) -> dict[str, tuple[int, str]]:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_message(intent, member, [self.job_record(j) for j in job_ids])},
        ]
        try:
            return self.client.complete(
                messages,
                response_format={"type": "json_schema", "json_schema": RESPONSE_SCHEMA},
                parse=lambda message: parse_answer(message["content"], job_ids),
            )
        except ChatRefused as exc:  # a 4xx other than the retryable ones: our bug
            raise LLMGraderError(str(exc)) from exc
        except ChatClientError as exc:
            raise LLMGraderError(str(exc)) from exc.__cause__ or exc

    def grade(self, intent: QueryIntent, job_ids: Sequence[str]) -> LLMGraded:
        ids = list(job_ids)
        member = self.members.get(intent.member_id or "")
        keys = [GradeCache.key(self.model, intent, member, j) for j in ids]
        cached = self.cache.get(keys)
        todo = [j for j, k in zip(ids, keys, strict=True) if k not in cached]
        batches = [todo[i : i + self.batch_size] for i in range(0, len(todo), self.batch_size)]
        fresh: dict[str, tuple[int, str]] = {}
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            for answer in pool.map(lambda b: self._request(intent, member, b), batches):
                fresh.update(answer)
        self.cache.put({GradeCache.key(self.model, intent, member, j): v for j, v in fresh.items()})
        got = [cached[k] if k in cached else fresh[j] for j, k in zip(ids, keys, strict=True)]
        return LLMGraded(np.array([g for g, _ in got], dtype=np.int8), [r for _, r in got])


def agreement_with_policy(
    llm: LLMGrader, policy: Any, items: Sequence[tuple[QueryIntent, Sequence[str]]]
) -> dict[str, object]:
    """Grade every (intent, job ids) with both graders; exact/within-one agreement, QWK and
    the confusion matrix of LLM (rows) vs policy (columns)."""
    from jobsearch.models.relevance_metrics import agreement_report
    from tqdm import tqdm

    a: list[int] = []
    b: list[int] = []
    for intent, ids in tqdm(items, desc="llm vs policy", unit="query", leave=False):
        a += llm.grade(intent, ids).grades.tolist()
        b += policy.grade(intent, ids).grades.tolist()
    return agreement_report(a, b)
