"""Descriptive statistics of a corpus folder (`jobsearch corpus stats`): what a reader
checks before trusting a corpus for search or training."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc


def _top(values: list, n: int = 15) -> dict[str, int]:
    return {str(k): v for k, v in Counter(values).most_common(n)}


def corpus_stats(corpus_dir: Path) -> dict[str, Any]:
    from jobsearch.corpus.members import load_members
    from jobsearch.corpus.table import read_postings
    from jobsearch.paystats import PayStats
    from jobsearch.taxonomy.places import gazetteer

    table = read_postings(Path(corpus_dir))
    gaz = gazetteer()
    first = pc.list_element(table.column("location_ids"), 0).to_pylist() if table.num_rows else []
    countries = [gaz.cities[i].country_code if i in gaz.cities else "?" for i in first]
    occ = table.column("occupation_code").to_pylist()
    posted = table.column("posted_at")
    pay = PayStats.from_table(table)
    remote = table.column("remote_share").to_numpy(zero_copy_only=False)
    return {
        "postings": table.num_rows,
        "cities": len(set(first)),
        "countries": len(set(countries)),
        "occupations": len({o for o in occ if o}),
        "occupation_families": len({o[:2] for o in occ if o}),
        "companies": len(set(table.column("company_id").to_pylist())),
        "members": len(load_members(Path(corpus_dir))),
        "staffing_share": round(float(np.mean(np.array(table.column("company_type").to_pylist()) == "staffing")), 4)
        if table.num_rows else 0.0,
        "mean_remote_share": round(float(remote.mean()), 4) if table.num_rows else 0.0,
        "with_pay_share": round(len(pay) / table.num_rows, 4) if table.num_rows else 0.0,
        "median_annual_usd": round(pay.annual_usd("median", occupation_code=None, location_ids=[],
                                                  country_codes=[]) or 0.0),
        "posted_from": str(pc.min(posted).as_py()) if table.num_rows else None,
        "posted_to": str(pc.max(posted).as_py()) if table.num_rows else None,
        "top_countries": _top(countries),
        "top_cities": _top([gaz.display_name(i) for i in first]),
        "top_occupations": _top(occ),
        "workplace": _top(table.column("workplace").to_pylist()),
        "seniority": _top(table.column("seniority").to_pylist()),
        "employment_type": _top(table.column("employment_type").to_pylist()),
        "salary_period": _top([p for p in table.column("salary_period").to_pylist() if p]),
    }
