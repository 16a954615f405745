"""The teacher cross-encoder trains (a few steps on a tiny set: the loss falls) and its
checkpoint reloads with identical outputs. Never a full training here."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from jobsearch.models.intent import QueryIntent
from jobsearch.models.teacher import CrossEncoderTeacher, GradeTargetLoss, TrainConfig
from jobsearch.models.teacher_data import Pair

from jobsearch.schema import Filters


def _pairs(case_grader, case_jobs) -> list[Pair]:
    q = QueryIntent(text="software engineer jobs, no staffing agencies", semantic_text="software engineer",
                    occupation_code="15-1252.00", filters=Filters(exclude_company_types=["staffing"]))
    ids = ["ideal", "staffing", "accountant", "qa", "devops_other", "electrical", "mid", "marketing_green"]
    g = case_grader.grade(q, ids)
    return [Pair("q", j, q.text, case_jobs.text(case_jobs.row_of[j])[:300], int(g.grades[i])) for i, j in enumerate(ids)]


def _bce(teacher: CrossEncoderTeacher, pairs: list[Pair]) -> float:
    logits = torch.from_numpy(teacher.score([p.query for p in pairs], [p.job for p in pairs]))
    return float(GradeTargetLoss()(logits, torch.tensor([p.grade for p in pairs])))


@pytest.mark.slow
def test_training_lowers_the_loss_and_checkpoint_reloads(case_grader, case_jobs, tmp_path) -> None:
    torch.set_num_threads(1)
    pairs = _pairs(case_grader, case_jobs)
    assert {p.grade for p in pairs} >= {0, 4}
    teacher = CrossEncoderTeacher.from_base(max_length=64, seed=0)
    before = _bce(teacher, pairs)
    losses = teacher.train(pairs, TrainConfig(batch_size=8, lr=1e-4, max_steps=10, max_length=64), progress=False)
    assert len(losses) == 10
    after = _bce(teacher, pairs)
    assert after < before - 0.05, f"loss {before:.3f} -> {after:.3f}"

    teacher.save(tmp_path / "teacher")
    again = CrossEncoderTeacher.load(tmp_path / "teacher")
    q, j = [p.query for p in pairs], [p.job for p in pairs]
    np.testing.assert_array_equal(teacher.score(q, j), again.score(q, j))
    assert again.cuts == teacher.cuts and again.max_length == 64


def test_cut_points_turn_logits_into_grades() -> None:
    teacher = CrossEncoderTeacher(torch.nn.Identity(), tokenizer=None)
    logits = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
    assert teacher.grades_of(logits).tolist() == [0, 1, 2, 3, 4]
    grades = np.array([0, 0, 2, 4, 4])
    qwk = teacher.fit_cuts(np.repeat(logits, 3), np.repeat(grades, 3))
    assert qwk == pytest.approx(1.0)
    assert teacher.grades_of(logits).tolist() == [0, 0, 2, 4, 4]


def test_loss_checks_its_inputs() -> None:
    loss = GradeTargetLoss()
    with pytest.raises(ValueError, match="one shape"):
        loss(torch.zeros(3), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="0..4"):
        loss(torch.zeros(2), torch.tensor([0, 5]))
    assert float(loss(torch.tensor([20.0, -20.0]), torch.tensor([4, 0]))) < 1e-6


def test_soft_pairs_lift_filters_and_the_gate_restores_them(case_grader) -> None:
    from jobsearch.models.synth_queries import SynthQuery
    from jobsearch.models.teacher_data import build_pairs, violating

    intent = QueryIntent(text="software engineer jobs in Berlin", semantic_text="software engineer",
                         occupation_code="15-1252.00", filters=Filters(location_ids=["2950159"]))
    q = SynthQuery(query_id="q", family="role", query_type="role", split="train", family_held_out=False,
                   group_held_out=False, occupation_group="15", anchor_job_id="berlin", noise=[], intent=intent)
    soft = build_pairs([q], case_grader, per_grade=50, soft=True)
    strict = build_pairs([q], case_grader, per_grade=50)
    # Only the Berlin posting passes the filter; lifted, every software engineer job is Excellent.
    assert [p.job_id for p in strict if p.grade == 4] == ["berlin"]
    excellent = [p for p in soft if p.grade == 4]
    assert len(excellent) == 3 and all("Skills:" in p.job and "Posted" not in p.job for p in excellent)
    assert violating(excellent, {"q": q}, case_grader).tolist() == [p.job_id != "berlin" for p in excellent]
