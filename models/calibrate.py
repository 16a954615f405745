"""Fit the match-grade calibrations of a training run (jobsearch/rank/calibration.py) on
policy grades: the ranker's logits and the retrieval cosines of the val split's re-ranked
pools (eval_scores.npz of scripts/gpu_train_ranker.py, grades from the bundle's eval.npz)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from jobsearch.rank.calibration import ScoreCalibration


def pooled_pairs(run_dir: Path, bundle: Path, *, split: str, system: str) -> tuple[np.ndarray, np.ndarray]:
    """(scores, soft policy grades) of every candidate in the `split` pools of a run."""
    from jobsearch.models.ranker_data import read_json_gz

    ev = np.load(Path(run_dir) / "eval_scores.npz")
    grades = np.load(Path(bundle) / "eval.npz")["soft"]
    queries = read_json_gz(Path(bundle) / "queries.json.gz")
    s_out, g_out = [], []
    for r, qi in enumerate(ev["qidx"]):
        if queries[int(qi)]["split"] != split:
            continue
        pool = ev["pools"][r]
        ok = pool >= 0
        s_out.append(ev[system][r][ok])
        g_out.append(grades[r][pool[ok]])
    return np.concatenate(s_out).astype(np.float64), np.concatenate(g_out).astype(np.int64)


def fit_run(run_dir: Path, bundle: Path, out_dir: Path, *, model_id: str, precision: float = 0.85) -> dict[str, Any]:
    """calibration.json (ranker logits) and retrieval-calibration.json (cosines) in out_dir,
    fitted on the val pools and checked on the test pools (policy judge)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {}
    for system, scale, name in (("student", "ranker-logit", "calibration.json"),
                                ("retrieval", "retrieval-cosine", "retrieval-calibration.json")):
        s, g = pooled_pairs(run_dir, bundle, split="val", system=system)
        ts, tg = pooled_pairs(run_dir, bundle, split="test", system=system)
        cal = ScoreCalibration.fit(s, g, scale=scale, model_id=model_id if system == "student" else "minilm-retriever",
                                   precision=precision,
                                   meta={"fitted_on": f"policy grader, soft grades, val split re-ranked pools ({len(s)} pairs)",
                                         "precision_target": precision})
        strong = cal.grade_index(ts) >= 2
        check = {"pairs": len(ts), "strong_labels": int(strong.sum()),
                 "strong_label_precision": float((tg[strong] >= 3).mean()) if strong.any() else None}
        cal.meta["checked_on_policy_test"] = check
        cal.save(out_dir / name)
        report[system] = {"cuts": cal.to_dict()["cuts"], "policy_test": check}
    return report
