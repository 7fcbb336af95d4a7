"""SchemaValidator: strict schema validation of Kubernetes objects."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from k8scheck.problem import Problem

from . import bundle
from .crd import custom_resource_schemas
from .fastcheck import INTEGER_RANGES, Explainer, FastChecker, in_integer_range
from .messages import MISSING_REQUIRED, WRONG_TYPE, json_type, problems_from_errors

UNKNOWN_KIND = "unknown-kind"


@functools.lru_cache(maxsize=1)
def _format_checker():
    """Only the integer formats are checked: Kubernetes' other formats (byte,
    date-time, ...) are not something kubernetes-validate checks either."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name in INTEGER_RANGES:
        checker.checks(name)(lambda value, _f=name: in_integer_range(value, _f))
    return checker


_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


def _split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def _schema_file_names(api_version: str, kind: str) -> list[str]:
    """File names under which a schema directory may hold this kind.

    kubeconform's default layout (yannh/kubernetes-json-schema) names a file
    ``{kind}-{first label of group}-{version}.json`` and ``{kind}-{version}.json``
    for the core group; the CRDs-catalog (datreeio) uses
    ``{group}/{kind}_{version}.json`` and its extractor writes
    ``{kind}_{version}.json`` flat. Kinds are lowercased in all of them."""
    group, version = _split_api_version(api_version)
    kind = kind.lower()
    if not all(_SAFE_NAME.match(part) for part in (kind, version) + ((group,) if group else ())):
        return []  # never let a manifest's apiVersion/kind walk out of the directory
    names = []
    if group:
        names.append(f"{kind}-{group.split('.')[0].lower()}-{version}.json")
        names.append(f"{kind}-{group.lower()}-{version}.json")
        names.append(f"{group.lower()}/{kind}_{version}.json")
    else:
        names.append(f"{kind}-{version}.json")
    names.append(f"{kind}_{version}.json")
    return names


def _declares_other_gvk(schema: dict, api_version: str, kind: str) -> bool:
    """A kubeconform-layout file named after the group's first label may belong
    to another group with the same first label; its apiVersion/kind enums say."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return False
    for field, wanted in (("apiVersion", api_version), ("kind", kind)):
        declared = props.get(field)
        enum = declared.get("enum") if isinstance(declared, dict) else None
        if isinstance(enum, list) and wanted not in enum:
            return True
    return False


class SchemaValidator:
    """Validates objects against the schemas of one Kubernetes version, plus
    extra schema directories and CRDs. Compiles each schema once and reuses it."""

    def __init__(
        self,
        kube_version: str,
        schema_dirs: Sequence[str | Path] = (),
        crds: Iterable[dict] = (),
    ):
        """Raise UnknownKubeVersion (listing the bundled versions) for a version
        with no bundled schemas."""
        self.kube_version = bundle.normalize_version(kube_version)
        self._definitions = bundle.definitions(self.kube_version)
        self._builtin = bundle.gvk_index(self.kube_version)
        self._schema_dirs = [Path(d) for d in schema_dirs]
        self._custom: dict[tuple[str, str], dict] = {}
        for crd in crds or ():
            try:
                self._custom.update(custom_resource_schemas(crd))
            except Exception:  # a malformed CRD must not stop validation of the rest
                continue
        self._fast = FastChecker(self._resolve_ref)
        self._explainer = Explainer(self._fast)
        # (apiVersion, kind) -> (fast check, schema) or None when no schema
        self._compiled: dict[tuple[str, str], tuple | None] = {}
        # jsonschema validators, built only for kinds with an invalid object: valid
        # inputs (and a pre-commit hook's start-up) never import jsonschema.
        self._slow: dict[tuple[str, str], object] = {}

    def _slow_validator(self, key, schema):
        if key not in self._slow:
            import jsonschema
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            definitions = Resource.from_contents(
                self._definitions.document_for(schema), default_specification=DRAFT202012
            )
            registry = Registry().with_resource(bundle.DEFINITIONS_URI, definitions)
            validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
            self._slow[key] = validator_class(schema, registry=registry, format_checker=_format_checker())
        return self._slow[key]

    # -- public ---------------------------------------------------------------

    def has_schema(self, api_version: str, kind: str) -> bool:
        """Whether a schema for this apiVersion/kind is known (bundled for this
        Kubernetes version, from a CRD, or in a schema directory)."""
        return self._entry(api_version, kind) is not None

    def validate(self, obj: dict) -> list[Problem]:
        """All schema problems of one object, each at its field path; [] if valid.
        Never raises, whatever the object holds."""
        try:
            return self._validate(obj)
        except Exception as error:  # defensive: report, never crash the run
            return [Problem("schema-invalid-value", (), f"could not validate this object: {error!r}")]

    # -- internals ------------------------------------------------------------

    def _validate(self, obj) -> list[Problem]:
        if not isinstance(obj, dict):
            return [Problem(WRONG_TYPE, (), f"a Kubernetes object must be a mapping, got {json_type(obj)}")]
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        problems = []
        for field, value in (("apiVersion", api_version), ("kind", kind)):
            if value is None:
                problems.append(
                    Problem(
                        MISSING_REQUIRED,
                        (),
                        f"the object is missing required field {field}",
                        at="key",
                        subject=(field,),
                    )
                )
            elif not isinstance(value, str):
                problems.append(Problem(WRONG_TYPE, (field,), f"{field} must be a string, got {json_type(value)}"))
        if problems or not isinstance(api_version, str) or not isinstance(kind, str):
            return problems  # a missing or non-string apiVersion or kind has its problem above

        entry = self._entry(api_version, kind)
        if entry is None and (api_version, kind) == ("v1", "List"):
            return self._validate_list(obj)
        if entry is None:
            return self._unknown_kind(api_version, kind)
        fast_check, schema = entry
        try:
            if fast_check(obj):
                return []
        except Exception:
            pass  # anything odd goes to the reference implementation
        try:
            errors = self._explainer.errors(schema, obj)
        except Exception:
            errors = None
        if errors is None:
            errors = self._slow_validator((api_version, kind), schema).iter_errors(obj)
        return problems_from_errors(errors)

    def _validate_list(self, obj: dict) -> list[Problem]:
        """``kind: List`` (what ``kubectl get -o yaml`` writes and kubectl apply
        accepts) has no schema of its own: validate each item in place."""
        items = obj.get("items")
        if items is None:
            return []
        if not isinstance(items, list):
            return [Problem(WRONG_TYPE, ("items",), f"items must be an array, got {json_type(items)}", at="key")]
        problems = []
        for index, item in enumerate(items):
            for problem in self._validate(item):
                subject = None if problem.subject is None else ("items", index) + tuple(problem.subject)
                problems.append(
                    replace(
                        problem,
                        path=("items", index) + tuple(problem.path),
                        subject=subject,
                        message=f"items[{index}]: {problem.message}",
                    )
                )
        return problems

    def api_status(self, api_version: str, kind: str) -> str:
        """ "served" / "removed" / "not-yet-added" / "unknown": where this
        apiVersion/kind stands among Kubernetes's own APIs in this version
        (custom resources and typos are "unknown")."""
        if not isinstance(api_version, str) or not isinstance(kind, str):
            return "unknown"
        return bundle.api_status(api_version, kind, self.kube_version)

    def _unknown_kind(self, api_version: str, kind: str) -> list[Problem]:
        status = self.api_status(api_version, kind)
        if status == "removed" or (status == "unknown" and bundle.version_not_served(api_version, self.kube_version)):
            return []  # Kubernetes's own API group, not served: the api-removed stage reports it
        elsewhere = sorted(av for (av, k) in self._builtin if k == kind)
        elsewhere += sorted(av for (av, k) in self._custom if k == kind)
        message = f"no schema for {kind} in {api_version} (Kubernetes {self.kube_version}), so it was not validated"
        if status == "not-yet-added":
            first = bundle.kubernetes_api_history()[(api_version, kind)][0]
            message = (
                f"{kind} in {api_version} is not served by Kubernetes {self.kube_version} "
                f"(first served in {first}), so it was not validated"
            )
        if elsewhere:
            message += f"; {kind} exists in {', '.join(elsewhere)}"
        else:
            message += "; pass its CustomResourceDefinition or a schema directory"
        return [Problem(UNKNOWN_KIND, ("kind",), message, at="value")]

    def _entry(self, api_version, kind):
        if not isinstance(api_version, str) or not isinstance(kind, str):
            return None
        key = (api_version, kind)
        if key in self._compiled:
            return self._compiled[key]
        schema = self._find_schema(api_version, kind)
        entry = None
        if schema is not None:
            entry = (self._fast.compile(schema), schema)
        self._compiled[key] = entry
        return entry

    def _find_schema(self, api_version: str, kind: str):
        if (api_version, kind) in self._custom:
            return self._custom[(api_version, kind)]
        definition = self._builtin.get((api_version, kind))
        if definition is not None:
            return {"$ref": f"{bundle.DEFINITIONS_URI}#/$defs/{definition}"}
        for directory in self._schema_dirs:
            for name in _schema_file_names(api_version, kind):
                path = directory / name
                if not path.is_file():
                    continue
                try:
                    schema = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(schema, dict) and not _declares_other_gvk(schema, api_version, kind):
                    schema.setdefault("title", kind)
                    return schema
        return None

    def _resolve_ref(self, ref: str, document):
        """Resolve a ``$ref`` for the fast checker: local JSON pointers and
        the bundled definitions; anything else returns None (slow path)."""
        base, _, pointer = ref.partition("#")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p]
        if base.endswith("_definitions.json") or (base in ("", None) and document is self._definitions):
            # The bundled definitions: decoded one at a time (bundle.Definitions).
            if len(parts) < 2 or parts[0] != "$defs":
                return None
            target_document = self._definitions
            node = self._definitions.get(parts[1])
            parts = parts[2:]
        elif base in ("", None):
            target_document = node = document
        else:
            return None
        for part in parts:
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node, target_document
