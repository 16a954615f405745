"""The tuned query tower in the chart (`models.queryEncoder`): its own Triton
InferenceService, the transformer embeds queries with it, and everything that embeds
documents (the JobIndex's spec.encoder, hence the build Jobs) stays on the retriever. Disabled
(the default) the chart renders exactly what it rendered before the tower existed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

NAMESPACE = "search"  # the namespace the chart fixtures render into (tests/charts/conftest.py)


def _render(chart: Any, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every object the chart renders with these values, as the `rendered` fixture renders."""
    out = chart.render(values=values, name="js", namespace=NAMESPACE, is_install=True)
    return [d for t, text in sorted(out.items()) if t.endswith(".yaml") for d in yaml.safe_load_all(text) if d]


def _transformer_args(objects: list[dict[str, Any]], by_name: Any) -> list[str]:
    return by_name(objects, "InferenceService", "search")["spec"]["transformer"]["containers"][0]["args"]


def _arg(args: list[str], flag: str) -> str:
    (value,) = [a.split("=", 1)[1] for a in args if a.startswith(f"{flag}=")]
    return value


def test_query_tower_scenario_serves_the_tower_and_routes_queries_to_it(
    rendered: dict[str, list[dict[str, Any]]], crd_schemas: Any, by_name: Any, of_kind: Any
) -> None:
    from jobsearch.operator.validation import validate_objects

    objects = rendered["query-tower"]
    tower = by_name(objects, "InferenceService", "query")
    assert crd_schemas.knows(tower)
    assert validate_objects([tower], crd_schemas) == {}
    assert tower["metadata"]["labels"]["app.kubernetes.io/component"] == "query-encoder"
    pred = tower["spec"]["predictor"]
    assert pred["model"]["storageUri"] == "pvc://jobsearch-data/models/query-v2"
    assert pred["model"]["args"] == ["--model-control-mode=explicit", "--load-model=query"]
    assert pred["canaryTrafficPercent"] == 20
    assert (pred["minReplicas"], pred["maxReplicas"]) == (1, 4)

    args = _transformer_args(objects, by_name)
    assert _arg(args, "--encoder-url") == f"http://query-predictor.{NAMESPACE}/v2/models/query"
    assert _arg(args, "--encoder-dir") == "/data/models/query-v2/query/2"

    # Documents stay on the retriever: its InferenceService is still there (the warm fallback)
    # and the JobIndex, which the build Jobs follow, names it and its version unchanged.
    retriever = by_name(objects, "InferenceService", "retriever")["spec"]["predictor"]
    assert retriever["model"]["storageUri"] == "pvc://jobsearch-data/models/retriever-v1"
    assert "canaryTrafficPercent" not in retriever
    (ji,) = of_kind(objects, "JobIndex")
    assert ji["spec"]["encoder"] == {"inferenceService": "retriever", "modelVersion": "1"}


def test_build_jobs_follow_the_jobindex_encoder_not_the_tower(
    rendered: dict[str, list[dict[str, Any]]], of_kind: Any
) -> None:
    from jobsearch.operator.manifests import build_job
    from jobsearch.operator.settings import OperatorSettings

    (ji,) = of_kind(rendered["query-tower"], "JobIndex")
    ji = {**ji, "metadata": {**ji["metadata"], "namespace": NAMESPACE}}
    job = build_job(ji, version="v0001-test", job_name="jobs-build-v0001", settings=OperatorSettings())
    env = {e["name"]: e["value"] for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert (env["JOBSEARCH_ENCODER_SERVICE"], env["JOBSEARCH_ENCODER_VERSION"]) == ("retriever", "1")
    assert "query" not in json.dumps(job["spec"]["template"]["spec"]["containers"][0]["args"])


def test_without_the_tower_queries_use_the_retriever(
    rendered: dict[str, list[dict[str, Any]]], scenario: str, by_name: Any, values_of: Any
) -> None:
    objects = rendered[scenario]
    values = values_of(scenario) or {}
    tower_on = values.get("models", {}).get("queryEncoder", {}).get("enabled", False)
    components = [o["metadata"]["labels"].get("app.kubernetes.io/component")
                  for o in objects if o["kind"] == "InferenceService"]
    assert components.count("query-encoder") == (1 if tower_on else 0)
    url = _arg(_transformer_args(objects, by_name), "--encoder-url")
    model = "query" if tower_on else "retriever"
    assert url == f"http://{model}-predictor.{NAMESPACE}/v2/models/{model}"


def test_disabled_tower_renders_exactly_the_chart_without_it(
    chart: Any, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    # Helm deletes a default key set to null: this is the chart as it was before the tower.
    assert _render(chart, {"models": {"queryEncoder": None}}) == rendered["default"]
    assert _render(chart, {"models": {"queryEncoder": {"enabled": False, "name": "query", "version": "7",
                                                      "canary": {"enabled": True, "trafficPercent": 50}}}}
                  ) == rendered["default"]


def test_encoder_dir_override_and_non_pvc_storage(chart: Any, by_name: Any) -> None:
    import helm_python as helm

    # The ranker off: off-pvc it needs its own folder (tests/charts/test_chart_ranker.py).
    s3 = {"storageUri": "s3://models-bucket/jobsearch", "queryEncoder": {"enabled": True}, "ranker": {"enabled": False}}
    with pytest.raises(helm.HelmError, match="models.queryEncoder"):
        _render(chart, {"models": s3})
    objects = _render(chart, {"models": s3, "transformer": {"encoderDir": "/data/tokenizers/query/1"}})
    args = _transformer_args(objects, by_name)
    assert _arg(args, "--encoder-dir") == "/data/tokenizers/query/1"
    assert _arg(args, "--encoder-url") == f"http://query-predictor.{NAMESPACE}/v2/models/query"


def test_tower_values_are_checked(chart: Any) -> None:
    import helm_python as helm

    tower = {"enabled": True, "name": "query", "version": "1", "canary": {"enabled": False, "trafficPercent": 10}}
    chart.validate_schema({"models": {"storageUri": "pvc://x", "encoder": {"name": "retriever", "version": "1",
                                      "canary": {"enabled": False, "trafficPercent": 10}}, "queryEncoder": tower}})
    for bad in ({**tower, "replicas": 2}, {**tower, "version": "v1"}, {**tower, "name": "Query"},
                {**tower, "canary": {"enabled": True, "trafficPercent": 150}}):
        with pytest.raises(helm.HelmError):
            chart.validate_schema({"models": {"storageUri": "pvc://x", "queryEncoder": bad}})
    # A tower named like another InferenceService, or an encoder canary while queries go to the
    # tower (it pairs with ONE retriever version), is refused at render time.
    with pytest.raises(helm.HelmError, match="already the name"):
        _render(chart, {"models": {"queryEncoder": {"enabled": True, "name": "retriever"}}})
    with pytest.raises(helm.HelmError, match="encoder canary"):
        _render(chart, {"models": {"queryEncoder": {"enabled": True},
                                  "encoder": {"version": "2", "canary": {"enabled": True, "trafficPercent": 10}}}})


def _tiny_query_tower(folder: Path, doc_model_id: str) -> None:
    """An exported query-tower version folder: a graph with the retriever's tensor names and a
    manifest naming the document model it pairs with."""
    import onnx
    from onnx import TensorProto, helper

    folder.mkdir(parents=True)
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", 4])
    nodes = [helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
             helper.make_node("ReduceMean", ["m"], ["r"], axes=[1], keepdims=1),
             helper.make_node("Expand", ["r", "shape"], ["sentence_embedding"])]
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [1, 4])
    graph = helper.make_graph(nodes, "tower", [ids, mask], [out], initializer=[shape])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(folder / "model.onnx"))
    (folder / "manifest.json").write_text(json.dumps({
        "model_id": "minilm-l6-v2-onnx-7a7a7a7a7a7a", "dim": 4, "max_length": 128,
        "created": "2026-11-26T00:00:00Z", "doc_model_id": doc_model_id}))
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n")


def test_docs_publish_commands_write_the_folders_the_chart_points_at(
    tmp_path: Path, chart: Any, rendered: dict[str, list[dict[str, Any]]], by_name: Any, repo_root: Path
) -> None:
    """The `jobsearch triton-repo build` lines of docs/kubernetes.md, run as written (paths
    moved under tmp), publish the query tower exactly where the rendered transformer reads it,
    with its pairing (doc_model_id) intact."""
    import shlex

    from jobsearch.runtimes.triton.cli import app as triton_repo  # `jobsearch triton-repo`
    from typer.testing import CliRunner

    from jobsearch.encode.manifest import Manifest

    home, data = tmp_path / "home", tmp_path / "data"
    _tiny_query_tower(home / "models" / "query" / "1", doc_model_id="minilm-l6-v2-onnx-0123456789ab")
    prefix = "jobsearch triton-repo build --model-dir <home>/models/query/1"
    docs = (repo_root / "docs" / "kubernetes.md").read_text()
    commands = [line for line in docs.splitlines() if line.startswith(prefix)]
    assert len(commands) == 2, commands  # publish version 1, then version 2 for the canary
    for line in commands:
        argv = shlex.split(line.replace("<home>", str(home)).replace(" /data/", f" {data}/"))[2:]
        res = CliRunner().invoke(triton_repo, argv)
        assert res.exit_code == 0, (line, res.output)
        version = argv[argv.index("--version") + 1]
        objects = (rendered["query-tower"] if version == "2"
                   else _render(chart, {"models": {"queryEncoder": {"enabled": True, "version": version}}}))
        args = _transformer_args(objects, by_name)
        published = data / Path(_arg(args, "--encoder-dir")).relative_to("/data")
        assert (published / "model.onnx").is_file() and (published / "vocab.txt").is_file()
        # The pairing travels with the model version the transformer reads it from.
        assert Manifest.read(published).doc_model_id == "minilm-l6-v2-onnx-0123456789ab"
        # Triton loads `--load-model=<name>` from the InferenceService's storageUri.
        tower = by_name(objects, "InferenceService", "query")["spec"]["predictor"]["model"]
        repo = data / "models" / tower["storageUri"].rsplit("/", 1)[1]
        assert 'name: "query"' in (repo / "query" / "config.pbtxt").read_text()
        assert (repo / "query" / version / "model.onnx").is_file()
