"""A corpus as flat numpy columns, built once, so the policy grader and the strict-filter
check work on whole candidate lists at a time (no Python loop per job)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from jobsearch.models.soc import CodeColumns

from jobsearch.schema import EMPLOYMENT_TYPES, SENIORITIES, WORKPLACES
from jobsearch.taxonomy.currency import to_annual_usd


@dataclass(frozen=True)
class Ragged:
    """A list-of-strings column as integer codes: row i owns `codes[offsets[i]:offsets[i+1]]`,
    `vocab` maps a string to its code (integer compares are what keep grading fast)."""

    codes: np.ndarray
    offsets: np.ndarray
    vocab: dict[str, int]
    names: list[str]

    @classmethod
    def from_lists(cls, lists: list[list[str] | None], *, lower: bool = False) -> Ragged:
        lens = np.array([len(x or ()) for x in lists], dtype=np.int64)
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        vocab: dict[str, int] = {}
        flat = [vocab.setdefault(v.lower() if lower else v, len(vocab)) for x in lists for v in (x or ())]
        return cls(codes=np.array(flat, dtype=np.int32), offsets=offsets, vocab=vocab, names=list(vocab))

    def ids(self, wanted: set[str] | list[str]) -> np.ndarray:
        return np.array(sorted({self.vocab[w] for w in wanted if w in self.vocab}), dtype=np.int32)

    def any_in(self, idx: np.ndarray, wanted: set[str] | list[str]) -> np.ndarray:
        """For each row in `idx`: does any of its values appear in `wanted`?"""
        return self.count_in(idx, wanted) > 0

    def count_in(self, idx: np.ndarray, wanted: set[str] | list[str]) -> np.ndarray:
        """For each row in `idx`: how many of its values appear in `wanted` (only the rows
        asked for are touched, so the cost follows the candidate list, not the corpus)."""
        want = self.ids(wanted)
        if len(want) == 0:
            return np.zeros(len(idx), dtype=np.int64)
        starts, ends = self.offsets[idx], self.offsets[idx + 1]
        lens = ends - starts
        total = int(lens.sum())
        if total == 0:
            return np.zeros(len(idx), dtype=np.int64)
        # positions of every value of the selected rows, row after row
        row_start = np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(starts, lens) + (np.arange(total) - row_start)
        hit = np.isin(self.codes[pos], want).astype(np.int64)
        csum = np.zeros(total + 1, dtype=np.int64)
        np.cumsum(hit, out=csum[1:])
        bounds = np.cumsum(lens)
        return csum[bounds] - csum[bounds - lens]

    def row(self, i: int) -> list[str]:
        return [self.names[c] for c in self.codes[self.offsets[i] : self.offsets[i + 1]]]


def _codes(values: list[str | None], vocab: tuple[str, ...]) -> np.ndarray:
    pos = {v: i for i, v in enumerate(vocab)}
    return np.array([pos.get(v, -1) if v else -1 for v in values], dtype=np.int8)


def _annual_usd(amounts: list[float | None], currency: list[str | None], period: list[str | None]) -> np.ndarray:
    out = np.full(len(amounts), np.nan)
    for i, (a, c, p) in enumerate(zip(amounts, currency, period, strict=True)):
        if a is not None and c and p:
            with contextlib.suppress(KeyError):  # unknown currency: treated as "no pay stated"
                out[i] = to_annual_usd(a, c, p)
    return out


class JobTable:
    """Columns of a postings table (jobsearch.corpus.table.POSTINGS_SCHEMA)."""

    def __init__(self, table: pa.Table) -> None:
        d = table.to_pydict()
        self.n = table.num_rows
        self.job_id = np.array(d["job_id"], dtype=object)
        self.row_of = {j: i for i, j in enumerate(d["job_id"])}
        self.title: list[str] = d["title"]
        self.description: list[str] = d["description"]
        self.company_id = np.array([c or "" for c in d["company_id"]], dtype=object)
        self.company_name: list[str] = d["company_name"]
        self.company_name_of: dict[str, str] = dict(zip(d["company_id"], d["company_name"], strict=True))
        self.company_type = np.array([c or "direct" for c in d["company_type"]], dtype=object)
        self.industry_naics = np.array([c or "" for c in d["industry_naics"]], dtype=object)
        self.workplace = _codes(d["workplace"], WORKPLACES)
        self.remote_share = np.asarray(d["remote_share"], dtype=np.float32)
        self.pay_min_usd = _annual_usd(d["salary_min"], d["salary_currency"], d["salary_period"])
        self.pay_max_usd = _annual_usd(d["salary_max"], d["salary_currency"], d["salary_period"])
        self.posted_ts = np.array(
            [p.replace(tzinfo=p.tzinfo or UTC).timestamp() for p in d["posted_at"]], dtype=np.int64
        )
        self.seniority = _codes(d["seniority"], SENIORITIES)
        self.employment = _codes(d["employment_type"], EMPLOYMENT_TYPES)
        self.occupation_code: list[str | None] = d["occupation_code"]
        self.occ = CodeColumns(d["occupation_code"])
        self.locations = Ragged.from_lists(d["location_ids"])
        self.countries = Ragged.from_lists([self._countries(x) for x in d["location_ids"]])
        self.skills = Ragged.from_lists(d["skills"], lower=True)
        self.n_skills = np.diff(self.skills.offsets)
        self.vectors: np.ndarray | None = None  # (n, dim) unit vectors, set by `attach_vectors`

    @staticmethod
    def _countries(location_ids: list[str] | None) -> list[str]:
        from jobsearch.taxonomy.places import gazetteer

        cities = gazetteer().cities
        return [cities[i].country_code for i in location_ids or () if i in cities]

    @classmethod
    def from_corpus(cls, corpus_dir: Path) -> JobTable:
        from jobsearch.corpus.table import read_postings

        return cls(read_postings(Path(corpus_dir)))

    @property
    def latest(self) -> datetime:
        """The newest posting time: the policy's default "now", so grades never drift
        with the wall clock."""
        return datetime.fromtimestamp(int(self.posted_ts.max()), tz=UTC)

    def attach_vectors(self, vectors: np.ndarray) -> None:
        if vectors.shape[0] != self.n:
            raise ValueError(f"expected {self.n} job vectors, got {vectors.shape[0]}")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def indices(self, job_ids: list[str]) -> np.ndarray:
        try:
            return np.array([self.row_of[j] for j in job_ids], dtype=np.int64)
        except KeyError as exc:
            raise KeyError(f"job id {exc.args[0]!r} is not in this corpus") from exc

    def soft_text(self, i: int) -> str:
        """What is left to judgement once the strict filters have passed: role, level,
        skills, employer and the description (the soft-grade teacher reads this; shorter
        input, faster training)."""
        from jobsearch.taxonomy.companies import industry_name
        from jobsearch.taxonomy.occupations import get_occupation

        sen = SENIORITIES[self.seniority[i]] if self.seniority[i] >= 0 else ""
        industry = industry_name(str(self.industry_naics[i] or ""))
        occ = get_occupation(self.occupation_code[i] or "")
        role = f" Occupation: {occ.title}; {occ.family_name}." if occ else ""
        return (f"{self.title[i]} ({sen}) at {self.company_name[i]}, {industry}.{role} "
                f"Skills: {', '.join(self.skills.row(i))}. {self.description[i]}")

    def text(self, i: int) -> str:
        """Plain text of one posting for the cross-encoder and BM25: title, company,
        structured facts, skills and the description (truncated by the tokenizer)."""
        from jobsearch.taxonomy.places import gazetteer

        g = gazetteer()
        places = "; ".join(g.display_name(x) for x in self.locations.row(i)[:3])
        wp = WORKPLACES[self.workplace[i]] if self.workplace[i] >= 0 else "unknown"
        sen = SENIORITIES[self.seniority[i]] if self.seniority[i] >= 0 else ""
        pay = ""
        if not np.isnan(self.pay_max_usd[i]):
            pay = f" Pay {self.pay_min_usd[i] / 1000:.0f}k-{self.pay_max_usd[i] / 1000:.0f}k USD/yr."
        age = (int(self.posted_ts.max()) - int(self.posted_ts[i])) // 86400
        staffing = " (staffing agency)" if self.company_type[i] == "staffing" else ""
        return (
            f"{self.title[i]} at {self.company_name[i]}{staffing}. {sen} {wp} in {places}.{pay} "
            f"Posted {age} days ago. Skills: {', '.join(self.skills.row(i))}. {self.description[i]}"
        )
