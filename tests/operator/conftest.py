"""Operator fixtures: the CRD the chart ships (the one source of the JobIndex schema),
a strict validator built from it, and a sample JobIndex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CRD_PATH = REPO / "charts" / "jobsearch" / "crds" / "jobindices.jobsearch.io.yaml"


@pytest.fixture(scope="session")
def crd() -> dict[str, Any]:
    return yaml.safe_load(CRD_PATH.read_text())


@pytest.fixture(scope="session")
def jobindex_validator(crd: dict[str, Any]) -> Any:
    import jsonschema

    from jobsearch.operator.validation import strict_schema

    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return jsonschema.Draft7Validator(strict_schema(schema), format_checker=jsonschema.FormatChecker())


@pytest.fixture()
def jobindex() -> dict[str, Any]:
    return {
        "apiVersion": "jobsearch.io/v1alpha1",
        "kind": "JobIndex",
        "metadata": {"name": "jobs", "namespace": "search", "uid": "u-1", "generation": 1},
        "spec": {
            "source": {"uri": "/data/corpus/postings", "format": "parquet"},
            "encoder": {"inferenceService": "retriever", "modelVersion": "1"},
            "shards": 2,
            "precision": "fp16",
            "keepPrevious": 1,
        },
    }
