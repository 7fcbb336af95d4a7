"""JSON Schemas for custom resources, from their CustomResourceDefinitions.

A CRD's ``openAPIV3Schema`` is OpenAPI 3.0 with Kubernetes extensions; the API
server prunes unknown fields and, with kubectl's default ``--validate=strict``,
reports them. We translate it to a strict JSON Schema 2020-12 document:

- objects without ``x-kubernetes-preserve-unknown-fields`` (on themselves, or on
  the array they are items of) are closed (unknown fields are errors);
  ``additionalProperties`` schemas make maps;
- ``x-kubernetes-int-or-string`` -> integer or string;
- ``x-kubernetes-embedded-resource`` -> apiVersion/kind/metadata allowed;
- ``nullable`` is not needed: null is accepted everywhere because the API server
  prunes null values of non-nullable fields instead of rejecting them;
- OpenAPI 3.0 boolean ``exclusiveMinimum``/``exclusiveMaximum`` become numbers;
- inside allOf/anyOf/oneOf/not (value validation only in structural schemas)
  nothing is closed or widened;
- CEL rules (``x-kubernetes-validations``) and ``format`` are not checked, so a
  ``oneOf`` whose branches a format tells apart (``[{format: ipv4}, {format:
  ipv6}]``) is read as ``anyOf``: the value matches one of them, and which one
  cannot be told here (as ``oneOf`` every such value "matched more than one").
"""

from __future__ import annotations

import re

from .bundle import DEFINITIONS_URI

OBJECT_META_REF = f"{DEFINITIONS_URI}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

_COPIED = (
    "enum",
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "title",
)


def custom_resource_schemas(crd) -> dict[tuple[str, str], dict]:
    """``{(apiVersion, kind): JSON Schema}`` for each served version of one CRD.
    Malformed CRDs yield what can be read from them, never an exception."""
    return {(api_version, kind): resource_schema(raw, kind) for api_version, kind, raw in served_versions(crd)}


def served_versions(crd) -> list[tuple[str, str, dict | None]]:
    """(apiVersion, kind, openAPIV3Schema or None) of each version one CRD serves; [] for anything else."""
    if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
        return []  # callers may hand us every object of a run; only CRDs count
    if not str(crd.get("apiVersion", "")).startswith("apiextensions.k8s.io/"):
        return []
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return []
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return []
    out = []
    versions = spec.get("versions")
    if isinstance(versions, list):
        for entry in versions:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            if entry.get("served") is False:
                continue
            validation = entry.get("schema")
            if not isinstance(validation, dict):
                validation = spec.get("validation")  # apiextensions v1beta1 shape
            raw = validation.get("openAPIV3Schema") if isinstance(validation, dict) else None
            out.append((f"{group}/{entry['name']}", kind, raw))
    elif isinstance(spec.get("version"), str):  # v1beta1 with a single version
        validation = spec.get("validation")
        raw = validation.get("openAPIV3Schema") if isinstance(validation, dict) else None
        out.append((f"{group}/{spec['version']}", kind, raw))
    return out


def resource_schema(raw, kind: str) -> dict:
    """The JSON Schema of a custom resource whose CRD declares ``raw``."""
    if not isinstance(raw, dict):
        # No schema: the API server keeps everything (v1beta1 without validation).
        raw = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    schema = convert(raw)
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": OBJECT_META_REF}
    schema["type"] = "object"
    schema["title"] = kind
    return schema


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _well_formed(keyword: str, value) -> bool:
    """A malformed constraint in a CRD (the API server would refuse the CRD)
    is dropped rather than misread."""
    if keyword == "enum":
        return isinstance(value, list)
    if keyword == "required":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if keyword == "pattern":
        if not isinstance(value, str):
            return False
        try:
            re.compile(value)
        except re.error:
            return False
        return True
    if keyword == "uniqueItems":
        return isinstance(value, bool)
    if keyword == "title":
        return isinstance(value, str)
    if keyword == "multipleOf":
        return _is_number(value) and value > 0
    return _is_number(value) and value >= 0  # lengths, item and property counts


def convert(node, inside_junctor: bool = False, preserved: bool = False) -> dict:
    """One OpenAPI v3 (structural) schema node -> JSON Schema 2020-12.

    ``preserved``: the node is an item of an array that keeps unknown fields. The API
    server's pruning (apiextensions-apiserver's skipPrune) carries an array's
    ``x-kubernetes-preserve-unknown-fields`` into its items, however deep the arrays
    nest, but not into the properties of an object: those are pruned again.
    """
    if not isinstance(node, dict):
        return {}
    out: dict = {}
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True or preserved
    declared_type = node.get("type")
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
    elif isinstance(declared_type, str):
        out["type"] = [declared_type]
    if "type" in out and not inside_junctor:
        out["type"] = out["type"] + ["null"]

    for keyword in _COPIED:
        if keyword in node and _well_formed(keyword, node[keyword]):
            out[keyword] = node[keyword]
    if isinstance(out.get("enum"), list) and not inside_junctor and None not in out["enum"]:
        out["enum"] = out["enum"] + [None]
    properties = node.get("properties")
    if isinstance(out.get("required"), list) and isinstance(properties, dict):
        # The API server fills a property's default in while decoding, before it validates
        # (structural defaulting): a required property with a default is never missing.
        out["required"] = [
            name
            for name in out["required"]
            if not (isinstance(properties.get(name), dict) and "default" in properties[name])
        ]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if bound in node and _is_number(node[bound]):
            if node.get(exclusive) is True:
                out[exclusive] = node[bound]
            else:
                out[bound] = node[bound]

    if isinstance(properties, dict):
        out["properties"] = {
            name: convert(sub, inside_junctor) for name, sub in properties.items() if isinstance(name, str)
        }
    if node.get("x-kubernetes-embedded-resource") is True:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        out["additionalProperties"] = convert(additional, inside_junctor)
    elif additional is False:
        out["additionalProperties"] = False
    elif (
        not inside_junctor
        and not preserve
        and additional is not True
        and (declared_type == "object" or isinstance(properties, dict))
    ):
        out["additionalProperties"] = False

    items = node.get("items")
    if isinstance(items, dict):
        out["items"] = convert(items, inside_junctor, preserved=preserve)

    for junctor in ("allOf", "anyOf", "oneOf"):
        branches = node.get(junctor)
        if isinstance(branches, list):
            converted = [convert(b, True) for b in branches]
            if junctor == "oneOf" and any(isinstance(b, dict) and "format" in b for b in branches):
                out.setdefault("allOf", []).append({"anyOf": converted})  # (formats are not checked)
            else:
                out[junctor] = converted
    if isinstance(node.get("not"), dict):
        out["not"] = convert(node["not"], True)
    return out
