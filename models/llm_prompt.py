"""The LLM judge's instructions and answer schema: the grading policy condensed into a
system prompt, and one user message per batch of jobs (JSON, so a serving shim or a
human can read it back)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from jobsearch.models.intent import QueryIntent

from jobsearch.schema import Member

PROMPT_VERSION = "policy-v1/1"

SYSTEM_PROMPT = """You grade job postings for a job-search query, following the jobsearch grading policy (policy-v1).
Grades: 4 Excellent, 3 Good, 2 Fair, 1 Poor, 0 Bad.
Rules, in order:
1. A job that violates ANY strict filter of the query is 0 (Bad), however good otherwise. Strict filters:
   places (any job place in the asked places or countries), workplace, minimum remote share, minimum pay
   (the top of the posted range, as annual USD, must reach the floor; no stated pay fails), posted within N days
   (from the newest posting), excluded company types (e.g. staffing), required or excluded companies,
   seniority and employment type when given as filters.
2. Role: same occupation (detailed SOC code) starts at 4; same broad occupation at 3; adjacent (same SOC minor
   group, or a manager of the role, or a close specialism) at 2, or 3 with half the asked skills; same SOC major
   group at 1; unrelated at 0, or 1 if it lists half the asked skills or is clearly on topic.
3. Skill-led queries (skills, no role): share of asked skills listed: >= 2/3 -> 4, >= 1/2 -> 3, any -> 2, none -> 0.
4. Demote a role match one grade for each shortfall: none of the asked skills; seniority one rung away (two or more
   rungs: two grades); an asked mission the employer does not serve. Never below 1 for a related role.
5. Personalised queries take role, skills and seniority from the member profile when the text does not say them.
Answer only with JSON matching the schema: one entry per job id, grade 0-4 and a short reason."""

RESPONSE_SCHEMA: dict[str, Any] = {
    "name": "job_grades",
    "strict": True,
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "required": ["grades"],
        "properties": {
            "grades": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["job_id", "grade", "reason"],
                    "properties": {
                        "job_id": {"type": "string"},
                        "grade": {"type": "integer", "minimum": 0, "maximum": 4},
                        "reason": {"type": "string"},
                    },
                },
            }
        },
    },
}


def user_message(intent: QueryIntent, member: Member | None, jobs: Sequence[dict[str, Any]]) -> str:
    """The batch as JSON: the query with its structured intent, the member, the jobs."""
    return json.dumps(
        {
            "query": intent.model_dump(mode="json"),
            "member": member.model_dump(mode="json") if member else None,
            "jobs": list(jobs),
        },
        sort_keys=True,
    )


def parse_answer(content: str, job_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """{job_id: (grade, reason)} from the model's JSON; ValueError when it is not the schema
    or misses a job (the caller retries)."""
    try:
        data = json.loads(content)
        items = data["grades"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"expected JSON with a 'grades' list, got {content[:200]!r}") from exc
    out: dict[str, tuple[int, str]] = {}
    for item in items:
        grade = item.get("grade") if isinstance(item, dict) else None
        if not isinstance(grade, int) or not 0 <= grade <= 4:
            raise ValueError(f"expected an integer grade 0-4, got {item!r}")
        out[str(item.get("job_id"))] = (grade, str(item.get("reason", "")))
    missing = [j for j in job_ids if j not in out]
    if missing:
        raise ValueError(f"expected grades for {len(job_ids)} jobs, missing {missing[:5]}")
    return out
