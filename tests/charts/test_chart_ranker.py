"""The ranker in the chart: on by default (its InferenceService, and the transformer pointed
at the Triton serving ranker_prefix + ranker_candidate with the published version's folder),
a canary of a new version, and off when disabled."""

from __future__ import annotations

from typing import Any


def _transformer_args(objects: list[dict[str, Any]], by_name: Any) -> list[str]:
    return by_name(objects, "InferenceService", "search")["spec"]["transformer"]["containers"][0]["args"]


def test_ranker_is_on_by_default(rendered: dict[str, Any], by_name: Any) -> None:
    objects = rendered["default"]
    ranker = by_name(objects, "InferenceService", "ranker")["spec"]["predictor"]
    assert ranker["model"]["storageUri"] == "pvc://jobsearch-data/models/ranker-v1"
    assert "canaryTrafficPercent" not in ranker
    args = _transformer_args(objects, by_name)
    assert "--ranker-url=http://ranker-predictor.search" in args
    assert "--ranker-dir=/data/models/ranker-v1/ranker_candidate/1" in args
    assert "--rank-depth=100" in args


def test_ranker_canary_points_the_transformer_at_the_new_version(rendered: dict[str, Any], by_name: Any) -> None:
    objects = rendered["canary"]
    ranker = by_name(objects, "InferenceService", "ranker")["spec"]["predictor"]
    assert ranker["canaryTrafficPercent"] == 25
    assert ranker["model"]["storageUri"] == "pvc://jobsearch-data/models/ranker-v2"
    assert "--ranker-dir=/data/models/ranker-v2/ranker_candidate/2" in _transformer_args(objects, by_name)


def test_no_ranker_scenario_keeps_retrieval_order(rendered: dict[str, Any], of_kind: Any, by_name: Any) -> None:
    objects = rendered["no-ranker"]
    assert "ranker" not in {o["metadata"]["name"] for o in of_kind(objects, "InferenceService")}
    assert not [a for a in _transformer_args(objects, by_name) if a.startswith(("--ranker", "--rank-depth"))]
