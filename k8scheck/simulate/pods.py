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


def _env_outcome(store, namespace, kind, name, key, optional, path):
    if not isinstance(name, str) or not name:
        return None
    target = store.find(kind, namespace, name)
    if target is None:
        if optional or store.assumed(kind, namespace, name):
            return None
        return PodOutcome(
            "CreateContainerConfigError", False, f'{_label(kind)} "{name}" not found', certain=False, path=path
        )
    if key is not None and key not in object_keys(target) and not optional:
        return PodOutcome(
            "CreateContainerConfigError",
            False,
            f"couldn't find key {key} in {kind} {namespace}/{name}",
            certain=True,
            path=path,
            evidence=target,
        )
    return None


def _volume_outcome(store, namespace, kind, name, items, optional, path):
    if not isinstance(name, str) or not name:
        return None
    target = store.find(kind, namespace, name)
    if target is None:
        if optional or store.assumed(kind, namespace, name):
            return None
        return PodOutcome("ContainerCreating", False, f'MountVolume.SetUp failed: {_label(kind)} "{name}" not found', certain=False, path=path)
    if optional or not isinstance(items, list):
        return None
    keys = object_keys(target)
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"] not in keys:
            return PodOutcome(
                "ContainerCreating",
                False,
                f"MountVolume.SetUp failed: {_label(kind)} references non-existent config key: {item['key']}",
                certain=True,
                path=path,
                evidence=target,
            )
    return None


def predict_pod(ctx, manifest, image_verdicts: dict | None = None) -> PodOutcome:
    """The first reason a pod of this workload will not become Ready, or RUNNING."""
    template = pod_template(manifest.obj)
    if template is None:
        return RUNNING
    store = ctx.pod_store
    namespace = manifest.namespace
    spec = template.spec
    base = template.spec_path
    volumes = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    for index, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            continue
        path = base + ("volumes", index)
        for kind, field_name, name_key in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
            source = volume.get(field_name)
            if isinstance(source, dict):
                outcome = _volume_outcome(store, namespace, kind, source.get(name_key), source.get("items"), source.get("optional") is True, path + (field_name, name_key))
                if outcome:
                    return outcome
        projected = volume.get("projected")
        if isinstance(projected, dict) and isinstance(projected.get("sources"), list):
            for s_index, source in enumerate(projected["sources"]):
                if not isinstance(source, dict):
                    continue
                for kind, field_name in (("ConfigMap", "configMap"), ("Secret", "secret")):
                    ref = source.get(field_name)
                    if isinstance(ref, dict):
                        outcome = _volume_outcome(store, namespace, kind, ref.get("name"), ref.get("items"), ref.get("optional") is True, path + ("projected", "sources", s_index, field_name, "name"))
                        if outcome:
                            return outcome
        claim = volume.get("persistentVolumeClaim")
        if isinstance(claim, dict) and isinstance(claim.get("claimName"), str):
            name = claim["claimName"]
            if store.find("PersistentVolumeClaim", namespace, name) is None and not store.assumed("PersistentVolumeClaim", namespace, name):
                return PodOutcome("Pending", False, f'persistentvolumeclaim "{name}" not found', certain=False, path=path + ("persistentVolumeClaim", "claimName"))
    for list_name, index, container in containers(spec, ("initContainers", "containers")):
        cpath = base + (list_name, index)
        env_from = container.get("envFrom")
        if isinstance(env_from, list):
            for e_index, source in enumerate(env_from):
                if not isinstance(source, dict):
                    continue
                for kind, field_name in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    ref = source.get(field_name)
                    if isinstance(ref, dict):
                        outcome = _env_outcome(store, namespace, kind, ref.get("name"), None, ref.get("optional") is True, cpath + ("envFrom", e_index, field_name, "name"))
                        if outcome:
                            return outcome
        env = container.get("env")
        if isinstance(env, list):
            for e_index, var in enumerate(env):
                value_from = var.get("valueFrom") if isinstance(var, dict) else None
                if not isinstance(value_from, dict):
                    continue
                for kind, field_name in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    ref = value_from.get(field_name)
                    if isinstance(ref, dict):
                        key = ref.get("key") if isinstance(ref.get("key"), str) else None
                        outcome = _env_outcome(store, namespace, kind, ref.get("name"), key, ref.get("optional") is True, cpath + ("env", e_index, "valueFrom", field_name, "key"))
                        if outcome:
                            return outcome
        image = container.get("image")
        if image_verdicts and isinstance(image, str):
            verdict = image_verdicts.get(image)
            if verdict is not None and getattr(verdict, "status", None) == "not-found":
                return PodOutcome("ErrImagePull", False, f"{image}: not found (then ImagePullBackOff)", certain=True, path=cpath + ("image",))
    return RUNNING
