"""Validate Kubernetes objects offline, the way an API server with strict field validation
would: built-in kinds with kubernetes-validate (strict), custom resources against their
CRD's openAPIV3Schema with jsonschema. Used by the chart and operator tests, and by
`jobsearch operator validate` before an install."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

KUBE_VERSION = "1.30.0"


def strict_schema(schema: Any) -> Any:
    """Unknown fields become errors (the API server prunes or rejects them), except under
    x-kubernetes-preserve-unknown-fields or where additionalProperties is given."""
    if isinstance(schema, dict):
        out = {k: strict_schema(v) for k, v in schema.items()}
        if (
            "properties" in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
            and "additionalProperties" not in out
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict_schema(v) for v in schema]
    return schema


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the KServe CRDs are 2 MB
    with open(path) as f:
        return [d for d in yaml.load_all(f, Loader=loader) if d]


class CrdSchemas:
    """(apiVersion, kind) -> a jsonschema validator for every served version of the CRDs."""

    def __init__(self, crds: Iterable[dict[str, Any]]) -> None:
        import jsonschema

        self._validators: dict[tuple[str, str], Any] = {}
        for crd in crds:
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for ver in crd["spec"]["versions"]:
                schema = strict_schema(ver["schema"]["openAPIV3Schema"])
                self._validators[(f"{group}/{ver['name']}", kind)] = jsonschema.Draft7Validator(schema)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> CrdSchemas:
        docs: list[dict[str, Any]] = []
        for p in paths:
            docs += load_yaml_documents(p)
        return cls(docs)

    def knows(self, obj: dict[str, Any]) -> bool:
        return (obj.get("apiVersion", ""), obj.get("kind", "")) in self._validators

    def errors(self, obj: dict[str, Any]) -> list[str]:
        validator = self._validators[(obj["apiVersion"], obj["kind"])]
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.path)))
        ]


def builtin_errors(obj: dict[str, Any], *, kube_version: str = KUBE_VERSION) -> list[str]:
    """kubernetes-validate --strict; a kind it has no schema for is an error here (callers
    route custom resources to CrdSchemas first)."""
    import kubernetes_validate

    try:
        kubernetes_validate.validate(obj, kube_version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'/'.join(map(str, exc.absolute_path))}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [exc.message]
    return []


def validate_objects(
    objects: Iterable[dict[str, Any]], crds: CrdSchemas, *, kube_version: str = KUBE_VERSION
) -> dict[str, list[str]]:
    """Errors per object ("Kind/name"); empty when every object is valid."""
    problems: dict[str, list[str]] = {}
    for obj in objects:
        key = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
        errs = crds.errors(obj) if crds.knows(obj) else builtin_errors(obj, kube_version=kube_version)
        if errs:
            problems[key] = errs
    return problems
