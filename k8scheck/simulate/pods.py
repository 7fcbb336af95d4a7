"""What the kubelet will do with a pod template, predicted from the manifests alone.

Follows pkg/kubelet/kubelet_pods.go makeEnvironmentVariables (envFrom, then env;
``optional`` honoured; the exact error texts), pkg/volume/configmap and secret
(missing object or item key -> FailedMount, pod stuck in ContainerCreating), and
the image pull path (a reference known not to exist -> ErrImagePull, then
ImagePullBackOff).

A prediction is *certain* when the evidence is in the inputs (the ConfigMap is
there and lacks the key; the registry said the tag does not exist). An object
missing from the inputs may still live in the cluster, so that prediction is
marked uncertain, and rules that fail a build use certain ones only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import containers, pod_template

@dataclass(frozen=True)
class PodOutcome:
    status: str  # Running | CreateContainerConfigError | ContainerCreating | ErrImagePull | Pending
    ready: bool
    message: str = ""
    certain: bool = True
    path: tuple = ()  # field path in the workload that causes it
    evidence: object = None  # the Manifest whose content proves it, when there is one

    @property
    def fails(self) -> bool:
        return not self.ready


RUNNING = PodOutcome("Running", True)


class PodStore:
    """ConfigMap / Secret / PVC lookups through the object graph (which knows what always exists)."""

    def __init__(self, ctx):
        self.graph = ctx.graph

    def find(self, kind, namespace, name):
        return self.graph.get(kind, namespace, name)

    def assumed(self, kind, namespace, name) -> bool:
        """Not in the inputs, but there in every cluster or declared with --assume-exists."""
        return self.graph.exists(kind, namespace, name)


def object_keys(manifest) -> set:
    keys = set()
    for field_name in ("data", "binaryData", "stringData"):
        value = manifest.obj.get(field_name)
        if isinstance(value, dict):
            keys.update(k for k in value if isinstance(k, str))
    return keys


def _label(kind: str) -> str:
    return "configmap" if kind == "ConfigMap" else "secret"


def _missing_object(store, namespace, kind, name, optional) -> bool:
    """Not in the inputs, not optional, and not something every cluster (or --assume-exists) has."""
    return store.find(kind, namespace, name) is None and not optional and not store.assumed(kind, namespace, name)


def _reference_outcome(store, edge) -> PodOutcome | None:
    """What the kubelet does with one ConfigMap/Secret/PVC reference of the pod (a graph edge)."""
    kind, namespace, name = edge.target
    on_volume = edge.via in ("volume", "projected") or edge.relation == "claims"
    status = "ContainerCreating" if on_volume else "CreateContainerConfigError"
    path = edge.extra.get("key_path", edge.path) if edge.via == "env" else edge.path
    if edge.relation == "claims":
        if _missing_object(store, namespace, kind, name, False):
            return PodOutcome("Pending", False, f'persistentvolumeclaim "{name}" not found', certain=False, path=path)
        return None
    if _missing_object(store, namespace, kind, name, edge.optional):
        prefix = "MountVolume.SetUp failed: " if on_volume else ""
        return PodOutcome(status, False, f'{prefix}{_label(kind)} "{name}" not found', certain=False, path=path)
    target = store.graph.target(edge)  # the nearest definition, as the rules see it
    if edge.relation != "reads-key" or target is None or edge.optional or edge.key is None or edge.key in object_keys(target):
        return None
    message = (
        f"MountVolume.SetUp failed: {_label(kind)} references non-existent config key: {edge.key}"
        if on_volume
        else f"couldn't find key {edge.key} in {kind} {namespace}/{name}"
    )
    # A missing key points at the key (env or volume item), where configmap-key-missing points too.
    return PodOutcome(status, False, message, certain=True, path=edge.extra.get("key_path", path), evidence=target)


def predict_pod(ctx, manifest, image_verdicts: dict | None = None) -> PodOutcome:
    """The first reason a pod of this workload will not become Ready, or RUNNING.

    Volumes are set up before any container starts, so their failures come first;
    then each container's envFrom and env, in order, as the kubelet builds them.
    """
    template = pod_template(manifest.obj)
    if template is None:
        return RUNNING
    store = ctx.pod_store
    # The graph already holds every reference of the pod spec; ephemeral containers
    # are not started with the pod.
    ephemeral = template.spec_path + ("ephemeralContainers",)
    references = [
        e
        for e in ctx.graph.out_edges((manifest.kind, manifest.namespace, manifest.name), "mounts", "claims", "reads", "reads-key")
        if e.manifest is manifest and e.path[: len(ephemeral)] != ephemeral
    ]
    references.sort(key=lambda e: 0 if (e.via in ("volume", "projected") or e.relation == "claims") else 1)
    for edge in references:
        outcome = _reference_outcome(store, edge)
        if outcome:
            return outcome
    if image_verdicts:
        for list_name, index, container in containers(template.spec, ("initContainers", "containers")):
            image = container.get("image")
            verdict = image_verdicts.get(image) if isinstance(image, str) else None
            if verdict is not None and getattr(verdict, "status", None) == "not-found":
                return PodOutcome("ErrImagePull", False, f"{image}: not found (then ImagePullBackOff)", certain=True, path=template.spec_path + (list_name, index, "image"))
    return RUNNING
