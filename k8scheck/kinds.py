"""What k8scheck knows about kinds: scope, and where each workload keeps its pod template."""

from __future__ import annotations

from dataclasses import dataclass

# Built-in cluster-scoped kinds (kubectl api-resources --namespaced=false), including
# ones from removed API versions so old manifests are scoped right too.
CLUSTER_SCOPED = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ClusterTrustBundle",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "DeviceClass",
        "FlowSchema",
        "IngressClass",
        "IPAddress",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PodSecurityPolicy",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "ResourceSlice",
        "RuntimeClass",
        "SelfSubjectAccessReview",
        "SelfSubjectReview",
        "SelfSubjectRulesReview",
        "ServiceCIDR",
        "StorageClass",
        "StorageVersion",
        "StorageVersionMigration",
        "SubjectAccessReview",
        "TokenReview",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
        "VolumeAttributesClass",
    }
)

# Kinds whose pod template sits at spec.template.
_TEMPLATE_AT_SPEC = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"})
# Controllers with a spec.selector that must match their template (the API rejects a mismatch).
SELECTOR_WORKLOADS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"})

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class PodTemplate:
    """A pod template inside an object: where it is and what it says."""

    path: tuple  # path of the template mapping (metadata + spec); () for a Pod
    labels: dict
    spec: dict

    @property
    def spec_path(self) -> tuple:
        return self.path + ("spec",)

    @property
    def labels_path(self) -> tuple:
        return self.path + ("metadata", "labels")


def pod_template_path(kind) -> tuple | None:
    if not isinstance(kind, str):
        return None
    if kind == "Pod":
        return ()
    if kind in _TEMPLATE_AT_SPEC:
        return ("spec", "template")
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template")
    if kind == "PodTemplate":
        return ("template",)
    return None


def pod_template(obj: dict) -> PodTemplate | None:
    """The pod template of a workload object, or None (also when malformed)."""
    if not isinstance(obj, dict):
        return None
    path = pod_template_path(obj.get("kind"))
    if path is None:
        return None
    template = get(obj, *path) if path else obj
    if not isinstance(template, dict):
        return None
    labels = get(template, "metadata", "labels")
    spec = template.get("spec")
    return PodTemplate(
        path,
        labels if isinstance(labels, dict) else {},
        spec if isinstance(spec, dict) else {},
    )


def containers(spec: dict, lists=CONTAINER_LISTS):
    """(list name, index, container) for every well-formed container of a pod spec."""
    if not isinstance(spec, dict):
        return
    for list_name in lists:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if isinstance(container, dict):
                yield list_name, index, container


def get(value, *keys):
    """Nested lookup that never raises: ``get(obj, "spec", "containers", 0, "image")``."""
    for key in keys:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def text(value) -> str | None:
    """``value`` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def is_int(value) -> bool:
    """A YAML integer (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def non_negative(value, default: int) -> int:
    """``value`` when it is an integer >= 0, else ``default`` (replica counts and the like)."""
    return value if is_int(value) and value >= 0 else default


def items(value) -> list:
    """``value`` when it is a list, else an empty one: for fields that should be lists but may be anything."""
    return value if isinstance(value, list) else []
