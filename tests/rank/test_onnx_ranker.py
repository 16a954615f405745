"""The embedded ranker in the pipeline: it re-orders the retrieved candidates by its scores,
falls back to retrieval order (and says so) past its time budget, refuses files that do not
match their model card, and is found under <models>/ranker/<version>/."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from jobsearch.rank.compact import record_text
from jobsearch.rank.onnx_ranker import OnnxRanker, default_ranker, ranker_versions

QUERY = "registered nurse in London"


@pytest.fixture(scope="module")
def ranked(pipeline, tiny_ranker_int8: Path):  # noqa: ANN001, ANN201 - SearchPipeline
    from jobsearch.pipeline import SearchPipeline

    return SearchPipeline(pipeline.engine, pipeline.encoder, pipeline.retriever,
                          OnnxRanker.load(tiny_ranker_int8, budget_ms=60_000), rank_depth=50,
                          members=pipeline.members)


def test_ranker_orders_the_top_candidates_by_its_scores(ranked, pipeline) -> None:  # noqa: ANN001
    from jobsearch.query.relative_pay import for_retrieval

    response = ranked.search(QUERY, k=10)
    assert response.ranked_by == "ranker" and response.ranking_note is None
    parsed = ranked.engine.parse(QUERY, None)
    vec = ranked.encoder.encode([parsed.semantic_text or QUERY])
    cands = ranked.retriever.search(np.asarray(vec, np.float32), for_retrieval(parsed.filters), 50, with_records=True)[0]
    scores = ranked.ranker.rank(parsed, cands)
    want = [cands.job_ids[i] for i in np.argsort(-scores, kind="stable")[:10]]
    assert [r.job_id for r in response.results] == want
    assert [r.score for r in response.results] == sorted((r.score for r in response.results), reverse=True)
    # Records carry the compact text stored at index build: the ranker read that.
    assert all(isinstance(r["compact_text"], str) and r["compact_text"] for r in cands.records or [])
    assert record_text(cands.records[0]) == cands.records[0]["compact_text"]  # type: ignore[index]
    # Retrieval alone orders differently (the untrained head is not the retriever).
    plain = pipeline.search(QUERY, k=10)
    assert plain.ranked_by == "retrieval"


def test_past_its_budget_the_answer_keeps_retrieval_order_and_says_so(pipeline, tiny_ranker_int8: Path) -> None:  # noqa: ANN001
    from jobsearch.metrics import RANKER_FALLBACKS
    from jobsearch.pipeline import SearchPipeline

    slow = SearchPipeline(pipeline.engine, pipeline.encoder, pipeline.retriever,
                          OnnxRanker.load(tiny_ranker_int8, budget_ms=0.0), members=pipeline.members)
    before = RANKER_FALLBACKS.labels(reason="timeout")._value.get()
    response = slow.search(QUERY, k=10)
    plain = pipeline.search(QUERY, k=10)
    assert response.ranked_by == "retrieval"
    assert response.ranking_note and "budget" in response.ranking_note
    assert [r.job_id for r in response.results] == [r.job_id for r in plain.results]
    assert RANKER_FALLBACKS.labels(reason="timeout")._value.get() == before + 1


def test_files_that_do_not_match_the_model_card_are_refused(tiny_ranker_int8: Path, tmp_path: Path) -> None:
    from jobsearch.errors import ModelNotFoundError

    copy = tmp_path / "ranker" / "1"
    shutil.copytree(tiny_ranker_int8, copy)
    with open(copy / "weights.bin", "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\x01\x02\x03")
    with pytest.raises(ModelNotFoundError, match="sha256"):
        OnnxRanker.load(copy)
    (copy / "candidate.onnx").unlink()
    with pytest.raises(ModelNotFoundError, match="missing"):
        OnnxRanker.load(copy)


def test_newest_version_under_models_is_the_default(tiny_ranker_int8: Path, tmp_path: Path) -> None:
    assert default_ranker(tmp_path) is None  # no ranker installed: retrieval order
    for version in ("2", "10"):
        shutil.copytree(tiny_ranker_int8, tmp_path / "ranker" / version)
    (tmp_path / "ranker" / "11.tmp").mkdir()  # an export in progress is not a version
    assert [p.name for p in ranker_versions(tmp_path)] == ["2", "10"]
    ranker = default_ranker(tmp_path)
    assert ranker is not None and ranker.model_id.startswith("ranker-2l-")
    assert ranker.score(QUERY, []).shape == (0,)


def test_retrieval_calibration_is_found_beside_the_query_encoder(tmp_path: Path) -> None:
    from jobsearch.rank.calibration import ScoreCalibration
    from jobsearch.rank.onnx_ranker import retrieval_calibration

    assert retrieval_calibration(tmp_path) is None
    cal = ScoreCalibration([0.2, 0.4, 0.6], [0.1, 0.7], [0.0, 1.0], scale="retrieval-cosine")
    for sub in ("retriever", "query"):
        (tmp_path / sub / "1").mkdir(parents=True)
        (tmp_path / sub / "1" / "manifest.json").write_text("{}")
    cal.save(tmp_path / "retriever" / "1" / "calibration.json")
    found = retrieval_calibration(tmp_path)
    assert found is not None and found.grade(np.array([0.5]))[0] == ["good"]
    # The query tower's own file wins when it has one (its scores are the ones graded).
    ScoreCalibration([0.0, 0.1, 0.2], [0.1, 0.7], [0.0, 1.0], scale="retrieval-cosine").save(
        tmp_path / "query" / "1" / "calibration.json")
    assert retrieval_calibration(tmp_path).grade(np.array([0.5]))[0] == ["excellent"]  # type: ignore[union-attr]


def test_a_run_in_flight_is_cut_at_the_budget(tiny_ranker_int8: Path) -> None:
    from jobsearch.errors import RankerUnavailableError

    ranker = OnnxRanker.load(tiny_ranker_int8, budget_ms=5.0)
    ranker.batch = 10_000  # one long run: only terminating it can honour the budget
    texts = [f"Registered Nurse {i} (mid). Skills: triage, wound care. Care for patients on a surgical ward."
             for i in range(600)]
    with pytest.raises(RankerUnavailableError) as err:
        ranker.score(QUERY, texts)
    assert err.value.reason == "timeout"
    ranker.budget_ms = 60_000  # the same ranker still answers with time to do so
    assert ranker.score(QUERY, texts[:3]).shape == (3,)


def test_a_fused_card_orders_by_logit_plus_cosine_and_labels_by_retrieval(pipeline, tiny_ranker_int8: Path,
                                                                           tmp_path: Path) -> None:  # noqa: ANN001
    """fusion_weight on the model card: served score = logit + W x cosine; the fused score has
    no calibration of its own, so every label comes from the retrieval calibration."""
    import json

    from jobsearch.pipeline import SearchPipeline
    from jobsearch.query.relative_pay import for_retrieval
    from jobsearch.rank.calibration import ScoreCalibration

    fused_dir = tmp_path / "ranker" / "1"
    shutil.copytree(tiny_ranker_int8, fused_dir)
    card = json.loads((fused_dir / "manifest.json").read_text())
    (fused_dir / "manifest.json").write_text(json.dumps({**card, "fusion_weight": 40.0}))
    plain, fused = OnnxRanker.load(tiny_ranker_int8, budget_ms=60_000), OnnxRanker.load(fused_dir, budget_ms=60_000)
    assert fused.fusion_weight == 40.0 and fused.calibration is None

    parsed = pipeline.engine.parse(QUERY, None)
    vec = pipeline.encoder.encode([parsed.semantic_text or QUERY])
    cands = pipeline.retriever.search(np.asarray(vec, np.float32), for_retrieval(parsed.filters), 30,
                                      with_records=True)[0]
    np.testing.assert_allclose(fused.rank(parsed, cands), plain.rank(parsed, cands) + 40.0 * cands.scores, rtol=1e-5)

    cosine_cal = ScoreCalibration([0.1, 0.3, 0.5], [0.1, 0.5], [0.0, 1.0], scale="retrieval-cosine")
    search = SearchPipeline(pipeline.engine, pipeline.encoder, pipeline.retriever, fused, rank_depth=30,
                            members=pipeline.members, calibration=cosine_cal)
    response = search.search(QUERY, k=10)
    assert response.ranked_by == "ranker"
    by_id = dict(zip(cands.job_ids, cands.scores, strict=True))
    for r in response.results:
        assert r.match == cosine_cal.grade(np.array([by_id[r.job_id]]))[0][0]
