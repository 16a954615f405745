"""The policy grader: docs/grading-policy.md as code. It is the reference teacher every
model is judged by, so it is exact, deterministic, explains itself, and fast enough to
grade whole corpora (vectorised over candidate lists)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from jobsearch.models import soc
from jobsearch.models.intent import QueryIntent
from jobsearch.models.jobtable import JobTable
from jobsearch.models.strict import floor_usd, reasons_of, violation_mask

from jobsearch.schema import Member

GRADE_NAMES: tuple[str, ...] = ("Bad", "Poor", "Fair", "Good", "Excellent")
# Seniority as rungs of one ladder; manager sits beside lead (same rung, other track).
LADDER = np.array([0, 1, 2, 3, 4, 4, 5, 6], dtype=np.int8)  # order of schema.SENIORITIES
# Text-similarity thresholds (cosine of MiniLM unit vectors), see "Text semantics" in the policy.
SIM_STRONG = 0.55
SIM_SOME = 0.45
SIM_WEAK = 0.35
SKILLS_STRONG = 0.5  # share of asked skills a job lists to count as a strong skills match


@dataclass
class Graded:
    """Grades of one query's candidates plus the evidence behind each."""

    idx: np.ndarray  # job rows
    grades: np.ndarray  # int8, 0..4
    violations: np.ndarray  # uint16 bit mask (strict.REASONS)
    relation: np.ndarray  # int8 soc level of the job's occupation to the asked one
    skill_share: np.ndarray  # share of asked skills the job lists (nan: none asked)
    seniority_gap: np.ndarray  # rungs between asked and offered (-1: none asked)
    mission_met: np.ndarray  # bool (True when no mission was asked)
    similarity: np.ndarray  # cosine of semantic text to job (0 without vectors)

    def reasons(self, i: int) -> list[str]:
        """Why candidate i got its grade, in the policy's words."""
        if self.violations[i]:
            return [f"violates strict filter: {r}" for r in reasons_of(int(self.violations[i]))]
        rel = ("unrelated occupation", "same occupation family", "adjacent occupation", "same broad occupation",
               "same occupation")[int(self.relation[i])]
        out = [rel]
        if not np.isnan(self.skill_share[i]):
            out.append(f"lists {self.skill_share[i]:.0%} of the asked skills")
        if self.seniority_gap[i] > 0:
            out.append(f"seniority {int(self.seniority_gap[i])} rung(s) from the asked level")
        if not self.mission_met[i]:
            out.append("does not serve the asked mission")
        out.append(f"text similarity {self.similarity[i]:.2f}")
        return out


class PayStats:
    """Relative pay floors ("above median pay") resolved from the corpus itself: the
    median/p75/p90 of posted pay midpoints for the asked occupation (else its major group,
    else all jobs) -- the policy's definition, so grades never depend on outside data."""

    def __init__(self, jobs: JobTable) -> None:
        mid = (jobs.pay_min_usd + jobs.pay_max_usd) / 2
        ok = ~np.isnan(mid)
        self._mid = mid[ok]
        self._detailed = jobs.occ.detailed[ok]
        self._major = jobs.occ.major[ok]

    def resolve(self, relative: str, occupation_code: str | None) -> float | None:
        q = {"median": 50, "p75": 75, "p90": 90}[relative]
        pools = []
        if occupation_code:
            pools = [self._mid[self._detailed == soc.detailed(occupation_code)],
                     self._mid[self._major == soc.major(occupation_code)]]
        pools.append(self._mid)
        for pool in pools:
            if len(pool) >= 5:
                return float(np.percentile(pool, q))
        return None


class PolicyGrader:
    """grade(intent, job_ids) -> grades 0..4 with reasons. `member_of` looks members up for
    personalised queries; `embed` turns texts into unit vectors comparable with the job
    vectors attached to `jobs` (text semantics are 0 when either is missing)."""

    name = "policy-v1"

    def __init__(
        self,
        jobs: JobTable,
        *,
        members: dict[str, Member] | None = None,
        now: datetime | None = None,
        embed: Callable[[Sequence[str]], np.ndarray] | None = None,
        paystats: Any = None,
    ) -> None:
        self.jobs = jobs
        self.paystats = paystats  # jobsearch.paystats.PayStats (annual_usd(stat, occupation_code=...))
        self.members = members or {}
        self.now = now or jobs.latest
        self.embed = embed
        self.pay = PayStats(jobs)
        self._qvec: dict[str, np.ndarray] = {}

    def resolved_floor(self, intent: QueryIntent) -> float | None:
        """The pay floor as annual USD; "above median" resolves through the product's pay
        statistics (role and place, `paystats`) when given, else the corpus fallback."""
        f = intent.filters.min_salary
        if f is None or f.amount is not None or not f.relative:
            return floor_usd(intent.filters)
        occ = self._profile(intent)[0]
        rel = None
        if self.paystats is not None:
            rel = self.paystats.annual_usd(f.relative, occupation_code=occ, location_ids=intent.filters.location_ids,
                                           country_codes=intent.filters.country_codes)
        if rel is None:
            rel = self.pay.resolve(f.relative, occ)
        return floor_usd(intent.filters, relative_usd=rel)

    def _profile(self, intent: QueryIntent) -> tuple[str | None, list[str], str | None]:
        """Occupation, skills, seniority asked for; a personalised query fills what the
        text leaves open from the member's profile (the text always wins)."""
        occ, skills, sen = intent.occupation_code, list(intent.skills), intent.seniority
        m = self.members.get(intent.member_id or "")
        if m is not None and "profile" in intent.personal:
            occ = occ or m.occupation_code
            skills = skills or list(m.skills)
            sen = sen or m.seniority
        return occ, skills, sen

    def query_vectors(self, texts: Sequence[str]) -> None:
        """Embed many semantic texts in one batch (the grader caches them)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._qvec]
        if todo and self.embed is not None:
            for t, v in zip(todo, self.embed(todo), strict=True):
                self._qvec[t] = np.asarray(v, dtype=np.float32)

    def _similarity(self, text: str, idx: np.ndarray) -> np.ndarray:
        if self.jobs.vectors is None or self.embed is None:
            return np.zeros(len(idx), dtype=np.float32)
        if text not in self._qvec:
            self.query_vectors([text])
        return self.jobs.vectors[idx] @ self._qvec[text]

    def grade_rows(self, intent: QueryIntent, idx: np.ndarray) -> Graded:
        from jobsearch.schema import SENIORITIES

        jobs = self.jobs
        idx = np.asarray(idx, dtype=np.int64)
        occ, skills, sen = self._profile(intent)
        viol = violation_mask(jobs, idx, intent.filters, now=self.now, pay_floor_usd=self.resolved_floor(intent))
        rel = jobs.occ.relation_to(occ, idx)
        sim = self._similarity(intent.semantic_text, idx)

        if skills:
            share = jobs.skills.count_in(idx, {s.lower() for s in skills}) / len(set(s.lower() for s in skills))
        else:
            share = np.full(len(idx), np.nan)
        if sen:
            gap = np.abs(LADDER[jobs.seniority[idx]] - LADDER[SENIORITIES.index(sen)]).astype(np.int8)
        else:
            gap = np.full(len(idx), -1, dtype=np.int8)
        if intent.mission_naics:
            naics = jobs.industry_naics[idx].astype(str)
            mission = np.zeros(len(idx), dtype=bool)
            for prefix in intent.mission_naics:
                mission |= np.char.startswith(naics, prefix)
        else:
            mission = np.ones(len(idx), dtype=bool)

        grades = self._combine(occ, rel, share, gap, mission, sim, asked_mission=bool(intent.mission_naics))
        grades[viol != 0] = 0
        return Graded(idx, grades, viol, rel, share, gap, mission, sim)

    @staticmethod
    def _combine(
        occ: str | None,
        rel: np.ndarray,
        share: np.ndarray,
        gap: np.ndarray,
        mission: np.ndarray,
        sim: np.ndarray,
        *,
        asked_mission: bool,
    ) -> np.ndarray:
        has_skills = not np.isnan(share).all()
        s = np.nan_to_num(share, nan=0.0)
        if occ:
            # Role first: same occupation 4, same broad occupation 3, adjacent 2, family 1.
            base = np.select([rel == soc.SAME, rel == soc.BROAD, rel == soc.ADJACENT, rel == soc.FAMILY],
                             [4, 3, 2, 1], 0).astype(np.int8)
            # An adjacent role earns Good with strong evidence it is the same work.
            strong = (s >= SKILLS_STRONG) if has_skills else (sim >= SIM_STRONG)
            base[(rel == soc.ADJACENT) & strong] = 3
            # An unrelated role whose text still speaks to the query is Poor, not Bad.
            base[(rel == soc.UNRELATED) & ((sim >= SIM_STRONG) | (s >= SKILLS_STRONG))] = 1
        elif has_skills:
            # Skill-led: the share of asked skills decides; text breaks the Fair/Good tie.
            base = np.select([s >= 2 / 3, s >= SKILLS_STRONG, s > 0], [4, 3, 2], 0).astype(np.int8)
            base[(base == 2) & (sim >= SIM_STRONG)] = 3
        else:
            # Pure meaning (mission or free text): similarity bands.
            base = np.select([sim >= SIM_STRONG, sim >= SIM_SOME, sim >= SIM_WEAK], [3, 2, 1], 0).astype(np.int8)
            if asked_mission:
                base[mission & (base >= 2)] += 1
        demote = np.zeros(len(base), dtype=np.int8)
        if occ and has_skills:
            demote += (s == 0).astype(np.int8)  # the right role without any asked skill
        demote += np.where(gap >= 2, 2, np.where(gap == 1, 1, 0)).astype(np.int8)
        if asked_mission and occ:
            demote += (~mission).astype(np.int8)
        # Demotions never push a job of the asked family below Poor.
        floor = np.where(base >= 1, 1, 0).astype(np.int8)
        return np.maximum(base - demote, floor).astype(np.int8)

    def grade(self, intent: QueryIntent, job_ids: Sequence[str]) -> Graded:
        return self.grade_rows(intent, self.jobs.indices(list(job_ids)))

    def grade_all(self, intent: QueryIntent) -> Graded:
        """Grade every job of the corpus (the ideal ranking for NDCG)."""
        return self.grade_rows(intent, np.arange(self.jobs.n))
