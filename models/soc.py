"""SOC occupation-code arithmetic for the grading policy: how close two O*NET-SOC codes
are (same occupation, broad occupation, adjacent, same family, unrelated).

O*NET-SOC codes look like ``15-1252.00``: major group ``15`` (first 2 digits), minor group
``15-12``, broad occupation ``15-125``, detailed occupation ``15-1252``. Adjacency across
minor groups comes from a small curated table (a manager and the people they manage, close
specialisms that hire from each other).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Levels of `relation()`, from closest to unrelated; the policy document uses these names.
SAME = 4  # same detailed occupation (first 7 characters, e.g. 15-1252)
BROAD = 3  # same broad occupation (15-125x)
ADJACENT = 2  # same minor group (15-12xx) or curated adjacency
FAMILY = 1  # same major group (15-xxxx)
UNRELATED = 0

# Curated adjacency between detailed occupations in different minor groups. Symmetric.
CURATED_ADJACENCY: tuple[tuple[str, str], ...] = (
    ("11-3021", "15-1252"),  # computer & IS managers - software developers
    ("11-3021", "15-1211"),  # computer & IS managers - computer systems analysts
    ("15-2051", "15-1252"),  # data scientists - software developers
    ("15-2051", "15-1243"),  # data scientists - database architects
    ("15-2051", "13-1161"),  # data scientists - market research analysts
    ("13-1161", "11-2021"),  # market research / marketing specialists - marketing managers
    ("11-2021", "11-2032"),  # marketing managers - public relations managers
    ("27-3031", "11-2032"),  # public relations specialists - public relations managers
    ("27-3031", "13-1161"),  # public relations specialists - marketing specialists
    ("11-2022", "41-4011"),  # sales managers - sales representatives (technical)
    ("11-2022", "41-4012"),  # sales managers - sales representatives
    ("13-1071", "11-3121"),  # HR specialists - HR managers
    ("13-1082", "11-1021"),  # project management specialists - general & operations managers
    ("13-1082", "11-3021"),  # project management specialists - computer & IS managers
    ("13-2011", "11-3031"),  # accountants - financial managers
    ("13-2051", "11-3031"),  # financial analysts - financial managers
    ("15-1255", "27-1024"),  # web & digital interface designers - graphic designers
    ("15-1254", "27-1024"),  # web developers - graphic designers
    ("17-2071", "17-3023"),  # electrical engineers - electrical engineering technicians
    ("17-2141", "17-3027"),  # mechanical engineers - mechanical engineering technicians
    ("17-2051", "17-3022"),  # civil engineers - civil engineering technicians
    ("29-1141", "11-9111"),  # registered nurses - medical & health services managers
    ("23-1011", "23-2011"),  # lawyers - paralegals
    ("25-2021", "25-2031"),  # elementary - secondary school teachers
    ("19-2041", "17-2081"),  # environmental scientists - environmental engineers
    ("13-1199", "13-1082"),  # business operations specialists - project management
)


def detailed(code: str) -> str:
    return code[:7]


def broad(code: str) -> str:
    return code[:6]


def minor(code: str) -> str:
    return code[:5]


def major(code: str) -> str:
    return code[:2]


def _adjacency() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, b in CURATED_ADJACENCY:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


ADJACENT_TO: dict[str, frozenset[str]] = _adjacency()


def relation(a: str | None, b: str | None) -> int:
    """How close two codes are, as one of SAME, BROAD, ADJACENT, FAMILY, UNRELATED."""
    if not a or not b:
        return UNRELATED
    if detailed(a) == detailed(b):
        return SAME
    if broad(a) == broad(b):
        return BROAD
    if minor(a) == minor(b) or detailed(b) in ADJACENT_TO.get(detailed(a), ()):
        return ADJACENT
    if major(a) == major(b):
        return FAMILY
    return UNRELATED


class CodeColumns:
    """A column of occupation codes split into its levels once, so `relation_to` is a
    handful of vectorised comparisons per query instead of a Python loop per job."""

    def __init__(self, codes: Sequence[str | None]) -> None:
        filled = np.array([c or "" for c in codes], dtype=object)
        self.present = np.array([bool(c) for c in filled])
        self.detailed = np.array([c[:7] for c in filled], dtype="U7")
        self.broad = np.array([c[:6] for c in filled], dtype="U6")
        self.minor = np.array([c[:5] for c in filled], dtype="U5")
        self.major = np.array([c[:2] for c in filled], dtype="U2")

    def __len__(self) -> int:
        return len(self.detailed)

    def relation_to(self, code: str | None, idx: np.ndarray) -> np.ndarray:
        """Relation level (int8) of `code` to the jobs at positions `idx`."""
        out = np.zeros(len(idx), dtype=np.int8)
        if not code:
            return out
        present = self.present[idx]
        out[(self.major[idx] == major(code)) & present] = FAMILY
        adj = self.minor[idx] == minor(code)
        curated = ADJACENT_TO.get(detailed(code))
        if curated:
            adj |= np.isin(self.detailed[idx], list(curated))
        out[adj & present] = ADJACENT
        out[(self.broad[idx] == broad(code)) & present] = BROAD
        out[(self.detailed[idx] == detailed(code)) & present] = SAME
        return out
