"""The second judge (`jobsearch eval dev`): a small synthetic judged file makes every code
path testable without ../shared; the real dev set is read only when present."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from jobsearch.models.cli import app
from jobsearch.models.dev_set import DevSetError, evaluate, markdown, read_judged
from typer.testing import CliRunner

from jobsearch.rank.calibration import FORMAT, ScoreCalibration

runner = CliRunner()
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "relevance" / "judged-dev.jsonl"


def _posting(i: int, title: str) -> dict:
    return {"job_id": f"j-{i}", "title": title, "description": f"{title} work in Houston.", "company_id": "c1",
            "company_name": "Acme", "company_type": "direct", "industry_naics": "6221", "location_ids": ["4699066"],
            "workplace": "onsite", "remote_share": 0.0, "salary_min": None, "salary_max": None,
            "salary_currency": None, "salary_period": None, "posted_at": "2026-12-01T00:00:00+00:00",
            "seniority": "mid", "employment_type": "full_time", "occupation_code": "29-1141.00",
            "skills": ["patient care"]}


@pytest.fixture
def judged(tmp_path) -> Path:
    rows = [
        {"qid": "t1", "query": "registered nurse houston", "kind": "short_role", "member": None,
         "judged": [{"grade": g, "violation": "", "note": "", "posting": _posting(i, t)}
                    for i, (g, t) in enumerate([(4, "Registered Nurse"), (3, "ICU Nurse"), (1, "Pharmacist"),
                                                (0, "CNC Operator")])]},
        {"qid": "t2", "query": "cook in dublin", "kind": "constraints", "member": None,
         "judged": [{"grade": g, "violation": "place" if g == 0 else "", "note": "", "posting": _posting(10 + i, t)}
                    for i, (g, t) in enumerate([(0, "Line Cook"), (1, "Kitchen Porter"), (0, "Waiter")])]},
    ]
    path = tmp_path / "judged.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _cal(tmp_path: Path) -> Path:
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({"format": FORMAT, "scale": "ranker-logit", "model_id": "t",
                                "cuts": {"fair": 0.0, "good": 1.0, "excellent": 2.0},
                                "strong": {"x": [0.0, 2.0], "y": [0.0, 1.0]}}))
    return path


def test_perfect_and_reversed_orders(judged) -> None:
    qs = read_judged(judged)
    assert [q.answerable for q in qs] == [True, False]
    perfect = {q.qid: q.grades.astype(float) for q in qs}
    reverse = {q.qid: -q.grades.astype(float) for q in qs}
    good = evaluate(qs, perfect, name="oracle")["overall"]
    bad = evaluate(qs, reverse, name="reverse")["overall"]
    assert good["ndcg@10"] == pytest.approx(1.0) and good["first_good_answerable"] == 1.0
    assert bad["first_good_answerable"] == 0.0 and bad["ndcg@10"] < 0.8
    assert good["kendall_tau"] > 0.9 and bad["kendall_tau"] < -0.9
    assert good["p@10"] == pytest.approx((2 / 4 + 0) / 2)


def test_calibration_table_counts_labels(judged, tmp_path) -> None:
    qs = read_judged(judged)
    cal = ScoreCalibration.load(_cal(tmp_path))
    # t1: 2.5 excellent (grade 4), 1.5 good (grade 3), 0.5 fair, -1 poor; t2: one wrong "good"
    scores = {"t1": np.array([2.5, 1.5, 0.5, -1.0]), "t2": np.array([1.2, 0.1, -2.0])}
    r = evaluate(qs, scores, name="s", calibration=cal)
    o = r["overall"]
    assert o["strong_labels"] == 3 and o["strong_label_precision"] == pytest.approx(2 / 3)
    assert o["no_good_query_clean"] == 0.0
    cm = np.array(r["confusion_judge_x_predicted"])
    assert cm.shape == (5, 4) and cm.sum() == 7 and cm[4, 3] == 1 and cm[3, 2] == 1 and cm[0, 2] == 1
    assert "judge grade (rows)" in markdown([r])


def test_mismatched_scores_are_refused(judged) -> None:
    qs = read_judged(judged)
    with pytest.raises(DevSetError, match="3 scores for 4"):
        evaluate(qs, {"t1": np.zeros(3), "t2": np.zeros(3)}, name="x")
    with pytest.raises(DevSetError, match="no scores for query t2"):
        evaluate(qs, {"t1": np.zeros(4)}, name="x")


def test_bad_file_names_the_line(tmp_path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"qid": "a"}\n')
    with pytest.raises(DevSetError, match="bad.jsonl:1"):
        read_judged(p)
    with pytest.raises(DevSetError, match="no judged dev set"):
        read_judged(tmp_path / "none.jsonl")


def test_cli_reads_scores_and_bm25(judged, tmp_path) -> None:
    scores = tmp_path / "dev_scores.json.gz"
    with gzip.open(scores, "wt") as f:
        json.dump({"t1": {"student": [2.5, 1.5, 0.5, -1.0]}, "t2": {"student": [-1.0, -1.0, -2.0]}}, f)
    out = tmp_path / "dev.json"
    r = runner.invoke(app, ["dev", "--judged", str(judged), "--system", "bm25", "--scores", str(scores),
                            "--calibration", f"student={_cal(tmp_path)}", "--out", str(out)])
    assert r.exit_code == 0, r.output
    res = {x["system"]: x for x in json.loads(out.read_text())}
    assert set(res) == {"bm25", "student"}
    assert res["student"]["overall"]["no_good_query_clean"] == 1.0
    assert res["bm25"]["overall"]["first_good_answerable"] == 1.0  # "registered nurse" ranks first by keywords
    assert "| student |" in r.output


def test_cli_errors_are_messages(judged, tmp_path) -> None:
    r = runner.invoke(app, ["dev", "--judged", str(tmp_path / "none.jsonl"), "--system", "bm25"])
    assert r.exit_code != 0 and "no judged dev set" in r.output
    r = runner.invoke(app, ["dev", "--judged", str(judged), "--system", "cross-encoder"])
    assert r.exit_code != 0 and "--checkpoint" in r.output
    r = runner.invoke(app, ["dev", "--judged", str(judged)])
    assert r.exit_code != 0 and "nothing to evaluate" in r.output


@pytest.mark.skipif(not REAL.exists(), reason="../shared/relevance/judged-dev.jsonl is absent (a CI machine)")
def test_real_dev_set_with_bm25(tmp_path) -> None:
    qs = read_judged(REAL)
    assert len(qs) >= 50 and sum(len(q.grades) for q in qs) >= 1000
    r = runner.invoke(app, ["dev", "--judged", str(REAL), "--system", "bm25", "--out", str(tmp_path / "d.json")])
    assert r.exit_code == 0, r.output
    o = json.loads((tmp_path / "d.json").read_text())[0]["overall"]
    assert 0 < o["ndcg@10"] <= 1 and o["n"] == len(qs)
