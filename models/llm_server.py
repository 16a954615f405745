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


def openai_app(title: str, model_name: str, answer: Any, *, fail_first: int = 0, delay_s: float = 0.0) -> Any:
    """FastAPI app with GET /v1/models and POST /v1/chat/completions for one model: counts
    requests (`app.state.requests`), answers 503 to the first `fail_first` (client retries),
    404 to another model name, waits `delay_s`, then returns `answer(body)` (a chat
    completion, see `reply`)."""
    from fastapi import FastAPI, HTTPException

    app = FastAPI(title=title)
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
        if delay_s:
            time.sleep(delay_s)
        return answer(body)

    return app


def reply(model: str, message: dict[str, Any], *, finish: str = "stop") -> dict[str, Any]:
    """One chat completion carrying `message`."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def policy_model_app(grader: Any, *, model_name: str = "jobsearch-policy", fail_first: int = 0) -> Any:
    """The policy grader as an OpenAI-compatible model (see `openai_app`): a user message
    holding a grading batch gets the grades as JSON."""
    from fastapi import HTTPException

    def answer(body: dict[str, Any]) -> dict[str, Any]:
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
        grades = {"grades": [{"job_id": j, "grade": int(graded.grades[i]), "reason": "; ".join(graded.reasons(i))}
                             for i, j in enumerate(job_ids)]}
        return reply(model_name, {"role": "assistant", "content": json.dumps(grades)})

    return openai_app("jobsearch policy grader (OpenAI-compatible)", model_name, answer, fail_first=fail_first)
