"""A query engine backed by an LLM behind any OpenAI-compatible endpoint (a KServe-hosted
model in a deployment), speaking tool calling. The LLM reads the query, may call tools
(resolve_place, resolve_company, member_connections, pay_statistics, lookup_occupation),
and answers which phrases of the text are constraints of which kind, plus an English
semantic text. It never sets a filter by itself:

- every phrase it names must occur in the query text, and is resolved by the same
  deterministic resolvers as the rules (`jobsearch.query.hybrid.CUES`); IDs it picks must be
  among what those resolvers or its tool results gave for that phrase;
- its filters only ever narrow the local engine's parse (a field the local engine set can
  be narrowed, never widened or dropped);
- on a timeout, an HTTP failure or an unreadable answer the local engine's parse is the answer.

The tool schemas and the answer schema live here; `models/tagger_llm_server.py` is a loopback
server that drives this protocol with the project's own query model."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from jobsearch.query.hybrid import CUES, _merge
from jobsearch.query.llm_client import ChatClient, ChatClientError
from jobsearch.query.text import fold
from jobsearch.schema import Filters, Member, ParsedQuery

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You turn a job-search query into constraints. Call tools to check names \
(places, companies, occupations) and the member's connections. Then answer with JSON only:
{"semantic_text": "<the role, skills and domain in English>",
 "constraints": [{"kind": "<place|xplace|company|xcompany|pay|recency|workplace|office_days|seniority|emptype>",
                  "text": "<the exact words of the query>", "ids": ["<optional: ids a tool returned>"]}]}
Name only constraints the query states; copy their words exactly from the query."""

ANSWER_KINDS = tuple(CUES)


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": properties, "required": required, "additionalProperties": False}}}


TOOLS: list[dict[str, Any]] = [
    _tool("resolve_place", "GeoNames IDs and country codes for a place name as written in the query.",
          {"name": {"type": "string"}}, ["name"]),
    _tool("resolve_company", "Company IDs of the served postings for a company name.",
          {"name": {"type": "string"}}, ["name"]),
    _tool("member_connections", "Company IDs where the searching member has connections.", {}, []),
    _tool("pay_statistics", "Annual USD pay percentiles (median, p75, p90) for an occupation and place.",
          {"occupation": {"type": "string"}, "place": {"type": "string"}}, ["occupation"]),
    _tool("lookup_occupation", "The O*NET occupation (code, title) a job title means.",
          {"title": {"type": "string"}}, ["title"]),
]


class QueryTools:
    """The tools' implementations: thin wrappers around the rule engine's resolvers."""

    def __init__(self, rules: Any, members: Mapping[str, Member], paystats: Any = None) -> None:
        self.rules = rules
        self.members = members
        self.paystats = paystats

    def call(self, name: str, args: dict[str, Any], member_id: str | None) -> dict[str, Any]:
        if name == "resolve_place":
            return self._resolve("place", str(args["name"]), ("location_ids", "country_codes"))
        if name == "resolve_company":
            return self._resolve("company", str(args["name"]), ("company_ids",))
        if name == "member_connections":
            member = self.members.get(member_id or "")
            if member is None:
                return {"error": "no member is signed in"}
            return {"company_ids": sorted(member.connection_company_ids)}
        if name == "lookup_occupation":
            from jobsearch.taxonomy.occupations import match_occupation

            occ = match_occupation(str(args["title"]))
            return {"code": occ.code, "title": occ.title} if occ else {"error": "no occupation matches"}
        if name == "pay_statistics":
            return self._pay(str(args["occupation"]), str(args.get("place") or ""))
        raise KeyError(f"unknown tool {name!r}")

    def _resolve(self, kind: str, name: str, fields: tuple[str, ...]) -> dict[str, Any]:
        sub = self.rules.parse(CUES[kind][0].format(name))
        # "unknown:<name>" is the rules' marker for a name the served postings lack
        got = {f: [v for v in getattr(sub.filters, f) if not str(v).startswith("unknown:")] for f in fields}
        got = {f: v for f, v in got.items() if v}
        return {"name": name, **got} if got else {"name": name, "error": "not found in the served postings"}

    def _pay(self, occupation: str, place: str) -> dict[str, Any]:
        from jobsearch.taxonomy.occupations import match_occupation

        if self.paystats is None:
            return {"error": "no pay statistics for this index"}
        occ = match_occupation(occupation)
        where = self._resolve("place", place, ("location_ids", "country_codes")) if place else {}
        out = {}
        for stat in ("median", "p75", "p90"):
            usd = self.paystats.annual_usd(stat, occupation_code=occ.code if occ else None,
                                           location_ids=list(where.get("location_ids", [])),
                                           country_codes=list(where.get("country_codes", [])))
            if usd is not None:
                out[stat] = round(float(usd), -2)
        return out or {"error": "no statistics for this occupation and place"}


class LLMQueryEngine:
    """`QueryEngine` over an OpenAI-compatible tool-calling endpoint, with `local` (the rule
    or hybrid engine) as the floor of every answer and the fallback."""

    def __init__(self, client: ChatClient, local: Any, *, tools: QueryTools | None = None,
                 timeout_s: float = 3.0, max_turns: int = 4) -> None:
        self.client = client
        self.local = local
        rules = getattr(local, "rules", local)
        self.tools = tools or QueryTools(rules, getattr(rules, "members", {}) or {}, getattr(rules, "paystats", None))
        self.timeout_s = timeout_s
        self.max_turns = max_turns
        self.model_id = f"llm:{client.model}"
        self.fallbacks = 0
        self.last_fallback: str | None = None

    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        local = self.local.parse(text, member_id)  # validates text and member; the floor
        try:
            answer, seen = self._converse(local.text, member_id)
            return self._apply(local, answer, seen, member_id)
        except (ChatClientError, ValueError, KeyError, TypeError) as exc:
            self.fallbacks += 1
            self.last_fallback = f"{type(exc).__name__}: {exc}"
            log.warning("LLM query engine fell back to the local parse: %s", self.last_fallback)
            return local

    def _converse(self, text: str, member_id: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Chat until the model answers (tool results gathered on the way)."""
        deadline = time.monotonic() + self.timeout_s
        user = json.dumps({"query": text, "member": bool(member_id)})
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT},
                                          {"role": "user", "content": user}]
        seen: list[dict[str, Any]] = []
        for _ in range(self.max_turns):
            message = self.client.complete(messages, tools=TOOLS, deadline=deadline)
            calls = message.get("tool_calls") or []
            if not calls:
                return _answer(message.get("content")), seen
            messages.append({"role": "assistant", "content": message.get("content"), "tool_calls": calls})
            for call in calls:
                fn = call["function"]
                args = json.loads(fn.get("arguments") or "{}")
                if not isinstance(args, dict):
                    raise ValueError(f"tool arguments of {fn['name']} are not an object")
                result = self.tools.call(fn["name"], args, member_id)
                seen.append({"tool": fn["name"], "args": args, "result": result})
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
        raise ValueError(f"no answer after {self.max_turns} turns")

    def _apply(self, local: ParsedQuery, answer: dict[str, Any], seen: list[dict[str, Any]],
               member_id: str | None) -> ParsedQuery:
        """Local filters narrowed by the answer's resolvable, grounded constraints."""
        text_f = fold(local.text)
        filters = local.filters.model_dump()
        constraints = [dict(c) for c in local.constraints]
        for item in answer.get("constraints", []):
            kind, phrase = item.get("kind"), str(item.get("text") or "")
            if kind not in CUES or not phrase.strip() or fold(phrase) not in text_f:
                continue  # not a constraint kind, or words the query does not contain
            sub = self.local_rules.parse(CUES[kind][0].format(phrase), member_id)
            proposal = sub.filters.model_dump()
            picked = [str(i) for i in item.get("ids") or []]
            fields = [f for f in CUES[kind][1] if f in filters]
            if picked:  # a choice among what the resolvers / tools returned for this phrase
                known = _ids_for(phrase, seen) | {str(v) for f in fields for v in (proposal.get(f) or [])
                                                  if isinstance(proposal.get(f), list)}
                for f in fields:
                    if isinstance(proposal.get(f), list) and proposal[f]:
                        proposal[f] = [i for i in picked if i in known] or proposal[f]
            changed = _narrow(filters, proposal, fields)
            constraints += [{**c, "span": phrase, "source": "llm"} for c in sub.constraints if c["filter"] in changed]
        meaning = str(answer.get("semantic_text") or "").strip()[:300] or local.semantic_text
        return local.model_copy(update={"filters": Filters.model_validate(filters), "constraints": constraints,
                                        "semantic_text": meaning})

    @property
    def local_rules(self) -> Any:
        return getattr(self.local, "rules", self.local)


def _answer(content: Any) -> dict[str, Any]:
    if not isinstance(content, str):
        raise ValueError("the model's answer has no text")
    body = content.strip()
    if body.startswith("```"):
        body = body.strip("`").removeprefix("json").strip()
    out = json.loads(body)
    if not isinstance(out, dict) or not isinstance(out.get("constraints", []), list):
        raise ValueError("the model's answer is not {semantic_text, constraints}")
    return out


def _ids_for(phrase: str, seen: list[dict[str, Any]]) -> set[str]:
    """IDs the tools returned when asked about this phrase."""
    out: set[str] = set()
    for s in seen:
        asked = " ".join(str(v) for v in s["args"].values())
        if fold(asked) == fold(phrase):
            for v in s["result"].values():
                if isinstance(v, list):
                    out |= {str(x) for x in v}
    return out


def _narrow(filters: dict[str, Any], proposal: dict[str, Any], fields: list[str]) -> list[str]:
    """Apply `proposal` only where it narrows: an empty field is filled; a list the local
    parse set is intersected (kept when the intersection is empty); an exclusion list is
    joined (excluding more narrows); scalars move to the stricter side."""
    changed = []
    for f in fields:
        new, cur = proposal.get(f), filters.get(f)
        if not new:
            continue
        if f.startswith("exclude_"):
            changed += _merge(filters, {f: new}, [f])
        elif cur in (None, [], {}):
            filters[f] = new
            changed.append(f)
        elif isinstance(cur, list):
            inter = [v for v in cur if v in new]
            if inter and inter != cur:
                filters[f] = inter
                changed.append(f)
        elif f == "posted_within_days" and new < cur or f == "min_remote_share" and new > cur or f == "min_salary" and _annual(new) > _annual(cur):
            filters[f] = new
            changed.append(f)
    return changed


def _annual(floor: dict[str, Any]) -> float:
    from jobsearch.taxonomy.currency import to_annual_usd

    if not floor or floor.get("amount") is None:
        return 0.0
    try:
        return to_annual_usd(float(floor["amount"]), floor.get("currency") or "USD", floor.get("period") or "year")
    except KeyError:
        return 0.0
