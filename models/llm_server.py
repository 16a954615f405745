"""A tiny OpenAI-compatible chat server that serves the policy grader as a "model". It
lets the LLM-grader backend be tested end to end over real HTTP on loopback, and gives
teams without an LLM a stand-in endpoint with the same wire format."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from jobsearch.models.intent import QueryIntent


def policy_model_app(grader: Any, *, model_name: str = "jobsearch-policy", fail_first: int = 0) -> Any:
    """FastAPI app with POST /v1/chat/completions and GET /v1/models.

    fail_first: answer HTTP 503 to that many requests first (to exercise client retries).
    `app.state.requests` counts the chat requests received."""
    from fastapi import FastAPI, HTTPException

    app = FastAPI(title="jobsearch policy grader (OpenAI-compatible)")
    app.state.requests = 0
    lock = threading.Lock()

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": model_name, "object": "model", "owned_by": "jobsearch"}]}

    @app.post("/v1/chat/completions")
    def chat(body: dict[str, Any]) -> dict[str, Any]:
        with lock:
            app.state.requests += 1
            n = app.state.requests
        if n <= fail_first:
            raise HTTPException(status_code=503, detail="warming up")
        if body.get("model") != model_name:
            raise HTTPException(status_code=404, detail=f"model {body.get('model')!r} not served; try {model_name!r}")
        fmt = (body.get("response_format") or {}).get("type")
        if fmt != "json_schema":
            raise HTTPException(status_code=400, detail=f"expected response_format json_schema, got {fmt!r}")
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        try:
            payload = json.loads(users[-1]["content"])
            intent = QueryIntent.model_validate(payload["query"])
            job_ids = [j["job_id"] for j in payload["jobs"]]
        except (IndexError, KeyError, ValueError) as exc:
            raise HTTPException(status_code=400, detail=f"user message is not a grading batch: {exc}") from exc
        graded = grader.grade(intent, job_ids)
        answer = {"grades": [{"job_id": j, "grade": int(graded.grades[i]), "reason": "; ".join(graded.reasons(i))}
                             for i, j in enumerate(job_ids)]}
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model_name,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(answer)}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    return app
