"""Synthetic queries with their structured intent: each query is built around an *anchor*
posting of the corpus (so at least one job can satisfy it), from a template family, with
paraphrase and noise. Written as Parquet + JSONL (schema in docs/relevance.md)."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models import noise
from jobsearch.models.intent import QueryIntent
from jobsearch.models.jobtable import JobTable
from jobsearch.models.strict import floor_usd, violation_mask
from jobsearch.models.templates import FAMILIES, MISSIONS, Family
from pydantic import BaseModel, ConfigDict

from jobsearch.query.pay import DOLLAR_FAMILY
from jobsearch.schema import Filters, Member, SalaryFloor

SPLITS = ("train", "val", "test")
_SENIOR_WORDS = re.compile(
    r"\b(senior|sr\.?|junior|jr\.?|lead|principal|staff|head of|entry[- ]level|intern(ship)?|associate|"
    r"chief|i{1,3}|iv)\b\.?",
    re.I,
)
CURRENCY_SIGN = {"USD": "$", "EUR": "€", "GBP": "£"}


class SynthQuery(BaseModel):
    """One row of the query set."""

    model_config = ConfigDict(extra="forbid")
    query_id: str
    family: str
    query_type: str
    split: str  # train | val | test
    family_held_out: bool
    group_held_out: bool
    occupation_group: str  # SOC major group of the anchor, e.g. "15"
    anchor_job_id: str
    noise: list[str]
    intent: QueryIntent


def role_phrase(title: str) -> str:
    """A posting title as a person would type the role: no level words, no parentheses."""
    t = re.sub(r"\(.*?\)", "", title.split(" - ")[0].split(",")[0])
    t = _SENIOR_WORDS.sub("", t)
    t = re.sub(r"\s+", " ", t).strip(" .,-/")
    return t or title


def held_out_groups(jobs: JobTable) -> set[str]:
    """Every fourth SOC major group by size (never the largest), held out of training."""
    groups, counts = np.unique(jobs.occ.major[jobs.occ.present], return_counts=True)
    ordered = [g for _, g in sorted(zip(-counts, groups, strict=True))]
    return {str(g) for g in ordered[1::4]}


def _stable(text: str) -> float:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _money(amount: float, currency: str, rng: random.Random, *, sign_ok: bool = True) -> str:
    k = int(round(amount / 1000))
    sign = CURRENCY_SIGN.get(currency)
    forms = [f"{k}k {currency}", f"{k},000 {currency}"]
    if sign and sign_ok:
        forms += [f"{sign}{k}k", f"{sign}{k},000", f"{sign}{k}K"]
    elif sign:  # as many forms either way: the seed's later draws stay the same
        forms += [f"{k}k {currency}", f"{k},000 {currency}", f"{k}K {currency}"]
    return rng.choice(forms)


class QueryGenerator:
    """generate(n) -> list[SynthQuery], deterministic for a seed."""

    def __init__(self, jobs: JobTable, members: Sequence[Member] = (), *, seed: int = 0) -> None:
        from jobsearch.taxonomy.places import gazetteer

        self.jobs = jobs
        self.members = [m for m in members if m.occupation_code]
        self.seed = seed
        self.g = gazetteer()
        self.group_out = held_out_groups(jobs)
        self.now = jobs.latest

    def generate(self, n: int) -> list[SynthQuery]:
        """Families take turns (with some random picks); each tries up to 50 anchors,
        since a constraint-heavy family needs a rare posting to satisfy it."""
        rng = random.Random(self.seed)
        out: list[SynthQuery] = []
        turn = 0
        while len(out) < n and turn < n * 3:
            fam = FAMILIES[turn % len(FAMILIES)] if rng.random() < 0.7 else rng.choice(FAMILIES)
            turn += 1
            for _ in range(50):
                q = self._one(fam, rng, len(out))
                if q is not None:
                    out.append(q)
                    break
        return out

    # -- building one query ------------------------------------------------------------
    def _one(self, fam: Family, rng: random.Random, i: int) -> SynthQuery | None:
        jobs = self.jobs
        member = None
        if fam.query_type == "personalised":
            if not self.members:
                return None
            member = rng.choice(self.members)
        row = int(rng.randrange(jobs.n))
        if member is not None and ("connections" in fam.name or "for_me" in fam.name or "near_me" in fam.name):
            picked = self._member_anchor(member, fam, rng)
            row = row if picked is None else picked
        code = jobs.occupation_code[row]
        if not code:
            return None
        pattern = rng.choice(fam.patterns)
        slots: dict[str, str] = {}
        f = Filters()
        intent: dict[str, Any] = {"occupation_code": code}
        noise_used: list[str] = []
        role = role_phrase(jobs.title[row])
        if "{role}" in pattern:
            slots["role"], tag = noise.maybe_typo(role, rng)
            noise_used += tag
        semantic = [role]
        locs = jobs.locations.row(row)
        city = self.g.cities.get(locs[0]) if locs else None

        if "{city}" in pattern:
            if city is None:
                return None
            slots["city"] = self._place_name(city)
            f.location_ids = [city.id]
            if "{city2}" in pattern:
                other = self._other_city(city.country_code, city.id, rng)
                if other is None:
                    return None
                slots["city2"] = self._place_name(other)
                f.location_ids = [city.id, other.id]
        if "{country}" in pattern:
            if city is None or city.country_code not in self.g.countries:
                return None
            slots["country"] = self.g.countries[city.country_code].name
            if slots["country"] == city.name:  # a city-state: the query engine names the city
                f.location_ids = [city.id]
            else:
                f.country_codes = [city.country_code]
        if "{skill}" in pattern:
            sk = jobs.skills.row(row)
            need = 2 if "{skill2}" in pattern else 1
            if len(sk) < need:
                return None
            chosen = rng.sample(sk, need)
            slots["skill"] = chosen[0]
            if need == 2:
                slots["skill2"] = chosen[1]
            intent["skills"] = chosen
            semantic = chosen + ([role] if "{role}" in pattern else [])
            if "{role}" not in pattern:
                intent["occupation_code"] = None
        if "{pay}" in pattern or "{hourly}" in pattern:
            # "$" in Sydney means Australian dollars (the query engine reads it so): amounts
            # asked in USD there say "USD".
            named = "{city}" in pattern or "{country}" in pattern
            country = self.g.countries.get(city.country_code) if city is not None and named else None
            other_dollar = country is not None and country.currency in DOLLAR_FAMILY
            top = jobs.pay_max_usd[row]
            if np.isnan(top):
                return None
            if "{hourly}" in pattern:
                rate = max(10, int(top / 2080 * rng.uniform(0.6, 0.95)))
                slots["hourly"] = f"${rate}" if not other_dollar else f"{rate} USD"
                f.min_salary = SalaryFloor(amount=float(rate), currency="USD", period="hour")
            else:
                floor = max(5000, int(top * rng.uniform(0.6, 0.95) / 5000) * 5000)
                slots["pay"] = _money(floor, "USD", rng, sign_ok=not other_dollar)
                f.min_salary = SalaryFloor(amount=float(floor), currency="USD", period="year")
        if "median" in pattern:
            f.min_salary = SalaryFloor(relative="median")
        if "{days}" in pattern:
            days = rng.choice([3, 5, 10, 14])
            slots["days"] = str(days)
            f.posted_within_days = days
        if "this week" in pattern or "last week" in pattern:
            f.posted_within_days = 7
        if "today" in pattern or "24 hours" in pattern:
            f.posted_within_days = 1
        if "remote" in pattern.lower() or "work from home" in pattern:
            f.workplace = ["remote"]
        if "hybrid" in pattern:
            f.workplace = ["hybrid"]
        if "on-site" in pattern or "onsite" in pattern or "in-office" in pattern:
            f.workplace = ["onsite"]
        if re.search(r"staffing|recruiters|agencies|direct employers", pattern):
            f.exclude_company_types = ["staffing"]
        if pattern.startswith(("senior", "hybrid senior")) or "senior level" in pattern or "senior {role}" in pattern:
            f.seniority = ["senior"]
            intent["seniority"] = "senior"
        if re.search(r"entry|junior", pattern):
            f.seniority = ["entry"]
            intent["seniority"] = "entry"
        if "contract" in pattern:
            f.employment_type = ["contract"]
        if "part" in pattern and "time" in pattern:
            f.employment_type = ["part_time"]
        if "{mission}" in pattern:
            mission = rng.choice(sorted(MISSIONS))
            slots["mission"] = mission
            intent["mission"] = mission
            intent["mission_naics"] = list(MISSIONS[mission])
            semantic.append(mission)

        personal: list[str] = []
        if member is not None:
            intent["member_id"] = member.member_id
            if "connection" in pattern or "know someone" in pattern or "know people" in pattern:
                personal.append("connections")
                f.company_ids = sorted(member.connection_company_ids)
                if not f.company_ids:
                    return None
            if "near me" in pattern or "where I live" in pattern:
                if not member.location_id:
                    return None
                personal.append("near_me")
                f.location_ids = self._near(member.location_id)
            if "{role}" not in pattern:
                personal.append("profile")
                intent["occupation_code"] = None
                semantic = [member.headline]

        # The anchor must satisfy the query (pay "above median" is checked at grading time).
        anchor_bad = violation_mask(jobs, np.array([row]), f, now=self.now, pay_floor_usd=floor_usd(f))
        if anchor_bad[0]:
            return None
        text = pattern.format(**slots)
        text, tags = noise.casing(text, rng)
        noise_used += tags
        fam_out = fam.held_out
        group = code[:2]
        grp_out = group in self.group_out
        if fam_out or grp_out:
            split = "test"
        else:
            split = "val" if _stable(f"{self.seed}:{i}") < 0.15 else "train"
        qi = QueryIntent(
            text=text,
            semantic_text=" ".join(semantic),
            filters=f,
            personal=personal,
            **intent,
        )
        return SynthQuery(
            query_id=f"q{self.seed}-{i:05d}",
            family=fam.name,
            query_type=fam.query_type,
            split=split,
            family_held_out=fam_out,
            group_held_out=grp_out,
            occupation_group=group,
            anchor_job_id=str(jobs.job_id[row]),
            noise=noise_used,
            intent=qi,
        )

    def _member_anchor(self, member: Member, fam: Family, rng: random.Random) -> int | None:
        """A posting of the member's own occupation (and, for connection queries, at a
        company they know), so a personalised query has a right answer."""
        jobs = self.jobs
        rows = np.flatnonzero(jobs.occ.detailed == (member.occupation_code or "")[:7])
        if "connections" in fam.name and member.connection_company_ids:
            rows = rows[np.isin(jobs.company_id[rows], list(member.connection_company_ids))]
        return int(rng.choice(list(rows))) if len(rows) else None

    def _place_name(self, city) -> str:  # noqa: ANN001 - a places.City
        """The city's name, qualified ("Vancouver, WA", "Córdoba, Spain") when a bigger
        place shares the name: the gold filter must be what the words mean."""
        if not hasattr(self, "_biggest"):
            big: dict[str, tuple[int, str]] = {}
            for c in self.g.cities.values():
                key = c.name.lower()
                if key not in big or c.population > big[key][0]:
                    big[key] = (c.population, c.id)
            self._biggest = {k: v[1] for k, v in big.items()}
        if self._biggest.get(city.name.lower(), city.id) == city.id:
            return city.name
        if city.country_code == "US":
            return f"{city.name}, {city.admin1_code}"
        country = self.g.countries.get(city.country_code)
        return f"{city.name}, {country.name if country else city.country_code}"

    def _near(self, city_id: str) -> list[str]:
        """The product's "near me": the member's city and every city within NEAR_ME_KM."""
        try:
            from jobsearch.query.personal import NEAR_ME_KM
        except ImportError:  # query engine not installed: the documented default
            NEAR_ME_KM = 50.0
        center = self.g.cities.get(city_id)
        if center is None:
            return [city_id]
        if not hasattr(self, "_geo"):
            names = sorted(self.g.cities)
            self._geo = (np.array(names, dtype=object), np.radians([self.g.cities[i].lat for i in names]),
                         np.radians([self.g.cities[i].lon for i in names]))
        ids, lat, lon = self._geo
        la, lo = np.radians(center.lat), np.radians(center.lon)
        h = np.sin((lat - la) / 2) ** 2 + np.cos(la) * np.cos(lat) * np.sin((lon - lo) / 2) ** 2
        near = ids[2 * 6371.0 * np.arcsin(np.sqrt(h)) <= NEAR_ME_KM]
        return [city_id, *sorted(str(i) for i in near if i != city_id)]

    def _other_city(self, country: str, not_id: str, rng: random.Random):  # noqa: ANN202
        """Another city of the corpus in the same country (a second place to ask for)."""
        if not hasattr(self, "_by_country"):
            by: dict[str, list[str]] = {}
            for c in sorted(self.jobs.locations.names):
                if c in self.g.cities:
                    by.setdefault(self.g.cities[c].country_code, []).append(c)
            self._by_country = by
        ids = [c for c in self._by_country.get(country, ()) if c != not_id]
        return self.g.cities[rng.choice(ids)] if ids else None


def generate_queries(jobs: JobTable, members: Sequence[Member] = (), *, n: int = 2000, seed: int = 0) -> list[SynthQuery]:
    return QueryGenerator(jobs, members, seed=seed).generate(n)


def write_queries(queries: Sequence[SynthQuery], out_dir: Path) -> tuple[Path, Path]:
    """queries.jsonl (nested, one SynthQuery per line) and queries.parquet (flat columns,
    intent as a JSON string)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    jl = out_dir / "queries.jsonl"
    jl.write_text("".join(q.model_dump_json() + "\n" for q in queries))
    rows = [{**q.model_dump(exclude={"intent"}), "text": q.intent.text, "intent_json": q.intent.model_dump_json()}
            for q in queries]
    pq.write_table(pa.Table.from_pylist(rows), out_dir / "queries.parquet")
    return jl, out_dir / "queries.parquet"


def read_queries(path: Path, *, split: str | None = None) -> list[SynthQuery]:
    path = Path(path)
    if path.is_dir():
        path = path / "queries.jsonl"
    out = [SynthQuery.model_validate(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return [q for q in out if split is None or q.split == split]

