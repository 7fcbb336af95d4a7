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

from ..kinds import containers, get, items


@dataclass(frozen=True)
class PodOutcome:
    # kubectl STATUS: Running | CreateContainerConfigError | ContainerCreating | ErrImagePull
    # | CrashLoopBackOff | Pending | Init:...
    status: str
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


def object_keys(manifest) -> set[str]:
    keys: set[str] = set()
    for field_name in ("data", "binaryData", "stringData"):
        value = manifest.obj.get(field_name)
        if isinstance(value, dict):
            keys.update(k for k in value if isinstance(k, str))
    return keys


def _label(kind: str) -> str:
    return "configmap" if kind == "ConfigMap" else "secret"


def _volume_name(manifest, path: tuple) -> str:
    """The pod volume a reference sits in (``volumes[i].name``), for the kubelet's message."""
    if "volumes" in path:
        at = path.index("volumes")
        volume = get(manifest.obj, *path[: at + 2])
        if isinstance(volume, dict) and isinstance(volume.get("name"), str):
            return volume["name"]
    return "?"


def _mount_failed(manifest, path: tuple, message: str) -> str:
    """operation_generator.go: ``MountVolume.SetUp failed for volume "V" : <error>``."""
    return f'MountVolume.SetUp failed for volume "{_volume_name(manifest, path)}" : {message}'


def _missing_object(store, namespace, kind, name, optional) -> bool:
    """Not in the inputs, not optional, and not something every cluster (or --assume-exists) has."""
    return store.find(kind, namespace, name) is None and not optional and not store.assumed(kind, namespace, name)


def _reference_outcome(store, edge, init_total: int = 0) -> PodOutcome | None:
    """What the kubelet does with one ConfigMap/Secret/PVC reference of the pod (a graph edge).

    ``init_total``: the pod's init containers. kubectl prints ``Init:<reason>`` while an
    init container waits for a reason of its own, and ``Init:0/N`` while the pod's
    volumes keep every init container in PodInitializing.
    """
    kind, namespace, name = edge.target
    on_volume = edge.via in ("volume", "projected") or edge.relation == "claims"
    status = "ContainerCreating" if on_volume else "CreateContainerConfigError"
    if on_volume and init_total:
        status = f"Init:0/{init_total}"
    elif not on_volume and "initContainers" in edge.path:
        status = "Init:" + status
    path = (edge.key_path or edge.path) if edge.via == "env" else edge.path
    if edge.relation == "claims":
        if _missing_object(store, namespace, kind, name, False):
            return PodOutcome("Pending", False, f'persistentvolumeclaim "{name}" not found', certain=False, path=path)
        return None
    if _missing_object(store, namespace, kind, name, edge.optional):
        text = f'{_label(kind)} "{name}" not found'
        return PodOutcome(
            status,
            False,
            _mount_failed(edge.manifest, edge.path, text) if on_volume else text,
            certain=False,
            path=path,
        )
    target = store.graph.target(edge)  # the nearest definition, as the rules see it
    if (
        edge.relation != "reads-key"
        or target is None
        or edge.optional
        or edge.key is None
        or edge.key in object_keys(target)
    ):
        return None
    # pkg/volume/configmap and pkg/volume/secret MakePayload word the missing key differently.
    missing = (
        f"configmap references non-existent config key: {edge.key}"
        if kind == "ConfigMap"
        else f"references non-existent secret key: {edge.key}"
    )
    message = (
        _mount_failed(edge.manifest, edge.path, missing)
        if on_volume
        else f"couldn't find key {edge.key} in {kind} {namespace}/{name}"
    )
    # A missing key points at the key (env or volume item), where configmap-key-missing points too.
    return PodOutcome(status, False, message, certain=True, path=edge.key_path or path, evidence=target)


def predict_pod(ctx, manifest, image_verdicts: dict | None = None) -> PodOutcome:
    """The first reason a pod of this workload will not become Ready, or RUNNING.

    Volumes are set up before any container starts, so their failures come first;
    then each container's envFrom and env, in order, as the kubelet builds them.
    """
    template = manifest.template
    if template is None:
        return RUNNING
    store = ctx.pod_store
    # The graph already holds every reference of the pod spec; ephemeral containers
    # are not started with the pod.
    ephemeral = template.spec_path + ("ephemeralContainers",)
    references = [
        e
        for e in ctx.graph.out_edges(
            (manifest.kind, manifest.namespace, manifest.name), "mounts", "claims", "reads", "reads-key"
        )
        if e.manifest is manifest and e.path[: len(ephemeral)] != ephemeral
    ]
    references.sort(key=lambda e: 0 if (e.via in ("volume", "projected") or e.relation == "claims") else 1)
    init_total = sum(1 for _ in containers(template.spec, ("initContainers",)))
    for edge in references:
        outcome = _reference_outcome(store, edge, init_total)
        if outcome:
            return outcome
    if image_verdicts:
        for list_name, index, container in containers(template.spec, ("initContainers", "containers")):
            image = container.get("image")
            verdict = image_verdicts.get(image) if isinstance(image, str) else None
            if verdict is not None and getattr(verdict, "status", None) == "not-found":
                status = "Init:ErrImagePull" if list_name == "initContainers" else "ErrImagePull"
                return PodOutcome(
                    status,
                    False,
                    f"{image}: not found (then ImagePullBackOff)",
                    certain=True,
                    path=template.spec_path + (list_name, index, "image"),
                )
    return probe_outcome(template) or RUNNING


_PROBE_TEXT = {"livenessProbe": "Liveness", "startupProbe": "Startup", "readinessProbe": "Readiness"}


def _unresolvable_probe_port(container: dict, probe_name: str):
    """(handler, port name) when the probe names a port its own container does not declare.

    pkg/probe/util.go ResolveContainerPort: a name is looked up in the probed container's
    ports only (findPortByName), then parsed as a number; both failing is a probe error.
    """
    probe = container.get(probe_name)
    if not isinstance(probe, dict):
        return None
    declared = {p.get("name") for p in items(container.get("ports")) if isinstance(p, dict)}
    for handler in ("httpGet", "tcpSocket"):
        port = get(probe, handler, "port")
        if isinstance(port, str) and port and not port.isdigit() and port not in declared:
            return handler, port
    return None


def probe_outcome(template) -> PodOutcome | None:
    """What the prober does with the pod once its containers run (pkg/kubelet/prober).

    A liveness or startup probe whose port cannot be resolved errors on every attempt:
    after failureThreshold failures the kubelet kills the container and restarts it with
    back-off, forever (CrashLoopBackOff between restarts). A readiness probe that errors
    keeps the container, and so the pod, not Ready. ``readinessGates`` keep the pod's
    Ready condition False (ReadinessGatesNotReady) until some controller sets them.
    """
    found = []
    for list_name, index, container in containers(template.spec, ("containers",)):
        for probe_name in ("livenessProbe", "startupProbe", "readinessProbe"):
            bad = _unresolvable_probe_port(container, probe_name)
            if bad is not None:
                found.append((probe_name != "readinessProbe", list_name, index, container, probe_name, bad))
    found.sort(key=lambda f: not f[0])  # a restart loop says more than a not-ready pod
    if found:
        kills, list_name, index, container, probe_name, (handler, port) = found[0]
        path = template.spec_path + (list_name, index, probe_name, handler, "port")
        error = f'{_PROBE_TEXT[probe_name]} probe errored: strconv.Atoi: parsing "{port}": invalid syntax'
        name = container.get("name") or f"{list_name}[{index}]"
        if kills:
            return PodOutcome(
                "CrashLoopBackOff",
                False,
                f"{error}; container {name} has no port named {port!r}, so after failureThreshold failures the kubelet "
                "kills and restarts it, with a growing back-off, forever",
                certain=True,
                path=path,
            )
        return PodOutcome(
            "Running",
            False,
            f"{error}; container {name} has no port named {port!r}, so it never becomes Ready",
            certain=True,
            path=path,
        )
    gates = [g.get("conditionType") for g in items(template.spec.get("readinessGates")) if isinstance(g, dict)]
    if gates:
        return PodOutcome(
            "Running",
            False,
            f"readinessGates {', '.join(map(str, gates))}: Ready=False (ReadinessGatesNotReady) until the controller "
            "that owns the condition sets it",
            certain=False,
            path=template.spec_path + ("readinessGates",),
        )
    return None
