"""An OpenAI-compatible chat server whose "LLM" is the project's own query tagger, speaking
tool calling: on a query it calls resolve_place / resolve_company / lookup_occupation for the
spans it tags (and member_connections for "where I know someone"), then answers the
constraint JSON of `jobsearch.query.llm_engine` from the tool results. It lets the LLM query
engine be tested over real HTTP on loopback, and is a stand-in endpoint for teams without an
LLM. Knobs make it misbehave on purpose: fail_first (HTTP 503), delay_s, garbage answers."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from jobsearch.models.llm_server import openai_app, reply

_CONNECTION = re.compile(r"\b(connections?|know (someone|people|somebody))\b", re.I)
_TOOL_FOR = {"place": "resolve_place", "xplace": "resolve_place", "company": "resolve_company",
             "xcompany": "resolve_company", "role": "lookup_occupation"}


def tagger_model_app(tagger: Any, *, model_name: str = "jobsearch-tagger", fail_first: int = 0,
                     delay_s: float = 0.0, garbage: bool = False) -> Any:
    """FastAPI app with POST /v1/chat/completions (tools) and GET /v1/models.
    `app.state.requests` counts chat requests; `app.state.tool_calls` lists the calls made."""
    from fastapi import HTTPException

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        users = [m for m in messages if m.get("role") == "user"]
        if not users:
            raise HTTPException(status_code=400, detail="no user message")
        try:
            ask = json.loads(users[-1]["content"])
            text, member = str(ask["query"]), bool(ask.get("member"))
        except (KeyError, TypeError, ValueError) as exc:
            raise HTTPException(status_code=400, detail=f"user message is not a query: {exc}") from exc
        if garbage:
            return reply(model_name, {"role": "assistant", "content": "Sure! Here are some jobs you might like."})
        tagged = tagger.tag(text)
        results = {m["tool_call_id"]: json.loads(m["content"]) for m in messages if m.get("role") == "tool"}
        if not results and body.get("tools"):
            calls = _calls(tagged, text, member)
            if calls:
                app.state.tool_calls += [c["function"]["name"] for c in calls]
                return reply(model_name, {"role": "assistant", "content": None, "tool_calls": calls},
                              finish="tool_calls")
        asked = {c["id"]: c for m in messages if m.get("role") == "assistant" for c in m.get("tool_calls") or []}
        return reply(model_name, {"role": "assistant", "content": json.dumps(_answer(tagged, asked, results))})

    app = openai_app("jobsearch query tagger (OpenAI-compatible, tool calling)", model_name, answer,
                     fail_first=fail_first, delay_s=delay_s)
    app.state.tool_calls = []
    return app


def _calls(tagged: Any, text: str, member: bool) -> list[dict[str, Any]]:
    calls = []
    for s in tagged.spans:
        tool = _TOOL_FOR.get(s.kind)
        if tool:
            arg = "title" if tool == "lookup_occupation" else "name"
            calls.append(_call(tool, {arg: s.text}, f"{s.kind}:{s.start}"))
    if member and _CONNECTION.search(text):
        calls.append(_call("member_connections", {}, "connections"))
    return calls


def _call(name: str, args: dict[str, Any], tag: str) -> dict[str, Any]:
    return {"id": f"call_{tag}_{uuid.uuid4().hex[:6]}", "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)}}


def _answer(tagged: Any, asked: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """Constraints from the tagged spans; IDs from what the tools said about each span; the
    semantic text from the role and skill words (a real LLM would also translate them)."""
    by_span = {cid.split("_")[1]: results.get(cid, {}) for cid in asked}
    constraints, meaning = [], []
    for s in tagged.spans:
        got = by_span.get(f"{s.kind}:{s.start}", {})
        if s.kind in ("role", "skill"):
            meaning.append(s.text)
        elif s.kind != "period" and s.kind != "schedule":
            ids = [i for v in got.values() if isinstance(v, list) for i in v]
            constraints.append({"kind": s.kind, "text": s.text, **({"ids": ids} if ids else {})})
    return {"semantic_text": " ".join(meaning), "constraints": constraints}


