"""Attributes mined per occupation and place at index build, for the refinement chips of
`jobsearch.refine` (retrieval-augmented suggestions). Postings are grouped by occupation
(or all occupations) in one city, one country or anywhere; each group keeps its count,
top skills, titles and employers, pay bands per currency and period, its workplace mix,
and the normalised mean of its postings' unit vectors, so a query vector finds the
nearest groups with one small dot product.

`build_from_arrays` writes the file into the set folder before the set is published
(listed in the manifest with its sha256, so it is verified with the set); compaction
goes through the same build, so it is recomputed from the live rows."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jobsearch.errors import CorruptShardSetError
from jobsearch.schema import Filters, Workplace

ATTRIBUTES = "attributes.npz"
FORMAT_VERSION = 1
MIN_GROUP = 5  # postings a group needs to be kept (fewer say little about a role and place)
MAX_GROUPS = 20_000  # the largest groups are kept: 20k x 384 fp16 vectors = 15 MB, a ~1 ms scan
TOP_SKILLS = 8
TOP_TITLES = 5
TOP_EMPLOYERS = 5
TOP_BANDS = 3
MIN_SIMILARITY = 0.4  # below this cosine the nearest occupation is a guess: place-only groups answer
KINDS = ("any", "country", "city")
ANY, COUNTRY, CITY = 0, 1, 2
_BLOCK = 1 << 19  # memberships per block when counting (bounds memory on big sets)
_VEC_BLOCK = 1 << 14  # rows per block when summing vectors (16k x 384 fp32 = 25 MB)


# --- mining -------------------------------------------------------------------------------


def _codes(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes of a string column (-1 for null) into its sorted distinct values, and those
    values: code order is name order, so ties in counts break by name."""
    enc = (column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column).dictionary_encode()
    codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    names = [str(v) for v in enc.dictionary.to_pylist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[order] = np.arange(len(names))
    rank[-1] = -1
    return rank[codes], [names[i] for i in order]


def _memberships(table: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    """(rows, occupation codes, place codes) of every (posting, group) pair, the occupation
    vocabulary and the place vocabulary (kind-prefixed). A posting is in its occupation's
    groups and the all-occupations groups, anywhere, in each of its countries and cities."""
    from jobsearch.taxonomy.places import gazetteer

    n = table.num_rows
    occ, occ_names = _codes(table.column("occupation_code"))
    locs = table.column("location_ids").combine_chunks()
    parents = pc.list_parent_indices(locs).to_numpy().astype(np.int64)
    city, city_ids = _codes(locs.flatten())
    cities = gazetteer().cities
    cc_of_city = [cities[c].country_code if c in cities else "" for c in city_ids]
    country_names = sorted({c for c in cc_of_city if c})
    places = ["any:"] + [f"country:{c}" for c in country_names] + [f"city:{c}" for c in city_ids]
    country_code = np.array([1 + country_names.index(c) if c else -1 for c in cc_of_city] + [-1], dtype=np.int64)
    row_parts = [np.arange(n, dtype=np.int64)]
    place_parts = [np.zeros(n, dtype=np.int64)]
    for codes in (country_code[city], 1 + len(country_names) + city):
        ok = (city >= 0) & (codes >= 0)
        pair = np.unique(np.stack([parents[ok], codes[ok]]), axis=1)  # a posting counts once per place
        row_parts.append(pair[0])
        place_parts.append(pair[1])
    rows, place = np.concatenate(row_parts), np.concatenate(place_parts)
    has_occ = occ[rows] >= 0
    rows_all = np.concatenate([rows[has_occ], rows])
    occ_all = np.concatenate([occ[rows[has_occ]], np.full(len(rows), -1, dtype=np.int64)])
    place_all = np.concatenate([place[has_occ], place])
    return rows_all, occ_all, place_all, occ_names, places


def _top_per_group(gid: np.ndarray, codes: np.ndarray, n_groups: int, n_codes: int, top: int
                   ) -> list[list[tuple[int, int]]]:
    """The `top` most frequent codes of each group as (code, count), most first, ties by code.
    Counted in blocks (a big set has millions of memberships times a few skills each)."""
    keys_parts, count_parts = [], []
    for lo in range(0, len(gid), _BLOCK):
        g, c = gid[lo:lo + _BLOCK], codes[lo:lo + _BLOCK]
        ok = c >= 0
        k, n = np.unique(g[ok] * n_codes + c[ok], return_counts=True)
        keys_parts.append(k)
        count_parts.append(n)
    if not keys_parts:
        return [[] for _ in range(n_groups)]
    keys, inverse = np.unique(np.concatenate(keys_parts), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate(count_parts)).astype(np.int64)
    group, code = keys // n_codes, keys % n_codes
    order = np.lexsort((code, -counts, group))
    group, code, counts = group[order], code[order], counts[order]
    starts = np.searchsorted(group, np.arange(n_groups + 1))
    return [list(zip(code[s:min(e, s + top)].tolist(), counts[s:min(e, s + top)].tolist(), strict=True))
            for s, e in zip(starts[:-1], starts[1:], strict=True)]


def _group_vectors(vectors: np.ndarray, rows: np.ndarray, gid: np.ndarray, n_groups: int) -> np.ndarray:
    """Unit mean vector of each group (sums over sorted blocks: no rows x dim copy of all)."""
    order = np.argsort(gid, kind="stable")
    rows, gid = rows[order], gid[order]
    out = np.zeros((n_groups, vectors.shape[1]), dtype=np.float64)
    for lo in range(0, len(rows), _VEC_BLOCK):
        g = gid[lo:lo + _VEC_BLOCK]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        block = np.asarray(vectors[rows[lo:lo + _VEC_BLOCK]], dtype=np.float32)
        out[g[starts]] += np.add.reduceat(block, starts, axis=0)  # groups are distinct within a block
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms > 0, norms, 1.0)).astype(np.float16)


def _pay_bands(table: pa.Table, rows: np.ndarray, gid: np.ndarray, n_groups: int) -> list[list[dict[str, Any]]]:
    """Per group, up to `TOP_BANDS` (currency, period) bands, most postings first: n and the
    25th/50th/75th percentiles of the range midpoints, in that currency and period."""
    smin = table.column("salary_min").to_numpy(zero_copy_only=False).astype(np.float64)
    smax = table.column("salary_max").to_numpy(zero_copy_only=False).astype(np.float64)
    cur, cur_names = _codes(table.column("salary_currency"))
    per, per_names = _codes(table.column("salary_period"))
    mid = (smin + smax) / 2
    band_of_row = np.where((cur >= 0) & (per >= 0) & np.isfinite(mid) & (mid > 0), cur * max(len(per_names), 1) + per, -1)
    band = band_of_row[rows]
    ok = band >= 0
    g, b, v = gid[ok], band[ok], mid[rows[ok]]
    n_bands = max(len(cur_names), 1) * max(len(per_names), 1)
    key = g * n_bands + b
    order = np.lexsort((v, key))
    key, v = key[order], v[order]
    uniq, starts, counts = np.unique(key, return_index=True, return_counts=True)
    # Percentiles of every (group, band) run of sorted values at once (numpy's "linear").
    pcts = []
    for q in (0.25, 0.5, 0.75):
        at = starts + q * (counts - 1)
        lo = np.floor(at).astype(np.int64)
        hi = np.minimum(lo + 1, starts + counts - 1)
        pcts.append(np.round(v[lo] + (at - lo) * (v[hi] - v[lo]), 2).tolist() if len(v) else [])
    out: list[list[dict[str, Any]]] = [[] for _ in range(n_groups)]
    n_per = max(len(per_names), 1)
    for k, n, p25, p50, p75 in zip(uniq.tolist(), counts.tolist(), *pcts, strict=True):
        bcode = k % n_bands
        out[k // n_bands].append({"currency": cur_names[bcode // n_per], "period": per_names[bcode % n_per],
                                  "n": int(n), "p25": p25, "p50": p50, "p75": p75})
    for bands in out:
        bands.sort(key=lambda d: (-d["n"], d["currency"], d["period"]))
        del bands[TOP_BANDS:]
    return out


def mine(vectors: np.ndarray, table: pa.Table, *, min_group: int = MIN_GROUP,
         max_groups: int = MAX_GROUPS) -> Attributes:
    """Group the postings of `table` (POSTINGS_SCHEMA rows, aligned with unit `vectors`) and
    mine each group's attributes (see the module docstring)."""
    vectors = np.asarray(vectors)
    if vectors.shape[0] != table.num_rows:
        raise ValueError(f"{vectors.shape[0]} vectors for {table.num_rows} postings")
    rows, occ, place, occ_names, places = _memberships(table)
    key = (occ + 1) * len(places) + place
    keys, gid, counts = np.unique(key, return_inverse=True, return_counts=True)
    gid = gid.reshape(-1)
    keep = np.flatnonzero(counts >= min_group)
    if len(keep) > max_groups:
        keep = np.sort(keep[np.lexsort((keep, -counts[keep]))[:max_groups]])
    remap = np.full(len(keys), -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    gid = remap[gid]
    kept = gid >= 0
    rows, gid = rows[kept], gid[kept]
    n_groups = len(keep)
    g_occ = (keys[keep] // len(places)) - 1
    g_place = [places[int(p)] for p in keys[keep] % len(places)]

    title, title_names = _codes(table.column("title"))
    company, company_ids = _codes(table.column("company_id"))
    names = table.column("company_name").to_pylist()
    first_row = dict(zip(company.tolist()[::-1], range(table.num_rows - 1, -1, -1), strict=True))
    workplace, wp_names = _codes(table.column("workplace"))
    skills = table.column("skills").combine_chunks()
    sk_codes, sk_names = _codes(skills.flatten())
    offsets = skills.offsets.to_numpy().astype(np.int64)
    lengths = np.diff(offsets)[rows]
    rep = np.repeat(offsets[rows] - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))

    top_sk = _top_per_group(np.repeat(gid, lengths), sk_codes[rep], n_groups, max(len(sk_names), 1), TOP_SKILLS)
    top_ti = _top_per_group(gid, title[rows], n_groups, max(len(title_names), 1), TOP_TITLES)
    top_co = _top_per_group(gid, company[rows], n_groups, max(len(company_ids), 1), TOP_EMPLOYERS)
    wp = _top_per_group(gid, workplace[rows], n_groups, max(len(wp_names), 1), len(wp_names))
    pay = _pay_bands(table, rows, gid, n_groups)
    metas = []
    for i in range(n_groups):
        metas.append({
            "skills": [[sk_names[c], n] for c, n in top_sk[i]],
            "titles": [[title_names[c], n] for c, n in top_ti[i]],
            "employers": [[company_ids[c], str(names[first_row[c]]), n] for c, n in top_co[i]],
            "workplace": {wp_names[c]: n for c, n in wp[i]},
            "pay": pay[i],
        })
    return Attributes(
        vectors=_group_vectors(vectors, rows, gid, n_groups),
        occupation=g_occ.astype(np.int32), occupation_codes=occ_names,
        kind=np.array([KINDS.index(p.split(":", 1)[0]) for p in g_place], dtype=np.int8),
        place=np.array([p.split(":", 1)[1] for p in g_place], dtype=str),
        count=np.bincount(gid, minlength=n_groups).astype(np.int64),
        metas=metas,
    )


# --- storage ------------------------------------------------------------------------------


@dataclass
class Attributes:
    """Mined groups: row i of every array is group i; `meta(i)` decodes its attributes."""

    vectors: np.ndarray  # (groups, dim) float16, unit rows
    occupation: np.ndarray  # index into occupation_codes; -1: all occupations
    occupation_codes: list[str]
    kind: np.ndarray  # ANY, COUNTRY or CITY
    place: np.ndarray  # "" (any), an ISO country code, or a GeoNames city id
    count: np.ndarray
    metas: list[dict[str, Any]] | None = None  # when mined; loaded sets decode lazily
    _blob: bytes = b""
    _offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.count)

    @cached_property
    def _unit(self) -> np.ndarray:
        return np.ascontiguousarray(self.vectors, dtype=np.float32)

    @cached_property
    def _by_place(self) -> dict[tuple[int, str], np.ndarray]:
        """(kind, place) -> its groups, so a place's groups are found without string scans."""
        keys = [(int(k), str(p)) for k, p in zip(self.kind.tolist(), self.place.tolist(), strict=True)]
        out: dict[tuple[int, str], list[int]] = {}
        for i, key in enumerate(keys):
            out.setdefault(key, []).append(i)
        return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}

    def at(self, kind: int, places: list[str]) -> np.ndarray:
        """Mask of the groups of `kind` at any of `places`."""
        mask = np.zeros(len(self), dtype=bool)
        for p in places:
            rows = self._by_place.get((kind, p))
            if rows is not None:
                mask[rows] = True
        return mask

    def meta(self, i: int) -> dict[str, Any]:
        if self.metas is not None:
            return self.metas[i]
        return json.loads(self._blob[int(self._offsets[i]):int(self._offsets[i + 1])])

    def save(self, path: Path) -> None:
        parts = [json.dumps(self.meta(i), separators=(",", ":")).encode() for i in range(len(self))]
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
        with open(path, "wb") as fh:
            np.savez(fh, format_version=np.array(FORMAT_VERSION), vectors=self.vectors,
                     occupation=self.occupation, occupation_codes=np.array(self.occupation_codes, dtype=str),
                     kind=self.kind, place=self.place, count=self.count,
                     meta=np.frombuffer(b"".join(parts), dtype=np.uint8), meta_offsets=offsets)

    @classmethod
    def from_bytes(cls, data: bytes) -> Attributes:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            if int(z["format_version"]) != FORMAT_VERSION:
                raise ValueError(f"format_version {int(z['format_version'])}, expected {FORMAT_VERSION}")
            out = cls(vectors=z["vectors"], occupation=z["occupation"],
                      occupation_codes=[str(c) for c in z["occupation_codes"]], kind=z["kind"],
                      place=z["place"], count=z["count"], _blob=z["meta"].tobytes(), _offsets=z["meta_offsets"])
        n = len(out.count)
        if not (out.vectors.shape[0] == len(out.occupation) == len(out.kind) == len(out.place) == n
                and len(out._offsets) == n + 1):
            raise ValueError("arrays of different lengths")
        return out

    # --- retrieval ----------------------------------------------------------------------

    def nearest(self, query: np.ndarray, filters: Filters, *, by_meaning: bool = True,
                min_similarity: float = MIN_SIMILARITY) -> Group | None:
        """The group the query is about: its occupation is the nearest group's (among the
        groups of the filters' places, or anywhere when none is given), at the most
        specific place level that has it (cities, then countries); without a near enough
        occupation (or `by_meaning` False: the query has no words besides its filters), the
        all-occupations group of the place. None when no mined group fits the place."""
        if not len(self):
            return None
        levels = _levels(self, filters)
        consistent = levels[0] | levels[1] if levels else self.kind == ANY
        occ_code = -1
        score = 0.0
        cand = np.flatnonzero(consistent & (self.occupation >= 0))
        if by_meaning and len(cand):
            q = np.asarray(query, dtype=np.float32).reshape(-1)
            scores = (self._unit @ q)[cand]  # one mat-vec over all groups: no copy of their rows
            best = int(np.argmax(scores))
            if scores[best] >= min_similarity:
                occ_code, score = int(self.occupation[cand[best]]), float(scores[best])
        # The query's occupation at a wider place beats all occupations at the narrower one.
        for occ in ([occ_code, -1] if occ_code >= 0 else [-1]):
            for level in levels or [self.kind == ANY]:
                members = np.flatnonzero(level & (self.occupation == occ))
                if len(members):
                    return self._merged(_without_covered(self, members), score if occ >= 0 else 0.0)
        return None

    def _merged(self, members: np.ndarray, score: float) -> Group:
        skills: Counter[str] = Counter()
        titles: Counter[str] = Counter()
        employers: Counter[str] = Counter()
        names: dict[str, str] = {}
        workplace: Counter[str] = Counter()
        bands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for i in members.tolist():
            m = self.meta(i)
            skills.update({s: n for s, n in m["skills"]})
            titles.update({t: n for t, n in m["titles"]})
            for cid, name, n in m["employers"]:
                employers[cid] += n
                names[cid] = name
            workplace.update(m["workplace"])
            for b in m["pay"]:
                bands.setdefault((b["currency"], b["period"]), []).append(b)
        pay = [_pooled(parts) for parts in bands.values()]
        pay.sort(key=lambda d: (-d["n"], d["currency"], d["period"]))
        occ = int(self.occupation[members[0]])
        first = int(members[0])
        return Group(
            occupation_code=None if occ < 0 else self.occupation_codes[occ],
            kind=KINDS[int(self.kind[first])],
            places=[str(p) for p in self.place[members]],
            count=int(self.count[members].sum()),
            score=score,
            skills=_ordered(skills),
            titles=_ordered(titles),
            employers=[(cid, names[cid], n) for cid, n in _ordered(employers)],
            workplace=dict(workplace),
            pay=pay,
        )


@dataclass(frozen=True)
class Group:
    """One mined group (or several of one occupation merged, e.g. a metro's cities)."""

    occupation_code: str | None  # None: all occupations of the place
    kind: str  # "any", "country" or "city" (of the first group merged)
    places: list[str]  # country codes or city ids ([""] for anywhere)
    count: int
    score: float  # cosine of the query to the group's occupation (0 for place-only groups)
    skills: list[tuple[str, int]]
    titles: list[tuple[str, int]]
    employers: list[tuple[str, str, int]]  # (company id, name, postings)
    workplace: dict[str, int]
    pay: list[dict[str, Any]]  # bands: currency, period, n, p25, p50, p75

    def share(self, workplace: Workplace) -> float:
        return self.workplace.get(workplace, 0) / self.count if self.count else 0.0

    def label(self) -> str:
        """'Software Developers in Seattle, WA', 'Jobs in Germany'."""
        from jobsearch.taxonomy.occupations import get_occupation
        from jobsearch.taxonomy.places import gazetteer

        occ = get_occupation(self.occupation_code) if self.occupation_code else None
        what = occ.title if occ else (self.occupation_code or "Jobs")
        gaz = gazetteer()
        if self.kind == "any":
            return f"{what}, all places"
        # City ids are digits, countries letters ("Seattle or Canada" merges both kinds).
        names = [gaz.display_name(p) if p.isdigit() else (gaz.countries[p].name if p in gaz.countries else p)
                 for p in self.places]
        where = names[0] if len(names) == 1 else (
            " and ".join(names) if len(names) == 2 else f"{names[0]} and {len(names) - 1} nearby places")
        return f"{what} in {where}"


def _without_covered(attrs: Attributes, members: np.ndarray) -> np.ndarray:
    """Groups to merge, less the cities whose country's group is among them too ("Seattle
    or the US"): a posting is counted once."""
    countries = {str(attrs.place[i]) for i in members if attrs.kind[i] == COUNTRY}
    if not countries:
        return members
    from jobsearch.taxonomy.places import gazetteer

    cities = gazetteer().cities
    return np.array([i for i in members if attrs.kind[i] != CITY
                     or getattr(cities.get(str(attrs.place[i])), "country_code", "") not in countries], dtype=np.int64)


def _ordered(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _pooled(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One band from the same band of several groups: percentiles weighted by postings
    (an approximation; exact for one group)."""
    n = sum(p["n"] for p in parts)
    out = {"currency": parts[0]["currency"], "period": parts[0]["period"], "n": n}
    for q in ("p25", "p50", "p75"):
        out[q] = round(sum(p[q] * p["n"] for p in parts) / n, 2)
    return out


def _levels(attrs: Attributes, filters: Filters) -> list[np.ndarray]:
    """Masks of the groups consistent with the filters' places, most specific first: the
    cities asked (and countries asked), then the countries of all of them. Empty: no place."""
    from jobsearch.taxonomy.places import gazetteer

    cities = [c for c in filters.location_ids if c not in set(filters.exclude_location_ids)]
    excluded_cc = {c.upper() for c in filters.exclude_country_codes}
    countries = [c.upper() for c in filters.country_codes if c.upper() not in excluded_cc]
    if not cities and not countries:
        return []
    gaz = gazetteer()
    wider = sorted({gaz.cities[c].country_code for c in cities if c in gaz.cities} | set(countries))
    return [attrs.at(CITY, cities) | attrs.at(COUNTRY, countries),
            attrs.at(COUNTRY, [c for c in wider if c not in excluded_cc])]


def write_attributes(set_dir: Path, vectors: np.ndarray, table: pa.Table) -> dict[str, str]:
    """Mine and write the attributes of a set being built; {file name: sha256} for the manifest."""
    from jobsearch.index.layout import sha256_file

    mine(vectors, table).save(set_dir / ATTRIBUTES)
    return {ATTRIBUTES: sha256_file(set_dir / ATTRIBUTES)}


def read_attributes(set_dir: Path, manifest: Any) -> Attributes | None:
    """The set's mined attributes, verified against the manifest's sha256; None for a set
    built before they existed (no refinements, nothing else changes)."""
    import hashlib

    digest = manifest.files.get(ATTRIBUTES)
    if digest is None:
        return None
    try:
        data = (Path(set_dir) / ATTRIBUTES).read_bytes()
    except OSError as exc:
        raise CorruptShardSetError(f"{Path(set_dir).name}/{ATTRIBUTES}: unreadable ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        raise CorruptShardSetError(f"{Path(set_dir).name}/{ATTRIBUTES}: checksum mismatch with the manifest")
    try:
        return Attributes.from_bytes(data)
    except (ValueError, KeyError, OSError) as exc:
        raise CorruptShardSetError(f"{Path(set_dir).name}/{ATTRIBUTES}: malformed ({exc})") from exc
