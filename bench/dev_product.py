"""The product on the LLM-judged dev set's pools (../shared/relevance/judged-dev.jsonl): what
a person would see if the pipeline ranked each judged pool. Every posting that fails the
current parser's strict filters is never shown (the index refuses it); the rest are ordered
by a system's scores. Reported per system, beside the same scores on the unfiltered pool:
NDCG@10 and P@10 (Good or better, the judge's grade 3-4) of what is shown, first shown result
Good or better (queries with any Good posting), and shown top-10 postings the judge flagged as
breaking a stated constraint.

    python bench/dev_product.py --scores artifacts-ranker/gpu-run-1/dev_scores.json.gz

Scores: {qid: {system: [score per judged posting, in file order]}} (`jobsearch eval dev`
and the ranker training run write this). "Above median pay" stays unchecked here (the judge
also accepts typical pay), as the pools carry no pay statistics.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]
JUDGED_AT = datetime(2026, 12, 4, 15, 40, tzinfo=UTC)
STATED = ("place", "workplace", "pay", "recency", "company", "employment", "seniority")


def _row(posting: dict) -> dict:
    return {**posting, "posted_at": datetime.fromisoformat(posting["posted_at"])}


def _ndcg(grades: list[int], ideal: list[int], k: int = 10) -> float:
    def dcg(g: list[int]) -> float:
        return float(sum((2**x - 1) / np.log2(i + 2) for i, x in enumerate(g[:k])))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best > 0 else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scores", type=Path, required=True)
    ap.add_argument("--fuse", action="append", default=[], metavar="SYSTEM=WEIGHT",
                    help="also rank by SYSTEM + WEIGHT x retrieval cosine (the served ranker's fusion)")
    ap.add_argument("--calibration", action="append", default=[], metavar="SYSTEM=FILE[@SCORES]",
                    help="grade what SYSTEM shows with this calibration: label checks on what is shown; "
                         "@SCORES grades another system's scores of the shown postings (the served fusion "
                         "orders by 'ranker + W x cosine' and labels by the retrieval cosine)")
    ap.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "dev_product.json")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE / "tests" / "query"))
    sys.path.insert(0, str(HERE / "bench"))
    from dev_set import engine_for, load, member_of
    from machine import machine_info

    from jobsearch.filtering import violations
    from jobsearch.rank.calibration import ScoreCalibration

    calibrations, graded_scores = {}, {}
    for spec in args.calibration:
        name, _, rest = spec.partition("=")
        path, _, of = rest.partition("@")
        calibrations[name], graded_scores[name] = ScoreCalibration.load(Path(path)), of or name

    rows = load()
    engine = engine_for(rows)
    opener = gzip.open if args.scores.suffix == ".gz" else open
    scores = json.load(opener(args.scores, "rt"))
    for spec in args.fuse:
        name, _, weight = spec.partition("=")
        for per in scores.values():
            per[f"{name} + {weight} x cosine"] = (np.asarray(per[name]) + float(weight) * np.asarray(per["retrieval"])).tolist()
    systems = sorted({s for per in scores.values() for s in per})
    shown_mask = {}
    for row in rows:
        member = member_of(row)
        parsed = engine.parse(row["query"], member.member_id if member else None)
        f = parsed.filters
        if f.min_salary is not None and f.min_salary.amount is None:  # relative pay: unchecked here
            f = f.model_copy(update={"min_salary": None})
        shown_mask[row["qid"]] = np.array([not violations(_row(j["posting"]), f, now=JUDGED_AT) for j in row["judged"]])
    out: dict = {"created": datetime.now(UTC).isoformat(), "machine": machine_info(), "judge": "LLM dev set",
                 "queries": len(rows), "systems": {}}
    for system in systems:
        for filtered in (False, True):
            ndcg, p10, first, flagged, answerable, shown_n = [], [], [], 0, 0, 0
            cal = calibrations.get(system)
            strong_labels = strong_right = no_good_queries = no_good_clean = 0
            for row in rows:
                s = np.asarray(scores[row["qid"]][system], dtype=np.float64)
                grades = [j["grade"] for j in row["judged"]]
                if len(s) != len(grades):
                    raise SystemExit(f"{row['qid']}: {len(s)} scores for {len(grades)} judged postings")
                keep = shown_mask[row["qid"]] if filtered else np.ones(len(grades), bool)
                order = [i for i in np.argsort(-s, kind="stable") if keep[i]][:10]
                shown = [grades[i] for i in order]
                shown_n += len(shown)
                ndcg.append(_ndcg(shown, grades))
                p10.append(sum(g >= 3 for g in shown) / 10)
                flagged += sum(row["judged"][i]["violation"] in STATED for i in order)
                if any(g >= 3 for g in grades):
                    answerable += 1
                    first.append(bool(shown) and shown[0] >= 3)
                if cal is not None and order:
                    labels, _ = cal.grade(np.asarray(scores[row["qid"]][graded_scores[system]])[order])
                    strong = [g for g, lab in zip(shown, labels, strict=True) if lab in ("good", "excellent")]
                    strong_labels += len(strong)
                    strong_right += sum(g >= 3 for g in strong)
                    if not any(g >= 3 for g in grades):
                        no_good_queries += 1
                        no_good_clean += not strong
            key = f"{system}{' + parsed filters' if filtered else ''}"
            out["systems"][key] = {"ndcg_at_10": round(float(np.mean(ndcg)), 3), "p_at_10": round(float(np.mean(p10)), 3),
                                   "first_good_answerable": round(float(np.mean(first)), 3),
                                   "shown_top10_flagged_for_stated_constraint": flagged, "shown": shown_n}
            if cal is not None:
                out["systems"][key] |= {
                    "strong_labels_shown": strong_labels,
                    "strong_labels_right": round(strong_right / strong_labels, 3) if strong_labels else None,
                    "no_good_queries_without_strong_label": round(no_good_clean / no_good_queries, 3) if no_good_queries else None}
            print(key, json.dumps(out["systems"][key]))
    args.out.write_text(json.dumps(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
