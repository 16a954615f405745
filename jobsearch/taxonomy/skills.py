"""Skill vocabulary: the curated skills of each occupation (tools, methods, certificates),
for postings, member profiles and for telling skill words apart in queries."""

from __future__ import annotations

from functools import lru_cache

from jobsearch.taxonomy.occupations import get_occupation, occupations


@lru_cache(maxsize=1)
def all_skills() -> tuple[str, ...]:
    """Every skill once, in first-seen order (most common occupations' skills first)."""
    seen: dict[str, None] = {}
    for occ in sorted(occupations(), key=lambda o: -o.weight):
        for s in occ.skills:
            seen.setdefault(s, None)
    return tuple(seen)


@lru_cache(maxsize=1)
def _by_lower() -> dict[str, str]:
    return {s.lower(): s for s in all_skills()}


def skills_for(occupation_code: str) -> tuple[str, ...]:
    occ = get_occupation(occupation_code)
    return occ.skills if occ else ()


def canonical_skill(text: str) -> str | None:
    """The vocabulary's spelling of a skill ("pyspark" -> None, "apache spark" -> "Apache Spark")."""
    return _by_lower().get(text.strip().lower())
