"""The query tower: distillation moves query vectors toward what the policy grader grades
high over fixed document vectors; an exported tower is served only with the documents it
was trained for."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from jobsearch.models.intent import QueryIntent
from jobsearch.models.query_tower import QueryTower, Targets, TowerConfig, mean_ndcg, soft_grades
from jobsearch.models.synth_queries import SynthQuery

from jobsearch.schema import Filters

INTENTS = [
    ("software engineer, no staffing agencies", "software engineer", "15-1252.00", Filters(exclude_company_types=["staffing"])),
    ("accountant jobs in Seattle", "accountant", "13-2011.00", Filters(location_ids=["5809844"])),
    ("devops engineer", "devops engineer", "15-1299.08", Filters()),
    ("marketing manager", "marketing manager", "11-2021.00", Filters()),
    ("data scientist", "data scientist", "15-2051.00", Filters()),
    ("electrical engineer", "electrical engineer", "17-2071.00", Filters()),
]


def _query(i: int, text: str, semantic: str, occ: str, filters: Filters) -> SynthQuery:
    return SynthQuery(query_id=f"t{i}", family="role", query_type="role", split="train", family_held_out=False,
                      group_held_out=False, occupation_group=occ[:2], anchor_job_id="ideal", noise=[],
                      intent=QueryIntent(text=text, semantic_text=semantic, occupation_code=occ, filters=filters))


@pytest.fixture(scope="module")
def case_vectors(case_jobs, case_table):
    from jobsearch.encode.text import posting_text
    from jobsearch.encode.torch_encoder import TorchEncoder

    return TorchEncoder.load().encode([posting_text(r) for r in case_table.to_pylist()])


def test_soft_grades_lift_the_strict_filters(case_grader) -> None:
    q = _query(0, *INTENTS[0])
    soft = soft_grades(q, case_grader)
    strict = case_grader.grade_all(q.intent).grades
    staffing = case_grader.jobs.row_of["staffing"]
    assert strict[staffing] == 0 and soft[staffing] == 4  # the index's mask rules it out, not the retriever


@pytest.mark.slow
def test_distillation_ranks_graded_jobs_higher(case_grader, case_vectors) -> None:
    torch.set_num_threads(1)
    queries = [_query(i, *x) for i, x in enumerate(INTENTS)]
    grades = np.stack([soft_grades(q, case_grader) for q in queries])
    targets = Targets([q.query_id for q in queries], [q.intent.semantic_text for q in queries], grades)
    tower = QueryTower.from_base(max_length=16)
    before = mean_ndcg(tower.encode(targets.texts), case_vectors, grades, k=5)
    curve = tower.train(targets, case_vectors, TowerConfig(steps=12, batch_size=6, lr=2e-4, eval_every=6),
                        val=targets, progress=False)
    after = mean_ndcg(tower.encode(targets.texts), case_vectors, grades, k=5)
    assert [p["step"] for p in curve] == [0, 6, 12]
    assert after >= before and max(p["val_ndcg@10"] for p in curve) == pytest.approx(
        mean_ndcg(tower.encode(targets.texts), case_vectors, grades), abs=1e-4)  # the best step is kept
    assert curve[-1]["loss"] < curve[1]["loss"] or after > before


@pytest.mark.slow
def test_an_exported_tower_serves_only_its_own_documents(demo_home, tmp_path, capsys) -> None:
    from jobsearch.encode.default import QUERY_MODEL, default_encoder, query_encoder
    from jobsearch.encode.export import export_retriever

    models = tmp_path / "models"
    shutil.copytree(demo_home / "models" / "retriever", models / "retriever")
    docs = default_encoder(models)
    assert query_encoder(models).model_id == docs.model_id  # no tower: the retriever itself

    tower = QueryTower.from_base(max_length=32)
    with torch.no_grad():  # a visibly different tower: the first layer's output scaled
        tower.embedder.bert.encoder.layer[0].output.dense.weight.mul_(1.5)
    tower.save(tmp_path / "ckpt")
    # fp32: the served tower is compared with PyTorch to 2e-4 (int8 would move it ~0.01)
    export_retriever(models, source=tmp_path / "ckpt", name=QUERY_MODEL, doc_model_id=docs.model_id, optimize=None,
                     precision="fp32")
    served = query_encoder(models)
    assert served.model_id == docs.model_id  # answers to the documents it pairs with
    text = ["senior data engineer"]
    np.testing.assert_allclose(served.encode(text), tower.encode(text), atol=2e-4)
    assert float(served.encode(text) @ docs.encode(text).T) < 0.9999

    export_retriever(models, source=tmp_path / "ckpt", name=QUERY_MODEL, doc_model_id="another-model", optimize=None)
    fallback = query_encoder(models)
    np.testing.assert_allclose(fallback.encode(text), docs.encode(text), atol=1e-6)
    assert "trained for documents of 'another-model'" in capsys.readouterr().err
