"""Rules and the learned tagger together. The rule engine parses first and stays the
authority; the tagger's spans catch what it missed (a place it did not read, a company, an
exclusion, a pay idiom in another language). Each missed span is resolved by the *same
deterministic resolvers*: the rule engine parses the span again behind a cue that says what
the tagger thinks it is ("in <span>", "not at <span>"), and only the filters that kind may
set are taken from that parse. The model never invents an ID: a span the resolvers cannot
resolve adds nothing but their own suggestions (did-you-mean, "no postings from X")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jobsearch.query.learned import QueryTagger, TaggedSpan, TaggerOutput
from jobsearch.query.text import normalize_query
from jobsearch.schema import Filters, ParsedQuery

# How a span of each kind is put back to the rule engine, and the filter fields (by name
# part) the answer may fill. Kinds absent here (role, skill, period) are meaning or glue.
CUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "place": ("jobs in {}", ("location_ids", "country_codes")),
    "xplace": ("jobs not in {}", ("exclude_location_ids", "exclude_country_codes")),
    "company": ("jobs at {}", ("company_ids",)),
    "xcompany": ("jobs, not at {}", ("exclude_company_ids", "exclude_company_types")),
    "pay": ("jobs paying at least {}", ("min_salary",)),
    "recency": ("jobs {}", ("posted_within_days",)),
    "workplace": ("{} jobs", ("workplace", "min_remote_share")),
    "office_days": ("hybrid jobs, {}", ("min_remote_share",)),
    "seniority": ("{} jobs", ("seniority",)),
    "emptype": ("{} jobs", ("employment_type",)),
}
# Below this mean tag probability a span is not used; names (a common word read as a town,
# "plain", "mobile") must be surer than the closed-vocabulary kinds.
MIN_SPAN_SCORE = 0.6
MIN_NAME_SCORE = 0.85
_NAMES = frozenset({"place", "xplace", "company", "xcompany"})
_TIDY = re.compile(r"\s+([,;:])|([,;:])(?=\s*[,;:]|$)|^\s*[,;:]\s*")


@dataclass(frozen=True, slots=True)
class HybridParse:
    """A parse and what the tagger added to it (for evaluation and the API's chips)."""

    parsed: ParsedQuery
    tagged: TaggerOutput
    added: tuple[TaggedSpan, ...]


class HybridQueryEngine:
    """`QueryEngine`: a RuleQueryEngine plus a QueryTagger (see the module docstring)."""

    def __init__(self, rules: Any, tagger: QueryTagger, *, min_score: float = MIN_SPAN_SCORE) -> None:
        self.rules = rules
        self.tagger = tagger
        self.min_score = min_score
        self.model_id = f"rules+tagger-{tagger.version}"

    def _floor(self, kind: str) -> float:
        return max(self.min_score, MIN_NAME_SCORE) if kind in _NAMES else self.min_score

    def __getattr__(self, name: str) -> Any:  # companies, members, paystats: the rules' own
        return getattr(self.rules, name)

    def parse(self, text: str, member_id: str | None = None) -> ParsedQuery:
        return self.parse_detailed(text, member_id).parsed

    def parse_detailed(self, text: str, member_id: str | None = None) -> HybridParse:
        parsed = self.rules.parse(text, member_id)  # validates the text and the member
        text = parsed.text if isinstance(parsed.text, str) else normalize_query(text)
        tagged = self.tagger.tag(text)
        claimed = _claimed(text, parsed)
        # Missed = words the rules left as meaning: what they consumed without a chip
        # ("hybrid ok" accepts hybrid, it does not ask for it) is their reading too.
        missed = [s for s in tagged.spans if s.kind in CUES and s.score >= self._floor(s.kind)
                  and not _overlaps(s.start, s.end, claimed) and _in_meaning(s.text, parsed.semantic_text)]
        if not missed:
            return HybridParse(parsed, tagged, ())
        filters = parsed.filters.model_dump()
        constraints = [dict(c) for c in parsed.constraints]
        unresolved = list(parsed.unresolved)
        suggestions = list(parsed.suggestions)
        used: list[TaggedSpan] = []
        for span in missed:
            phrase = _with_period(span, tagged.spans, text)
            sub = self.rules.parse(CUES[span.kind][0].format(_cased(span.kind, phrase)), member_id)
            fields = [f for f in CUES[span.kind][1] if f in filters]
            changed = _merge(filters, sub.filters.model_dump(), fields)
            for s in sub.suggestions:
                if s not in suggestions:
                    suggestions.append(s)
            if not changed:
                continue
            used.append(span)
            for c in sub.constraints:
                if c["filter"] in changed:
                    constraints.append({**c, "span": phrase, "source": "model"})
            unresolved = [u for u in unresolved if u.lower() not in phrase.lower()]
        if not used:
            return HybridParse(parsed.model_copy(update={"suggestions": suggestions}), tagged, ())
        meaning = _without(parsed.semantic_text, [_with_period(s, tagged.spans, text) for s in used])
        out = parsed.model_copy(update={
            "filters": Filters.model_validate(filters),
            "constraints": constraints,
            "unresolved": unresolved,
            "suggestions": suggestions,
            "semantic_text": meaning,
        })
        return HybridParse(out, tagged, tuple(used))


def with_tagger(rules: Any, *, models_dir: Any = None) -> Any:
    """`rules` wrapped in a HybridQueryEngine when the tagger is built in the data home
    (`python -m jobsearch.models.tagger build`), else `rules` unchanged."""
    from jobsearch.query.learned import load_tagger

    tagger = load_tagger(models_dir)
    return rules if tagger is None else HybridQueryEngine(rules, tagger)


def with_models(rules: Any, *, models_dir: Any = None) -> Any:
    """The engine the factory hands out: `with_tagger(rules)`, asked through an LLM first
    when JOBSEARCH_QUERY_LLM_URL (and JOBSEARCH_QUERY_LLM_MODEL, optional
    JOBSEARCH_QUERY_LLM_TIMEOUT_S, JOBSEARCH_QUERY_LLM_API_KEY) are set; read here, at build
    time, never at import."""
    import os

    local = with_tagger(rules, models_dir=models_dir)
    url = os.environ.get("JOBSEARCH_QUERY_LLM_URL", "").strip()
    if not url:
        return local
    from jobsearch.query.llm_client import ChatClient
    from jobsearch.query.llm_engine import LLMQueryEngine

    timeout = float(os.environ.get("JOBSEARCH_QUERY_LLM_TIMEOUT_S", "3"))
    client = ChatClient(url, os.environ.get("JOBSEARCH_QUERY_LLM_MODEL", "query-llm"),
                        api_key=os.environ.get("JOBSEARCH_QUERY_LLM_API_KEY") or None, timeout_s=timeout,
                        max_retries=1, backoff_s=0.05)
    return LLMQueryEngine(client, local, timeout_s=timeout)


def _claimed(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Character ranges of the text the rules understood (their chips' spans)."""
    low = text.lower()
    out = []
    for c in parsed.constraints:
        span = (c.get("span") or "").lower()
        at = low.find(span) if span else -1
        while at >= 0:
            out.append((at, at + len(span)))
            at = low.find(span, at + 1)
    return out


def _in_meaning(phrase: str, meaning: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", meaning, flags=re.I) is not None


def _overlaps(a: int, b: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in ranges)


def _with_period(span: TaggedSpan, spans: Iterable[TaggedSpan], text: str) -> str:
    """A pay span with the period span right after it ("$2,500" + "a week")."""
    if span.kind != "pay":
        return span.text
    for s in spans:
        if s.kind == "period" and 0 <= s.start - span.end <= 2:
            return text[span.start : s.end]
    return span.text


def _cased(kind: str, phrase: str) -> str:
    """Names typed in lower case, as the rules read names: "bangalore" -> "Bangalore"."""
    if kind in ("place", "xplace", "company", "xcompany") and phrase.islower():
        return phrase.title()
    return phrase


def _merge(filters: dict[str, Any], sub: dict[str, Any], fields: list[str]) -> list[str]:
    """Take `fields` of the sub-parse: lists are joined (the text named each value), a
    scalar only fills an empty one (the rules' reading wins). Returns the fields changed."""
    changed = []
    for f in fields:
        new = sub.get(f)
        if not new:
            continue
        cur = filters.get(f)
        if isinstance(cur, list):
            extra = [v for v in new if v not in cur]
            if extra:
                filters[f] = cur + extra
                changed.append(f)
        elif cur in (None, [], {}):
            filters[f] = new
            changed.append(f)
    return changed


def _without(meaning: str, phrases: Iterable[str]) -> str:
    """The semantic text less the words the tagger's spans turned into filters."""
    out = meaning
    for p in sorted(set(phrases), key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(p)}(?!\w)", " ", out, flags=re.I)
    out = _TIDY.sub(lambda m: m.group(1) or "", " ".join(out.split()))
    return out.strip(" ,;:-")
