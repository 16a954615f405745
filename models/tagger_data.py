"""Span-labelled synthetic queries for the query tagger. Templates are the harness's own
template families (`models.templates.FAMILIES`, their literal constraint phrases turned into
labelled slots) plus families of the constructions people actually type (exclusions,
office days, pay idioms, schedules, companies, seven other languages). Each slot is filled
from `models.tagger_vocab` and the taxonomies, noised (typos, case) *before* assembly so the
character offsets of every span are exact. Held-out families never reach training.

    generate_examples(n, seed=0, split="train"|"test") -> list[TaggedQuery]"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from jobsearch.models import noise
from jobsearch.models import tagger_vocab as V
from jobsearch.models.templates import FAMILIES

SLOT = re.compile(r"\{(\w+)\}")
# Which span kind a template slot fills (None: unlabelled words around the spans).
SLOT_KIND: dict[str, str | None] = {
    "role": "role", "skill": "skill", "skill2": "skill", "place": "place", "place2": "place",
    "xplace": "xplace", "company": "company", "xcompany": "xcompany", "pay": "pay", "payrel": "pay",
    "paysmall": "pay", "period": "period", "hour": "period", "recency": "recency", "workplace": "workplace",
    "office_days": "office_days", "seniority": "seniority", "emptype": "emptype", "schedule": "schedule",
    "job": None, "lead": None, "days": None, "mission": None,
}


@dataclass(frozen=True)
class TaggedFamily:
    name: str
    intent: str
    patterns: tuple[str, ...]
    held_out: bool = False
    lang: str = "en"


@dataclass
class TaggedQuery:
    text: str
    spans: list[tuple[int, int, str]]  # (start, end, kind), character offsets into text
    intent: str
    family: str
    lang: str = "en"
    noise: list[str] = field(default_factory=list)


# The harness's literal constraint phrases -> slots, so its families train the tagger too.
_LITERALS: tuple[tuple[str, str], ...] = (
    (r"\{hourly\} an hour|\{hourly\}/hour", "{paysmall} {hour}"),
    (r"above median pay|above median salary|paying more than the median", "{payrel}"),
    (r"posted in the last \{days\} days|from the past \{days\} days|last \{days\} days|posted this week|"
     r"this week|posted in the last week|posted today|today's|posted in the last 24 hours", "{recency}"),
    (r"fully remote|work from home|remote|hybrid schedule|hybrid|on-site|onsite only|onsite|in-office", "{workplace}"),
    (r"senior level|senior|entry level|entry-level|junior", "{seniority}"),
    (r"part-time|part time|contract", "{emptype}"),
    (r"\{city2\}|\{city\}|\{country\}", "{place}"),
)


def _from_harness(pattern: str) -> str:
    out = pattern
    for rx, repl in _LITERALS:
        out = re.sub(rx, repl.replace("\\", "\\\\"), out)  # the replacement taken literally
    return out.replace("{place} or {place}", "{place} or {place2}").replace("{place} and {place}", "{place} and {place2}")


OWN_FAMILIES: tuple[TaggedFamily, ...] = (
    TaggedFamily("short_role_place", "role_place", ("{role} {place}", "{role} jobs {place}", "{place} {role}",
                                                    "{role} {place} {workplace}")),
    TaggedFamily("exclude_place", "role_place", ("{role} in {place} {xcue}", "{role} jobs {place} {xcue}",
                                                 "{role} {xcue}, {workplace}")),
    TaggedFamily("exclude_place_q", "role_place", ("{seniority} {role} in {place} {xcue} please",), held_out=True),
    TaggedFamily("qualified_place", "role_place", ("{role} positions in {qplace}", "{role} {qplace}",
                                                   "{qplace} {role} {emptype}")),
    TaggedFamily("office_days", "workplace", ("{workplace} {role} with {office_days}", "{role} {place}, {office_days}",
                                              "{role}, {workplace}, {office_days}")),
    TaggedFamily("office_days_q", "workplace", ("{role} in {place} {workplace} {office_days} {lead} {pay}",),
                 held_out=True),
    TaggedFamily("company", "constraint_heavy", ("{role} {ccue}", "{ccue} in {place}", "{seniority} {role} {ccue}")),
    TaggedFamily("xcompany", "company_type", ("{role} jobs, {xccue}", "{role} {place} {xccue}",
                                              "{emptype} {role} {xccue}")),
    TaggedFamily("xcompany_q", "company_type", ("{workplace} {role} {place} {xccue} {recency}",), held_out=True),
    TaggedFamily("pay_period", "pay", ("{role} {lead} {paysmall} {period}", "{role} {paysmall}{period} {place}",
                                       "{role} {place} {paysmall} {period} or more", "{role} {lead} {pay}")),
    TaggedFamily("pay_idiom", "pay", ("{role} {place} {payidiom}+", "{role} {payidiom} {place}",
                                      "{role} {lead} {payidiom}")),
    TaggedFamily("pay_q", "pay", ("{emptype} {role} {place} {lead} {paysmall} {period} {schedule}",), held_out=True),
    TaggedFamily("schedule", "constraint_heavy", ("{role} {schedule} {place}", "{schedule} {role} jobs",
                                                  "{seniority} {role} {schedule}", "{role} {schedule}, {emptype}")),
    TaggedFamily("schedule_q", "constraint_heavy", ("{schedule} jobs for {seniority} {role} near {place}",),
                 held_out=True),
    TaggedFamily("skills", "skill", ("{role} with {skill}", "{skill} {skill2} {role} {place}", "{skill} {role} {workplace}")),
    TaggedFamily("recency_place", "recency", ("{recency} {role} jobs in {place}", "{role} {place} {recency}")),
    TaggedFamily("heavy", "constraint_heavy", (
        "{seniority} {role} in {place} or {place2}, {workplace} with {office_days}, {lead} {pay}, {recency}, {xccue}",
        "{role} {place} {emptype} {schedule} {lead} {paysmall} {period} {xccue}",
        "looking for a {seniority} {role} role, {workplace}, based in {place}, {lead} {pay}, {recency}")),
    TaggedFamily("heavy_q", "constraint_heavy", (
        "{emptype} {role} {qplace} {workplace}, {lead} {paysmall} {period}, {xcue}, {recency}",), held_out=True),
    TaggedFamily("new_grad", "seniority", ("{seniority} {role} jobs", "{role} {seniority} {place}",
                                           "{seniority} {role}, {emptype}")),
)
# Other languages: the same slots around local job words.
FOREIGN_PATTERNS: tuple[str, ...] = (
    "{job} {role} {place} {emptype}", "{job} {role} {place} {workplace}", "{job} {role} {schedule} {place}",
    "{role} {place} {emptype} {workplace}", "{job} {role} {workplace} {place} {lead} {pay}",
    "{role} {schedule} {emptype} {place}", "{job} {seniority} {role} {place}",
)
FOREIGN_HELD_OUT: tuple[str, ...] = ("{role} {place} {workplace} {emptype} {schedule}",)


@lru_cache(maxsize=1)
def families() -> tuple[TaggedFamily, ...]:
    out = [TaggedFamily(f.name, f.query_type, tuple(_from_harness(p) for p in f.patterns), f.held_out)
           for f in FAMILIES if f.query_type != "personalised"]
    out += list(OWN_FAMILIES)
    for lang in V.LANGUAGES:
        out.append(TaggedFamily(f"lang_{lang}", "role_place", FOREIGN_PATTERNS, lang=lang))
        out.append(TaggedFamily(f"lang_{lang}_q", "role_place", FOREIGN_HELD_OUT, held_out=True, lang=lang))
    return tuple(out)


class SlotValues:
    """Draws slot values from the taxonomies (loaded once)."""

    def __init__(self) -> None:
        import numpy as np
        from jobsearch.models.synth_queries import role_phrase

        from jobsearch.taxonomy.companies import FAMOUS, INDUSTRY_WORDS, _coined, _compound
        from jobsearch.taxonomy.metros import METROS
        from jobsearch.taxonomy.occupations import occupations
        from jobsearch.taxonomy.places import gazetteer
        from jobsearch.taxonomy.skills import all_skills

        g = gazetteer()
        occ = [o for o in occupations() if o.weight > 0]
        self.roles = sorted({role_phrase(t) for o in occ for t in (o.title, *o.alternate_titles[:6])})
        self.skills = list(all_skills())
        big = sorted(g.cities.values(), key=lambda c: -c.population)[:4000]
        self.cities = [c.name for c in big]
        self.qualified = []
        for c in big[:1500]:
            if c.country_code == "US":
                self.qualified += [f"{c.name} {g.us_states.get(c.admin1_code, c.admin1_code)}",
                                   f"{c.name}, {c.admin1_code}", f"{c.name} {c.admin1_code}"]
            elif c.country_code in g.countries:
                country = g.countries[c.country_code].name
                self.qualified += [f"{c.name} {country}", f"{c.name}, {country}"]
                if c.country_code == "GB":
                    self.qualified.append(f"{c.name} UK")
        self.regions = [c.name for c in g.countries.values()] + list(g.us_states.values()) + [
            a for m in METROS for a in m.aliases[:3]] + ["the US", "USA", "UK", "EU", "Europe", "DFW", "NoVA"]
        rng = np.random.default_rng(0)
        words = [w for ws in INDUSTRY_WORDS.values() for w in ws]
        coined = [f"{(_coined(rng) if rng.random() < 0.7 else _compound(rng))} {words[rng.integers(len(words))]}"
                  for _ in range(400)]
        self.companies = [n for n, _ in FAMOUS] + coined + [
            "Google", "Amazon", "Tesla", "Microsoft", "Apple", "Meta", "Walmart", "Target", "Deloitte", "Accenture",
            "IBM", "Oracle", "Netflix", "Uber", "Infosys", "TCS", "Siemens", "SAP", "Bosch", "Amazon DSP"]

    def role(self, rng: random.Random, lang: str) -> str:
        if lang != "en" and rng.random() < 0.75:
            return rng.choice(V.ROLE_FOREIGN[lang])
        return rng.choice(V.ROLE_SHORT) if rng.random() < 0.25 else rng.choice(self.roles)

    def place(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.7:
            return rng.choice(self.cities[:800] if rng.random() < 0.6 else self.cities)
        return rng.choice(self.regions)

    def pay(self, rng: random.Random) -> str:
        return rng.choice(V.PAY_FORMS).format(k=rng.choice((25, 30, 40, 45, 55, 60, 70, 75, 80, 90, 100, 120,
                                                             130, 150, 180, 200, 250)))

    def paysmall(self, rng: random.Random) -> str:
        n = rng.choice((15, 18, 20, 22, 25, 30, 35, 40, 45, 60, 80, 120, 200, 450, 600, 900, 1200, 2500, 3000,
                        4000, 5500, 15000, 40000))
        s = f"{n:,}" if n >= 1000 and rng.random() < 0.5 else str(n)
        return rng.choice(V.PAY_SMALL_FORMS).format(n=s)

    def fill(self, slot: str, rng: random.Random, lang: str) -> list[tuple[str, str | None]]:
        """One slot as (text, kind) pieces (a cue slot yields cue words plus a named span)."""
        pick = rng.choice
        local = lang if rng.random() < 0.85 else "en"
        if slot == "role":
            return [(self.role(rng, lang), "role")]
        if slot in ("place", "place2"):
            return [(self.place(rng), "place")]
        if slot == "qplace":
            return [(pick(self.qualified), "place")]
        if slot in ("skill", "skill2"):
            return [(pick(self.skills), "skill")]
        if slot == "xcue":
            return _cue(pick(V.EXCLUDE_PLACE_CUES), self.place(rng), "xplace")
        if slot == "ccue":
            return _cue(pick(V.COMPANY_CUES), pick(self.companies), "company")
        if slot == "xccue":
            return _cue(pick(V.EXCLUDE_COMPANY_CUES), pick(self.companies), "xcompany")
        if slot == "pay":
            return [(self.pay(rng), "pay")]
        if slot == "paysmall":
            return [(self.paysmall(rng), "pay")]
        if slot == "payidiom":
            k = rng.choice((30, 40, 45, 60, 75, 80))
            lakh = rng.choice((6, 8, 10, 12, 15, 18, 20, 25, 30, 40))
            return [(pick(V.PAY_IDIOMS).format(l=lakh, l2=lakh + 5, k=k), "pay")]
        if slot == "payrel":
            return [(pick(V.PAY_RELATIVE), "pay")]
        if slot == "period":
            return [(pick(V.PERIOD[pick(("hour", "day", "week", "month", "month", "year"))]), "period")]
        if slot == "hour":
            return [(pick(V.PERIOD["hour"][:6]), "period")]
        if slot == "lead":
            return [(pick(V.PAY_LEADS), None)]
        if slot == "office_days":
            return [(pick(V.OFFICE_DAYS), "office_days")]
        if slot in ("workplace", "emptype", "seniority", "schedule", "recency"):
            table = getattr(V, slot.upper())
            return [(pick(table[local]), slot)]
        if slot == "company":
            return [(pick(self.companies), "company")]
        if slot == "job":
            return [(pick(V.JOB_WORDS[lang]), None)]
        if slot == "days":
            return [(str(rng.choice((3, 5, 10, 14))), None)]
        if slot == "mission":
            return [(pick(("the environment", "clean energy", "healthcare", "education", "public health")), None)]
        raise KeyError(f"unknown template slot {slot!r}")


def _cue(cue: str, name: str, kind: str) -> list[tuple[str, str | None]]:
    before, after = cue.split("{x}")
    return [(before, None), (name, kind), (after, None)]


def _noised(text: str, kind: str | None, rng: random.Random, tags: list[str]) -> str:
    if kind in ("role", "place", "xplace", "skill", "company", "xcompany", None) and rng.random() < noise.TYPO_RATE:
        words = text.split(" ")
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        if long:
            i = rng.choice(long)
            words[i] = noise.typo(words[i], rng)
            tags.append("typo")
            text = " ".join(words)
    if kind in ("place", "xplace", "company", "xcompany", "role") and rng.random() < 0.3:
        tags.append("lower")
        text = text.lower()
    return text


def render(fam: TaggedFamily, values: SlotValues, rng: random.Random) -> TaggedQuery:
    """One query of a family: slots filled, noised, assembled with exact span offsets."""
    pattern = rng.choice(fam.patterns)
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for m in SLOT.finditer(pattern):
        pieces.append((pattern[pos : m.start()], None))
        pieces += values.fill(m.group(1), rng, fam.lang)
        pos = m.end()
    pieces.append((pattern[pos:], None))
    tags: list[str] = []
    casing = rng.random()
    whole = "lower" if casing < 0.3 else "upper" if casing < 0.33 else "title" if casing < 0.38 else ""
    text, spans = "", []
    for piece, kind in pieces:
        piece = _noised(piece, kind, rng, tags)
        if whole:
            cased = getattr(piece, whole)()
            piece = cased if len(cased) == len(piece) else piece
        if not piece:
            continue
        if kind is not None and piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((len(text) + lead, len(text) + len(piece.rstrip()), kind))
        text += piece
    # Collapse doubled spaces the empty lead-ins leave, shifting offsets to match.
    clean, out_spans = _squeeze(text, spans)
    if whole:
        tags.append(whole)
    return TaggedQuery(text=clean, spans=out_spans, intent=fam.intent, family=fam.name, lang=fam.lang,
                       noise=sorted(set(tags)))


def _squeeze(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    keep = [i for i, ch in enumerate(text) if not (ch == " " and (i == 0 or text[i - 1] == " "))]
    while keep and text[keep[-1]] == " ":
        keep.pop()
    new_at = {old: new for new, old in enumerate(keep)}
    out = []
    for a, b, k in spans:
        na = new_at.get(a)
        nb = new_at.get(b - 1)
        if na is not None and nb is not None:
            out.append((na, nb + 1, k))
    return "".join(text[i] for i in keep), out


def generate_examples(n: int, *, seed: int = 0, split: str = "train") -> list[TaggedQuery]:
    """`n` queries from the training families (split="train") or the held-out ones ("test")."""
    fams = [f for f in families() if f.held_out == (split == "test")]
    if not fams:
        raise ValueError(f"no template families for split {split!r}")
    values = _values()
    rng = random.Random(f"{seed}:{split}")
    return [render(rng.choice(fams), values, rng) for _ in range(n)]


@lru_cache(maxsize=1)
def _values() -> SlotValues:
    return SlotValues()

