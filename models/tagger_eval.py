"""Rules alone, the tagger alone and both together, measured two ways:

1. Held-out template families (`models.tagger_data`, split "test"): span F1 per kind, exact
   (same start, end and kind) and overlapping (same kind, ranges meet). The rules' spans are
   their chips' spans (filter -> kind) plus the schedule wishes they recognise.
2. The LLM-judged dev set (`../shared/relevance/judged-dev.jsonl`): for every judged posting,
   does the parse's filter set let it through? Counted: postings the judge says break a
   stated constraint that the filters admit (parse misses), and postings graded Good or
   better with no violation that the filters drop (over-narrowing).

    python -m jobsearch.models.tagger_eval [--dev PATH] [--n-test 1500] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobsearch.models.tagger import span_f1
from jobsearch.models.tagger_data import generate_examples
from jobsearch.models.tagger_vocab import SPAN_KINDS

# Chip filter -> span kind, for the rules' side of the comparison.
FILTER_KIND = {
    "location_ids": "place", "country_codes": "place", "exclude_location_ids": "xplace",
    "exclude_country_codes": "xplace", "company_ids": "company", "exclude_company_ids": "xcompany",
    "min_salary": "pay", "posted_within_days": "recency", "workplace": "workplace",
    "min_remote_share": "office_days", "seniority": "seniority", "employment_type": "emptype",
}
MEANING_KINDS = frozenset({"role", "skill", "period"})
DEV_NOW = datetime(2026, 12, 4, 15, 40, tzinfo=UTC)  # when the dev set was judged (its README)


def rule_spans(text: str, parsed: Any) -> list[tuple[int, int, str]]:
    from jobsearch.query.text import fold
    from jobsearch.query.wishes import WISHES

    low = text.lower()
    out = []
    for c in parsed.constraints:
        kind = FILTER_KIND.get(c["filter"])
        span = (c.get("span") or "").lower()
        at = low.find(span) if span else -1
        if kind and at >= 0:
            out.append((at, at + len(span), kind))
    folded = fold(text)
    for _, pattern in WISHES:
        out += [(m.start(), m.end(), "schedule") for m in pattern.finditer(folded)]
    return sorted(set(out))


def _overlap_f1(gold: Sequence[Sequence[tuple]], pred: Sequence[Sequence[tuple]]) -> dict[str, float]:
    """F1 where a predicted span counts when it meets a gold span of its kind."""
    out = {}
    for kind in (*SPAN_KINDS, "all"):
        tp_p = n_p = tp_g = n_g = 0
        for g, p in zip(gold, pred, strict=True):
            g = [s for s in g if kind in ("all", s[2])]
            p = [s for s in p if kind in ("all", s[2])]
            n_p += len(p)
            n_g += len(g)
            tp_p += sum(any(s[2] == t[2] and s[0] < t[1] and t[0] < s[1] for t in g) for s in p)
            tp_g += sum(any(s[2] == t[2] and s[0] < t[1] and t[0] < s[1] for t in p) for s in g)
        prec = tp_p / n_p if n_p else 0.0
        rec = tp_g / n_g if n_g else 0.0
        out[kind] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    return out


def held_out(engine: Any, tagger: Any, *, n: int, seed: int = 1, min_score: float = 0.6) -> dict[str, Any]:
    examples = generate_examples(n, seed=seed, split="test")
    gold = [e.spans for e in examples]
    rules, model, both = [], [], []
    for e in examples:
        r = rule_spans(e.text, engine.parse(e.text))
        m = [(s.start, s.end, s.kind) for s in tagger.tag(e.text).spans if s.score >= min_score]
        rules.append(r)
        model.append(m)
        both.append(sorted(set(r) | {s for s in m if not any(s[0] < t[1] and t[0] < s[1] for t in r)}))
    out = {}
    for name, pred in (("rules", rules), ("model", model), ("both", both)):
        exact, overlap = span_f1(gold, pred), _overlap_f1(gold, pred)
        # "constraints": the kinds that become filters (role, skill, period are meaning or glue)
        keep = [[[s for s in ex if s[2] not in MEANING_KINDS] for ex in side] for side in (gold, pred)]
        exact["constraints"] = span_f1(*keep)["all"]
        overlap["constraints"] = _overlap_f1(*keep)["all"]
        out[name] = {"exact": exact, "overlap": overlap}
    return out


def dev_set(path: Path, engines: dict[str, Any]) -> dict[str, Any]:
    """Per engine: judged postings that break a stated constraint yet pass the parsed
    filters, and good ones the filters drop; per query kind and listed by query."""
    from jobsearch.filtering import violations

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out: dict[str, Any] = {}
    for name, make in engines.items():
        admitted = dropped = n_bad = n_good = 0
        by_query = []
        for r in rows:
            engine = make(r)
            member = (r.get("member") or {}).get("member_id")
            parsed = engine.parse(r["query"], member)
            filters = parsed.filters
            if filters.min_salary is not None and filters.min_salary.amount is None:
                filters = filters.model_copy(update={"min_salary": None})  # relative, no statistics here
            a = d = 0
            for j in r["judged"]:
                post = dict(j["posting"])
                post["posted_at"] = datetime.fromisoformat(post["posted_at"])
                passes = not violations(post, filters, now=DEV_NOW)
                if j["violation"]:
                    n_bad += 1
                    a += passes
                elif j["grade"] >= 3:
                    n_good += 1
                    d += not passes
            admitted += a
            dropped += d
            by_query.append({"qid": r["qid"], "kind": r["kind"], "query": r["query"], "admitted_violations": a,
                             "good_dropped": d, "filters": filters.model_dump(mode="json", exclude_defaults=True),
                             "semantic_text": parsed.semantic_text})
        out[name] = {"violating_judged": n_bad, "admitted_violations": admitted, "good_judged": n_good,
                     "good_dropped": dropped, "queries": by_query}
    return out


def dev_engines(path: Path, tagger: Any) -> dict[str, Any]:
    """Rule and hybrid engines per dev query, knowing the companies of its judged pool and
    its member (the dev set carries both)."""
    from jobsearch.query.engine import RuleQueryEngine
    from jobsearch.query.hybrid import HybridQueryEngine
    from jobsearch.schema import Company, Member

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    companies: dict[str, Company] = {}
    for r in rows:
        for j in r["judged"]:
            p = j["posting"]
            companies[p["company_id"]] = Company(id=p["company_id"], name=p["company_name"],
                                                 type=p["company_type"], industry_naics=p.get("industry_naics"))
    members = {}
    for r in rows:
        m = r.get("member")
        if m:
            members[m["member_id"]] = Member.model_validate({k: v for k, v in m.items() if k in Member.model_fields})
            for c in m.get("connection_companies", []):
                companies.setdefault(c["id"], Company(id=c["id"], name=c["name"]))
    rules = RuleQueryEngine(companies=list(companies.values()), members=members, now=DEV_NOW)
    hybrid = HybridQueryEngine(rules, tagger)
    return {"rules": lambda _r: rules, "rules+model": lambda _r: hybrid}


def markdown(held: dict[str, Any] | None, dev: dict[str, Any] | None) -> str:
    lines = [] if held is None else ["| span kind | support | rules F1 | model F1 | both F1 | rules overlap F1 | model overlap F1 | both overlap F1 |",
             "|---|---|---|---|---|---|---|---|"]
    for k in (*SPAN_KINDS, "constraints", "all") if held else ():
        assert held is not None
        sup = held["model"]["exact"][k]["support"]
        cells = [f"{held[s]['exact'][k]['f1']:.3f}" for s in ("rules", "model", "both")]
        cells += [f"{held[s]['overlap'][k]:.3f}" for s in ("rules", "model", "both")]
        lines.append(f"| {k} | {sup} | " + " | ".join(cells) + " |")
    if dev:
        lines += ["", "| engine | judged postings breaking a stated constraint | admitted by the parse | "
                  "good postings (grade >= 3, no violation) | dropped by the parse |", "|---|---|---|---|---|"]
        for name, d in dev.items():
            lines.append(f"| {name} | {d['violating_judged']} | {d['admitted_violations']} | {d['good_judged']} | "
                         f"{d['good_dropped']} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    from jobsearch.query.engine import RuleQueryEngine
    from jobsearch.query.learned import QueryTagger, load_tagger

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, help="a built tagger folder (default: the shipped one)")
    ap.add_argument("--dev", type=Path, default=Path("../shared/relevance/judged-dev.jsonl"))
    ap.add_argument("--n-test", type=int, default=1500)
    ap.add_argument("--json", type=Path, help="write the full results here")
    args = ap.parse_args(argv)
    tagger = QueryTagger(args.model_dir) if args.model_dir else load_tagger()
    if tagger is None:
        raise SystemExit("no query tagger ships with this checkout (jobsearch/query/tagger/)")
    held = held_out(RuleQueryEngine(), tagger, n=args.n_test) if args.n_test else None
    dev = dev_set(args.dev, dev_engines(args.dev, tagger)) if args.dev.is_file() else None
    print(markdown(held, dev))
    if args.json:
        args.json.write_text(json.dumps({"held_out": held, "dev": dev}, indent=1) + "\n")


if __name__ == "__main__":
    main()
