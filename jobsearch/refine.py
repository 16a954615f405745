"""Refinement of an understood query: dropping constraints (the page's removable chips),
naming them in messages, and the refinement chips that narrow a query from attributes
mined per occupation and place at index build (`jobsearch.index.attributes`). Pure
functions over ParsedQuery / Filters; the pipeline passes in the index's count."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from jobsearch.errors import BadQueryError
from jobsearch.schema import Filters, ParsedQuery, Refinement, SalaryFloor

if TYPE_CHECKING:
    from jobsearch.index.attributes import Attributes, Group

FILTER_NAMES: frozenset[str] = frozenset(Filters.model_fields)


def filters_without(filters: Filters, name: str) -> Filters:
    """`filters` with one filter reset to "no constraint"."""
    default = Filters.model_fields[name].get_default(call_default_factory=True)
    return filters.model_copy(update={name: default})


def drop_constraints(parsed: ParsedQuery, remove: Sequence[str]) -> ParsedQuery:
    """Apply `remove` items: "filter" drops a whole filter, "filter:value" one value of a
    list filter (or the scalar filter if its value matches)."""
    filters = parsed.filters
    constraints = list(parsed.constraints)
    for item in remove:
        name, _, value = item.partition(":")
        if name not in FILTER_NAMES:
            known = ", ".join(sorted(FILTER_NAMES))
            raise BadQueryError(f"cannot remove unknown filter {name!r}; known filters: {known}")
        current = getattr(filters, name)
        if value and isinstance(current, list):
            # One chip may stand for several values ("Silicon Valley" -> its cities, joined
            # by commas); values another chip still claims stay.
            values = value.split(",")
            if any(v not in current for v in values):
                raise BadQueryError(f"filter {name!r} has no value {value!r} to remove")
            kept_by_others = {
                v
                for c in constraints
                if c.get("filter") == name and c.get("value") != value
                for v in c.get("value", "").split(",")
            }
            drop = set(values) - kept_by_others
            filters = filters.model_copy(update={name: [v for v in current if v not in drop]})
            constraints = [
                c for c in constraints if not (c.get("filter") == name and c.get("value") == value)
            ]
        else:
            filters = filters_without(filters, name)
            constraints = [c for c in constraints if c.get("filter") != name]
        if name == "workplace" and not filters.workplace:
            # "mostly remote" is one chip for two filters: the share goes with the workplace.
            filters = filters_without(filters, "min_remote_share")
            constraints = [c for c in constraints if c.get("filter") != "min_remote_share"]
    return parsed.model_copy(update={"filters": filters, "constraints": constraints})


def describe_filter(parsed: ParsedQuery, name: str) -> str:
    """Human label of a filter, from the query engine's constraint labels when it has them."""
    labels = [c["label"] for c in parsed.constraints if c.get("filter") == name and c.get("label")]
    return " or ".join(labels) if labels else name.replace("_", " ")


# --- refinements: chips that narrow the query, from attributes mined at index build -------

# At most 3 skills, 1 title, 2 employers, 1 pay floor and 1 workplace: 8 chips. A search
# counts up to 6 filter sets and parses 3-4 chip queries (~0.3-0.5 ms each on 2 cores).
MAX_SKILLS = 3
MAX_TITLES = 1
MAX_COMPANIES = 2
MIN_CHIP_POSTINGS = 2  # a skill or title of one posting in the group is not a pattern
COMPANY_CANDIDATES = 4  # top employers of the group counted here; the 2 leaving most are offered
MIN_PAY_POSTINGS = 5  # a pay band of fewer postings says nothing about "the top quarter here"
MIN_WORKPLACE_SHARE = 0.1  # a workplace rarer than this in the group is not offered
WORKPLACE_CHIPS: dict[str, tuple[str, str]] = {  # workplace -> (label, words the parser reads)
    "remote": ("remote only", "remote"),
    "hybrid": ("hybrid", "hybrid"),
}

# count(filters) -> postings passing them (the index's exact count)
Count = Callable[[Filters], int]
# resolve(query text) -> the retrieval filters it parses to, or None when it fails to parse
Resolve = Callable[[str], "Filters | None"]


def with_phrase(text: str, phrase: str) -> str:
    """The query with words added the way the page adds a facet's ("<text>, <phrase>")."""
    base = text.strip().rstrip(" ,")
    return f"{base}, {phrase}" if base else phrase


def _mentions(text: str, words: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words.lower())}(?!\w)", text.lower()) is not None


def _nice_floor(amount: float, period: str) -> float:
    """A round pay floor at or under `amount` ($143,250 a year -> $140,000)."""
    step = {"year": 5000.0 if amount >= 50_000 else 1000.0, "month": 100.0}.get(period, 1.0)
    if amount >= 1_000_000:
        step = 10 ** (len(str(int(amount))) - 2)
    return max(step, (amount // step) * step)


def refinements(
    text: str,
    parsed: ParsedQuery,
    filters: Filters,
    group: Group | None,
    *,
    total: int,
    count: Count,
    resolve: Resolve | None = None,
) -> list[Refinement]:
    """Chips that narrow the query `text` (parsed as `parsed`, retrieving with `filters`,
    `total` postings passing them) from the mined `group` nearest to it: skills and titles
    (narrow by meaning; counted in the group), employers, a pay floor at the group's top
    quarter and a workplace (filters; counted exactly with `count`). Never a chip already
    in the query, one that leaves no posting, or one that does not narrow. With `resolve`,
    each chip's query text is parsed and kept only when it gives the filters the chip
    claims, so one click does what the chip says (skills, and employers, checked together
    first; the workplace words are the parser's own and not parsed again)."""
    if group is None or total == 0:
        return []
    label = group.label()
    said = f"{text} {parsed.semantic_text}"
    out: list[Refinement] = []

    def offer(kind: str, chip_label: str, value: str, query: str, new: Filters, n: int, scope: str, *,
              check: bool = True) -> bool:
        if n <= 0 or (scope == "filtered" and n >= total):
            return False
        if check and resolve is not None:
            got = resolve(query)
            if got is None or got != new:
                return False
        out.append(Refinement(kind=kind, label=chip_label, value=value, query=query,  # type: ignore[arg-type]
                              filters=new, count=n, count_scope=scope, group=label))  # type: ignore[arg-type]
        return True

    # A query with words of its own that matched no mined occupation gets no skills or
    # titles from all the place's jobs: they would be about other work.
    by_meaning = group.occupation_code is not None or not parsed.semantic_text.strip()
    skills = [(sk, n) for sk, n in (group.skills if by_meaning else ())
              if n >= MIN_CHIP_POSTINGS and not _mentions(said, sk)]
    # One parse checks the first skills together (none of them adds a filter); only when
    # that fails is each checked alone.
    together = resolve is not None and bool(skills) and resolve(
        with_phrase(text, ", ".join(sk for sk, _ in skills[:MAX_SKILLS]))) == filters
    offered = 0
    for skill, n in skills:
        if offered >= MAX_SKILLS:
            break
        offered += offer("skill", f"add skill: {skill}", skill, with_phrase(text, skill), filters, n, "group",
                         check=not together)
    offered = 0
    for title, n in group.titles if by_meaning else ():
        if offered >= MAX_TITLES:
            break
        if n >= MIN_CHIP_POSTINGS and not _mentions(said, title) and title.lower() != parsed.semantic_text.lower():
            offered += offer("title", f"title: {title}", title, _with_title(text, parsed, title), filters, n, "group")
    if not filters.company_ids:
        # The group's top employers, offered by how many postings they leave here.
        counted = []
        for cid, name, _ in group.employers[:COMPANY_CANDIDATES]:
            if cid not in filters.exclude_company_ids:
                new = filters.model_copy(update={"company_ids": [cid]})
                counted.append((count(new), name, cid, new))
        ranked = [c for c in sorted(counted, key=lambda c: (-c[0], c[1])) if 0 < c[0] < total]
        # As for skills: the first employers checked with one parse ("..., at A, at B").
        first = ranked[:MAX_COMPANIES]
        got = resolve(with_phrase(text, ", ".join(f"at {name}" for _, name, _, _ in first))) \
            if resolve is not None and first else None
        together = got is not None and got.model_copy(update={"company_ids": sorted(got.company_ids)}) == \
            filters.model_copy(update={"company_ids": sorted(cid for _, _, cid, _ in first)})
        offered = 0
        for n, name, cid, new in ranked:
            if offered >= MAX_COMPANIES:
                break
            offered += offer("company", f"company: {name} ({n:,} job{'s' if n != 1 else ''})", cid,
                             with_phrase(text, f"at {name}"), new, n, "filtered", check=not together)
    if filters.min_salary is None:
        _offer_pay(group, text, filters, count, offer)
    if not filters.workplace and filters.min_remote_share is None:
        for wp, (words, phrase) in WORKPLACE_CHIPS.items():  # remote first: one workplace chip
            share = group.share(wp)  # type: ignore[arg-type]
            if share >= MIN_WORKPLACE_SHARE:
                new = filters.model_copy(update={"workplace": [wp]})
                # The parser's own words for a workplace (as facets add them): no parse needed.
                if offer("workplace", f"{words} ({share:.0%} here)", wp, with_phrase(text, phrase), new,
                         count(new), "filtered", check=False):
                    break
    return out


def _offer_pay(group: Group, text: str, filters: Filters, count: Count, offer: Callable[..., bool]) -> None:
    from jobsearch.explain import format_pay

    bands = [b for b in group.pay if b["n"] >= MIN_PAY_POSTINGS]
    if not bands:
        return
    band = bands[0]  # the group's most common currency and period
    amount = _nice_floor(float(band["p75"]), band["period"])
    money, period = format_pay(amount, band["currency"], band["period"]).rsplit("/", 1)
    period = f"an {period}" if period == "hour" else f"a {period}"
    new = filters.model_copy(update={"min_salary": SalaryFloor(amount=amount, currency=band["currency"],
                                                               period=band["period"])})
    offer("pay", f"pay ≥ {money} {period} (top quarter here)", f"{amount:g} {band['currency']}/{band['period']}",
          with_phrase(text, f"paying at least {money} {period}"), new, count(new), "filtered")


def _with_title(text: str, parsed: ParsedQuery, title: str) -> str:
    """The query with its role words replaced by `title` (or the title added when the role
    words are not found verbatim)."""
    role = parsed.semantic_text.strip()
    at = text.lower().find(role.lower()) if role else -1
    if at < 0:
        return with_phrase(text, title)
    return f"{text[:at]}{title}{text[at + len(role):]}"


def suggest(
    retriever: Any,
    engine: Any,
    text: str,
    parsed: ParsedQuery,
    filters: Filters,
    vector: np.ndarray,
    *,
    member_id: str | None,
    remove: Sequence[str],
    total: int,
    now: datetime,
) -> list[Refinement]:
    """The refinement chips of one search (what the pipeline attaches to its answer): the
    mined group nearest to the query `vector` among those of the filters' places, turned
    into chips counted by the `retriever` and checked by re-parsing with the `engine` (the
    same `remove` applied, as the request that applies a chip would)."""
    from jobsearch.query.relative_pay import for_retrieval

    attributes = attributes_of(retriever)
    if attributes is None or total == 0:
        return []
    group = attributes.nearest(vector, filters, by_meaning=bool(parsed.semantic_text.strip()))
    if group is None:
        return []

    def resolve(query: str) -> Filters | None:
        try:
            return for_retrieval(drop_constraints(engine.parse(query, member_id), remove).filters)
        except BadQueryError:
            return None

    return refinements(text, parsed, filters, group, total=total,
                       count=lambda f: int(retriever.count(f, now=now)), resolve=resolve)


def attributes_of(retriever: Any) -> Attributes | None:
    """The mined attributes of the set a retriever serves: a local index's base shard set,
    or whatever a remote retriever exposes as `attributes`."""
    view = getattr(retriever, "view", None)
    if view is not None:
        return view.base.attributes
    return getattr(retriever, "attributes", None)
