"""The query engine's models in the chart: the learned tagger as a Triton InferenceService
(`models.queryModel`) and a tool-calling LLM behind an OpenAI-compatible runtime
(`queryEngine.llm`) that the query engine is pointed at. Both validate against the real
KServe CRD schemas; off (the default) the chart renders neither."""

from __future__ import annotations

from typing import Any

import pytest
from jobsearch.operator.validation import validate_objects

ON = {"models": {"queryModel": {"enabled": True, "version": "3"}},
      "queryEngine": {"llm": {"enabled": True, "name": "qwen-query", "timeoutSeconds": 2.5}}}


def _render(chart: Any, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    import yaml

    out = chart.render(values=values, name="js", namespace="search", is_install=True)
    return [d for t, text in sorted(out.items()) if t.endswith(".yaml") for d in yaml.safe_load_all(text) if d]


def test_query_model_and_llm_render_and_validate(chart: Any, crd_schemas: Any, by_name: Any) -> None:
    objects = _render(chart, ON)
    tagger = by_name(objects, "InferenceService", "query-model")
    llm = by_name(objects, "InferenceService", "qwen-query")
    assert validate_objects([tagger, llm], crd_schemas) == {}
    assert tagger["spec"]["predictor"]["model"]["storageUri"] == "pvc://jobsearch-data/models/query-model-v3"
    assert tagger["metadata"]["labels"]["app.kubernetes.io/component"] == "query-model"
    model = llm["spec"]["predictor"]["model"]
    assert model["modelFormat"] == {"name": "huggingface"}
    assert model["resources"]["limits"]["nvidia.com/gpu"] == "1"
    env = {e["name"]: e["value"] for e in by_name(objects, "InferenceService", "search")["spec"]["predictor"]["model"]["env"]}
    assert env["JOBSEARCH_QUERY_LLM_URL"] == "http://qwen-query-predictor.search/openai"
    assert env["JOBSEARCH_QUERY_LLM_MODEL"] == "qwen-query"
    assert float(env["JOBSEARCH_QUERY_LLM_TIMEOUT_S"]) == 2.5


def test_off_by_default(rendered: dict[str, list[dict[str, Any]]]) -> None:
    names = {o["metadata"]["name"] for o in rendered["default"] if o["kind"] == "InferenceService"}
    assert "query-model" not in names and "query-llm" not in names
    search = next(o for o in rendered["default"] if o["metadata"]["name"] == "search" and o["kind"] == "InferenceService")
    assert not any(e["name"].startswith("JOBSEARCH_QUERY_LLM") for e in search["spec"]["predictor"]["model"]["env"])


def test_a_name_clash_is_refused(chart: Any) -> None:
    with pytest.raises(Exception, match="already the name"):
        _render(chart, {"models": {"queryModel": {"enabled": True, "name": "retriever"}}})
