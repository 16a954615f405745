"""The second judge: the LLM-judged dev set (`../shared/relevance/judged-dev.jsonl`, its
README beside it). Reads it, and measures a system's scores of every judged pair against
the judge's grades: agreement (QWK of predicted grades, Kendall tau within each query),
re-ranking of each judged pool (NDCG@10, P@10, first result Good or better on answerable
queries) and, with a calibration, how often its "Good or better" labels are right and how
often a query with no good posting gets no Good label. `jobsearch eval dev` prints it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.relevance_metrics import confusion, ndcg_at, quadratic_weighted_kappa

# The moment the dev set was judged: "posted N days ago" is relative to it (README).
DEV_NOW = datetime(2026, 12, 4, 15, 40, tzinfo=UTC)
STRONG = 3  # Good or better
MATCH_TO_GRADE = {"poor": 1, "fair": 2, "good": 3, "excellent": 4}


@dataclass
class DevQuery:
    qid: str
    query: str
    kind: str
    member: dict[str, Any] | None
    grades: np.ndarray  # judge grades 0..4, one per judged posting
    violations: list[str]
    postings: list[dict[str, Any]]  # whole posting rows (corpus schema)

    @property
    def answerable(self) -> bool:
        return bool((self.grades >= STRONG).any())


class DevSetError(ValueError):
    """The judged file is missing or malformed (message names the line)."""


def read_judged(path: Path) -> list[DevQuery]:
    path = Path(path)
    if not path.is_file():
        raise DevSetError(f"no judged dev set at {path} (see ../shared/relevance/README.md)")
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            judged = d["judged"]
            out.append(DevQuery(
                qid=str(d["qid"]), query=str(d["query"]), kind=str(d.get("kind", "")), member=d.get("member"),
                grades=np.array([int(j["grade"]) for j in judged], dtype=np.int64),
                violations=[str(j.get("violation", "")) for j in judged],
                postings=[dict(j["posting"]) for j in judged],
            ))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DevSetError(f"{path}:{n}: not a judged query ({exc})") from exc
        if out[-1].grades.min(initial=0) < 0 or out[-1].grades.max(initial=0) > 4:
            raise DevSetError(f"{path}:{n}: grades must be 0..4")
    return out


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float | None:
    """Kendall's tau-b of two score lists (None when either is constant or < 2 items)."""
    if len(a) < 2:
        return None
    from scipy.stats import kendalltau

    tau = kendalltau(a, b).statistic
    return None if tau is None or np.isnan(tau) else float(tau)


def evaluate(queries: list[DevQuery], scores: dict[str, np.ndarray], *, name: str,
             calibration: Any | None = None) -> dict[str, Any]:
    """Metrics of one system. `scores[qid]`: one score per judged posting (higher better).
    `calibration` (a MatchCalibration of these scores) adds QWK and the label checks."""
    per: list[dict[str, Any]] = []
    pred_all: list[int] = []
    ref_all: list[int] = []
    for q in queries:
        if q.qid not in scores:
            raise DevSetError(f"system {name!r} has no scores for query {q.qid}")
        s = np.asarray(scores[q.qid], dtype=np.float64)
        if s.shape != q.grades.shape:
            raise DevSetError(f"system {name!r}: {len(s)} scores for {len(q.grades)} judged postings of {q.qid}")
        order = np.argsort(-s, kind="stable")
        ranked = q.grades[order]
        row: dict[str, Any] = {
            "qid": q.qid, "kind": q.kind, "n": len(s), "answerable": q.answerable,
            "ndcg@10": ndcg_at(ranked, q.grades, 10),
            "p@10": float(np.mean(ranked[:10] >= STRONG)) if len(ranked) else 0.0,
            "first_good": bool(len(ranked) and ranked[0] >= STRONG),
            "tau": kendall_tau(s, q.grades),
        }
        if calibration is not None:
            labels, match = calibration.grade(s)
            pred = np.array([MATCH_TO_GRADE[g] for g in labels])
            row["labelled_strong"] = int((pred >= STRONG).sum())
            row["labelled_strong_right"] = int(((pred >= STRONG) & (q.grades >= STRONG)).sum())
            row["top10_labelled_strong"] = int((pred[order][:10] >= STRONG).sum())
            pred_all += pred.tolist()
            ref_all += q.grades.tolist()
        per.append(row)
    return {"system": name, "judge": "llm-dev-set", "n_queries": len(per), **summarise(per, pred_all, ref_all),
            "per_query": per}


def summarise(per: list[dict[str, Any]], pred: list[int], ref: list[int]) -> dict[str, Any]:
    def means(rows: list[dict[str, Any]]) -> dict[str, Any]:
        ans = [r for r in rows if r["answerable"]]
        taus = [r["tau"] for r in rows if r["tau"] is not None]
        out: dict[str, Any] = {
            "n": len(rows), "answerable": len(ans),
            "ndcg@10": _mean([r["ndcg@10"] for r in ans]),
            "p@10": _mean([r["p@10"] for r in rows if r["n"]]),  # over queries with a judged pool
            "first_good_answerable": _mean([float(r["first_good"]) for r in ans]),
            "kendall_tau": _mean(taus),
        }
        if rows and "labelled_strong" in rows[0]:
            unans = [r for r in rows if not r["answerable"]]
            lab = sum(r["labelled_strong"] for r in rows)
            out["strong_label_precision"] = (sum(r["labelled_strong_right"] for r in rows) / lab) if lab else None
            out["strong_labels"] = lab
            out["no_good_query_clean"] = _mean([float(r["labelled_strong"] == 0) for r in unans])
        return out

    kinds = sorted({r["kind"] for r in per})
    out: dict[str, Any] = {"overall": means(per), "by_kind": {k: means([r for r in per if r["kind"] == k]) for k in kinds}}
    if pred:
        p, r = np.array(pred), np.array(ref)
        out["qwk"] = quadratic_weighted_kappa(np.clip(p, 0, 4), r)
        # rows: judge grade 0..4; columns: predicted poor, fair, good, excellent
        out["confusion_judge_x_predicted"] = confusion(r, p)[:, 1:].tolist()
    return out


def _mean(vals: list[float]) -> float | None:
    return float(np.mean(vals)) if vals else None


def _f(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}"


def markdown(results: list[dict[str, Any]]) -> str:
    """One table of every system (overall), then the confusion matrix of each calibrated one."""
    head = ("| system | NDCG@10 | P@10 | first result Good+ (answerable) | Kendall tau | QWK | "
            "Good+ labels right | no-good queries without a Good label |\n|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in results:
        o = r["overall"]
        lines.append(f"| {r['system']} | {_f(o['ndcg@10'])} | {_f(o['p@10'])} | {_f(o['first_good_answerable'])} | "
                     f"{_f(o['kendall_tau'])} | {_f(r.get('qwk'))} | {_f(o.get('strong_label_precision'))} | "
                     f"{_f(o.get('no_good_query_clean'))} |")
    text = (f"Judge: LLM dev set ({results[0]['n_queries'] if results else 0} queries, "
            f"{results[0]['overall']['answerable'] if results else 0} answerable)\n\n" + head + "\n".join(lines) + "\n")
    for r in results:
        if "confusion_judge_x_predicted" in r:
            text += (f"\n{r['system']}: judge grade (rows) x predicted match (columns)\n\n"
                     "| judge | poor | fair | good | excellent |\n|---|---|---|---|---|\n")
            for g, row in enumerate(r["confusion_judge_x_predicted"]):
                text += f"| {g} | " + " | ".join(str(x) for x in row) + " |\n"
    return text
