"""(query, job, grade) pairs for the teacher cross-encoder: candidates from MiniLM
retrieval (hard negatives, including on-topic jobs that break a filter), the anchor's
occupation (positives) and random jobs, graded by the policy grader and balanced so every
grade is well represented."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from jobsearch.models.jobtable import JobTable
from jobsearch.models.policy import PolicyGrader
from jobsearch.models.synth_queries import SynthQuery

from jobsearch.schema import Filters, Member


@dataclass(frozen=True)
class Pair:
    query_id: str
    job_id: str
    query: str  # the query side the cross-encoder reads (text + member facts)
    job: str  # the job side (JobTable.text)
    grade: int


def query_side(q: SynthQuery, members: dict[str, Member], jobs: JobTable) -> str:
    """The raw query text plus the occupation the query engine resolves it to (entity
    resolution, as the job side names its own); personalised queries add the member facts
    they rely on."""
    from jobsearch.taxonomy.occupations import get_occupation, match_occupation

    text = q.intent.text
    occ = match_occupation(text)
    if occ is not None:
        text = f"{text} | occupation: {occ.title}; {occ.family_name}"
    m = members.get(q.intent.member_id or "")
    if m is None:
        return text
    from jobsearch.taxonomy.places import gazetteer

    bits = [m.headline]
    mine = get_occupation(m.occupation_code or "") if "profile" in q.intent.personal else None
    if mine is not None:
        bits.append(f"occupation: {mine.title}; {mine.family_name}")
    if m.location_id:
        bits.append(f"lives in {gazetteer().display_name(m.location_id)}")
    if "connections" in q.intent.personal:
        names = jobs.company_name_of
        bits.append("connections at " + ", ".join(names.get(c, c) for c in m.connection_company_ids[:8]))
    return f"{text} | me: {'; '.join(bits)}"


def candidates(q: SynthQuery, grader: PolicyGrader, rng: random.Random, *, n_retrieved: int = 30,
               n_same: int = 10, n_random: int = 10) -> np.ndarray:
    jobs = grader.jobs
    picks: list[int] = []
    if jobs.vectors is not None and grader.embed is not None:
        sim = grader._similarity(q.intent.semantic_text, np.arange(jobs.n))
        picks += np.argsort(-sim)[:n_retrieved].tolist()
    same = np.flatnonzero(jobs.occ.detailed == (q.intent.occupation_code or "")[:7])
    if len(same):
        picks += rng.sample(same.tolist(), min(n_same, len(same)))
    picks += [rng.randrange(jobs.n) for _ in range(n_random)]
    picks.append(jobs.row_of[q.anchor_job_id])
    return np.array(sorted(set(picks)), dtype=np.int64)


def build_pairs(
    queries: Sequence[SynthQuery],
    grader: PolicyGrader,
    *,
    per_grade: int,
    seed: int = 0,
    soft: bool = False,
    soft_view: bool | None = None,
) -> list[Pair]:
    """Up to `per_grade` pairs of each grade 0..4, drawn round-robin over queries so no
    query dominates. `soft` grades with the strict filters lifted: what the cross-encoder
    learns when the exact filter check gates it (`violating`). `soft_view` (default: as
    `soft`) reads the job as `JobTable.soft_text`, the view that cross-encoder learns."""
    if soft_view is None:
        soft_view = soft
    from tqdm import tqdm

    rng = random.Random(seed)
    grader.query_vectors([q.intent.semantic_text for q in queries])
    pools: dict[int, list[tuple[SynthQuery, int]]] = {g: [] for g in range(5)}
    for q in tqdm(queries, desc="grading candidates", unit="query", leave=False):
        idx = candidates(q, grader, rng)
        intent = q.intent.model_copy(update={"filters": Filters()}) if soft else q.intent
        graded = grader.grade_rows(intent, idx)
        for g in range(5):
            rows = idx[graded.grades == g].tolist()
            rng.shuffle(rows)
            pools[g] += [(q, r) for r in rows[:3]]  # at most 3 of a grade per query
    out: list[Pair] = []
    jobs = grader.jobs
    for g, pool in pools.items():
        rng.shuffle(pool)
        for q, r in pool[:per_grade]:
            job = jobs.soft_text(r) if soft_view else jobs.text(r)
            out.append(Pair(q.query_id, str(jobs.job_id[r]), query_side(q, grader.members, jobs), job, g))
    rng.shuffle(out)
    return out


def violating(pairs: Sequence[Pair], queries: dict[str, SynthQuery], grader: PolicyGrader) -> np.ndarray:
    """Which pairs break a strict filter of their query (the policy's rule 1: always Bad)."""
    out = np.zeros(len(pairs), dtype=bool)
    for i, p in enumerate(pairs):
        q = queries[p.query_id]
        out[i] = grader.grade_rows(q.intent, grader.jobs.indices([p.job_id])).violations[0] != 0
    return out
