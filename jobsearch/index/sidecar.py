"""Set-level files derived from the postings, written beside the shards by `index build`
and verified with them (listed in the manifest with their sha256): the companies of the
set, its pay statistics (what "above median pay" resolves against) and a reference to the
members file of the corpus it was built from.

The query engine server and the transformer read these and the manifest only: they never
open the vectors or records of a set (their memory does not grow with the index)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from jobsearch.errors import CorruptShardSetError
from jobsearch.index.layout import Manifest, sha256_file
from jobsearch.paystats import PayStats
from jobsearch.schema import Company

CATALOG = "catalog.json"
PAYSTATS = "paystats.npz"
SIDECARS = (CATALOG, PAYSTATS)


def write_sidecars(set_dir: Path, table: pa.Table, *, members_file: Path | None = None) -> dict[str, str]:
    """Write the catalog and pay statistics of `table` (the set's postings) into a set folder
    being built; returns {file name: sha256} for the manifest."""
    companies: dict[str, dict[str, str]] = {}
    for cid, name, ctype in zip(
        table.column("company_id").to_pylist(), table.column("company_name").to_pylist(),
        table.column("company_type").to_pylist(), strict=True,
    ):
        companies.setdefault(cid, {"id": cid, "name": name, "type": ctype})
    members = None
    if members_file is not None and Path(members_file).is_file():
        members = {"file": Path(members_file).name, "sha256": sha256_file(Path(members_file))}
    doc = {"format_version": 1, "companies": list(companies.values()), "members": members}
    (set_dir / CATALOG).write_text(json.dumps(doc, separators=(",", ":")))
    _save_paystats(set_dir / PAYSTATS, PayStats.from_table(table))
    return {name: sha256_file(set_dir / name) for name in SIDECARS}


def has_sidecars(manifest: Manifest) -> bool:
    return all(name in manifest.files for name in SIDECARS)


def _verified(set_dir: Path, manifest: Manifest, name: str) -> bytes:
    """The file's bytes, refused unless the manifest lists it with this very sha256."""
    import hashlib

    if name not in manifest.files:
        raise CorruptShardSetError(f"{set_dir.name}: the manifest lists no {name} (built before catalogs; rebuild)")
    try:
        data = (set_dir / name).read_bytes()
    except OSError as exc:
        raise CorruptShardSetError(f"{set_dir.name}/{name}: unreadable ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != manifest.files[name]:
        raise CorruptShardSetError(f"{set_dir.name}/{name}: checksum mismatch with the manifest")
    return data


def read_catalog_file(set_dir: Path, manifest: Manifest) -> tuple[list[Company], dict[str, str] | None]:
    """Companies and the members reference ({file, sha256} or None), verified."""
    try:
        doc = json.loads(_verified(set_dir, manifest, CATALOG))
        return [Company.model_validate(c) for c in doc["companies"]], doc.get("members")
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptShardSetError(f"{set_dir.name}/{CATALOG}: malformed ({exc})") from exc


def read_paystats(set_dir: Path, manifest: Manifest) -> PayStats:
    data = _verified(set_dir, manifest, PAYSTATS)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            offsets, flat = z["loc_offsets"], z["loc_rows"]
            loc_rows = {str(loc): flat[offsets[i]:offsets[i + 1]] for i, loc in enumerate(z["loc_ids"])}
            return PayStats(z["pay"], z["occupation"], [str(c) for c in z["occ_codes"]], z["country"],
                            [str(c) for c in z["country_codes"]], loc_rows, min_count=int(z["min_count"]))
    except (ValueError, KeyError, IndexError) as exc:
        raise CorruptShardSetError(f"{set_dir.name}/{PAYSTATS}: malformed ({exc})") from exc


def _save_paystats(path: Path, stats: PayStats) -> None:
    locs = list(stats.loc_rows)
    sizes = [len(stats.loc_rows[k]) for k in locs]
    flat = np.concatenate([stats.loc_rows[k] for k in locs]).astype(np.int64) if locs else np.zeros(0, np.int64)
    occ_codes = sorted(stats.occ_index, key=stats.occ_index.__getitem__)
    countries = sorted(stats.country_index, key=stats.country_index.__getitem__)
    with open(path, "wb") as fh:
        np.savez(
            fh, pay=np.asarray(stats.pay, np.float64), occupation=np.asarray(stats.occupation, np.int64),
            occ_codes=np.array(occ_codes, dtype=str), country=np.asarray(stats.country, np.int64),
            country_codes=np.array(countries, dtype=str), loc_ids=np.array(locs, dtype=str),
            loc_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), loc_rows=flat,
            min_count=np.array(stats.min_count, np.int64),
        )
