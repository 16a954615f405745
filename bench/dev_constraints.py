"""Dev-set constraint check of the query parser (../shared/relevance/judged-dev.jsonl): for
each of the 80 queries, the parse against what a careful reader expects
(tests/query/dev_expectations.py), and what a wrong parse lets through:

- exact: queries whose filters equal the expected ones;
- judged pool: postings the LLM judge marked as breaking a stated constraint that the parse's
  filters still admit (they can reach a top 10), and pool postings admitted by the parse that
  break the expected filters (`jobsearch.filtering.violations`, now = judging time);
- corpus: postings of the 20,000-posting corpus the judged pool came from that pass the
  parse but break the expected filters (compiled index masks), i.e. results a parse error
  could put in a top 10 whatever the ranking.

    python bench/dev_constraints.py --dump PARSES.json [--code OLD_CHECKOUT]   # parse only
    python bench/dev_constraints.py --before OLD.json --after NEW.json --corpus DIR   # compare (JSON)

`--code` parses with another checkout's `jobsearch` (e.g. `git archive REV jobsearch | tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
JUDGED_AT = datetime(2026, 12, 4, 15, 40, tzinfo=UTC)  # the dev set's README: judged around 15:40 UTC


def _use_code(root: str) -> None:
    """Import `jobsearch` from `root`, ahead of the editable install."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()
                        and "editable" not in getattr(f, "__name__", "").lower()]
    sys.path.insert(0, root)


def dump(out: Path) -> None:
    sys.path.insert(0, str(HERE / "tests" / "query"))
    from dev_set import engine_for, load, member_of

    rows = load()
    engine = engine_for(rows)
    parses = {}
    for row in rows:
        member = member_of(row)
        try:
            parsed = engine.parse(row["query"], member.member_id if member else None)
            parses[row["qid"]] = {"filters": parsed.filters.model_dump(mode="json"), "semantic_text": parsed.semantic_text}
        except Exception as exc:  # noqa: BLE001 - an old parser's refusal is a result too
            parses[row["qid"]] = {"error": f"{type(exc).__name__}: {exc}"}
    out.write_text(json.dumps(parses, indent=1))


def _row(posting: dict) -> dict:
    row = dict(posting)
    row["posted_at"] = datetime.fromisoformat(posting["posted_at"])
    return row


def compare(before: Path, after: Path, corpus: Path | None) -> dict:
    sys.path.insert(0, str(HERE / "tests" / "query"))
    from dev_set import expected_filters, load, member_of, same

    from jobsearch.filtering import violations
    from jobsearch.schema import Filters

    cols = vocab = None
    if corpus is not None:
        import pyarrow.parquet as pq

        from jobsearch.index.columns import build_columns
        from jobsearch.index.masks import compile_mask, cutoff_seconds

        cols, vocab = build_columns(pq.read_table(corpus / "postings.parquet"))

    def count(f: Filters, e: Filters) -> tuple[int, int]:
        def mask(x: Filters):  # noqa: ANN202
            import numpy as np

            cut = cutoff_seconds(JUDGED_AT, x.posted_within_days) if x.posted_within_days is not None else None
            m = compile_mask(cols, vocab, x, cutoff=cut)
            return np.ones(cols.rows, bool) if m is None else m

        p, w = mask(f), mask(e)
        return int((p & ~w).sum()), int((w & ~p).sum())

    rows = load()
    report: dict = {"judged_at": JUDGED_AT.isoformat(), "queries": len(rows), "runs": {}}
    for name, path in (("before", before), ("after", after)):
        parses = json.loads(path.read_text())
        run = {"exact": 0, "refused": [], "judge_violations_in_pool": 0, "judge_violations_admitted": 0,
               "pool_rows_admitted_breaking_expected": 0, "corpus_rows_admitted_breaking_expected": 0,
               "corpus_rows_expected_but_refused": 0, "wrong": {}}
        for row in rows:
            qid, member = row["qid"], member_of(row)
            want = expected_filters(qid, member)
            got_json = parses[qid]
            flagged = [j for j in row["judged"] if j["violation"] in
                       ("place", "workplace", "pay", "recency", "company", "employment", "seniority")]
            run["judge_violations_in_pool"] += len(flagged)
            if "error" in got_json:
                run["refused"].append(qid)
                continue
            got = Filters.model_validate(got_json["filters"])
            ok = same(got, want)
            run["exact"] += ok
            admitted = [j for j in flagged if not violations(_row(j["posting"]), got, now=JUDGED_AT)]
            run["judge_violations_admitted"] += len(admitted)
            leaks = [j["posting"]["job_id"] for j in row["judged"]
                     if not violations(_row(j["posting"]), got, now=JUDGED_AT)
                     and violations(_row(j["posting"]), want, now=JUDGED_AT)]
            run["pool_rows_admitted_breaking_expected"] += len(leaks)
            extra = lost = 0
            if cols is not None:
                extra, lost = count(got, want)
                run["corpus_rows_admitted_breaking_expected"] += extra
                run["corpus_rows_expected_but_refused"] += lost
            if not ok or admitted or leaks:
                run["wrong"][qid] = {"query": row["query"], "pool_leaks": len(leaks),
                                     "judge_flagged_admitted": len(admitted), "corpus_leaks": extra,
                                     "corpus_lost": lost}
        report["runs"][name] = run
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, help="write this checkout's parses of the dev set here")
    ap.add_argument("--code", help="parse with the jobsearch package under this folder")
    ap.add_argument("--before", type=Path)
    ap.add_argument("--after", type=Path)
    ap.add_argument("--corpus", type=Path, help="the 20k corpus (jobsearch corpus generate --jobs 20000 --seed 11)")
    args = ap.parse_args()
    if args.code:
        _use_code(args.code)
    if args.dump:
        dump(args.dump)
        return
    if not (args.before and args.after):
        ap.error("--dump, or --before and --after")
    print(json.dumps(compare(args.before, args.after, args.corpus), indent=1))


if __name__ == "__main__":
    main()
