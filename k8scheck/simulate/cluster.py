"""The cluster the controllers will build from the manifests, as `kubectl get` would show it.

A pure function of the objects: Deployments create ReplicaSets (`<deployment>-<pod
template hash>`), ReplicaSets, StatefulSets, DaemonSets and Jobs create Pods (with the
`pod-template-hash` label where the real controller sets it), and the Endpoints
controller fills each Service's Endpoints from the pods its selector matches, with ports
resolved per pod the way kube-proxy and FindPort do (a named targetPort must match a
container port's name *and* protocol; a pod without it is left out for that port).

Every simulated object remembers the manifest (and field) that caused it, so a
finding about it points at YAML a person can edit. Deterministic: names and pod IPs
come from hashes and counters, never from randomness.

Assumptions (documented, since a manifest does not say them): one schedulable node
(a DaemonSet runs one pod), scheduling always succeeds, pods that start become Ready
unless a readiness probe targets a port the container does not declare.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..graph import find_port
from ..kinds import containers, get, items, pod_template
from ..model import Manifest
from .podtemplate import replicaset_name
from .pods import PodOutcome, predict_pod

_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _suffix(seed: str, length: int = 5) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])


@dataclass
class SimPod:
    name: str
    namespace: str
    labels: dict
    ip: str
    outcome: PodOutcome
    owner: Manifest  # the manifest whose template made it
    template_path: tuple
    template: object  # kinds.PodTemplate
    ready: bool
    containers_total: int

    @property
    def status(self) -> str:
        if self.outcome.status != "Running":
            return self.outcome.status
        return "Running"


@dataclass
class SimReplicaSet:
    name: str
    namespace: str
    desired: int
    ready: int
    owner: Manifest


@dataclass
class SimDeployment:
    manifest: Manifest
    replicas: int
    ready: int
    replicaset: str


@dataclass
class EndpointAddress:
    pod: SimPod
    port: int | None
    port_name: str | None
    protocol: str


@dataclass
class SimEndpoints:
    service: Manifest
    ready: list = field(default_factory=list)  # EndpointAddress
    not_ready: list = field(default_factory=list)
    unresolved: list = field(default_factory=list)  # (pod, service port, reason): pods left out for a port
    managed: bool = True  # False: no selector (hand-written Endpoints) or ExternalName

    def column(self) -> str:
        if not self.managed:
            return "<none>" if get(self.service.obj, "spec", "type") == "ExternalName" else "<user-managed>"
        shown = [f"{a.pod.ip}:{a.port}" if a.port is not None else a.pod.ip for a in self.ready]
        if not shown:
            return "<none>"
        if len(shown) > 3:
            return ",".join(shown[:3]) + f" + {len(shown) - 3} more..."
        return ",".join(shown)


@dataclass
class SimCluster:
    deployments: list = field(default_factory=list)
    replicasets: list = field(default_factory=list)
    pods: list = field(default_factory=list)
    endpoints: list = field(default_factory=list)

    def pods_in(self, namespace):
        return [p for p in self.pods if p.namespace == namespace]

    def endpoints_of(self, service: Manifest) -> SimEndpoints | None:
        for e in self.endpoints:
            if e.service is service:
                return e
        return None


def _int(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


def _readiness_port_declared(spec: dict) -> bool:
    """False when a readiness probe targets a named port no container declares (never Ready)."""
    names = set()
    for _list, _i, container in containers(spec, ("containers",)):
        for port in items(container.get("ports")):
            if isinstance(port, dict) and isinstance(port.get("name"), str):
                names.add(port["name"])
    for _list, _i, container in containers(spec, ("containers",)):
        probe = container.get("readinessProbe")
        if not isinstance(probe, dict):
            continue
        for handler in ("httpGet", "tcpSocket", "grpc"):
            target = get(probe, handler, "port")
            if isinstance(target, str) and not target.isdigit() and target not in names:
                return False
    return True


class _Builder:
    def __init__(self, ctx, image_verdicts=None):
        self.ctx = ctx
        self.image_verdicts = image_verdicts
        self.cluster = SimCluster()
        self.ip_counter = 0

    def _ip(self) -> str:
        self.ip_counter += 1
        n = self.ip_counter + 1
        return f"10.244.{n // 250}.{n % 250 + 2}"

    def _pods(self, owner: Manifest, base_name: str, count: int, extra_labels: dict, names=None) -> tuple[int, list]:
        template = pod_template(owner.obj)
        if template is None:
            return 0, []
        outcome = predict_pod(self.ctx, owner, self.image_verdicts)
        if outcome.ready and not _readiness_port_declared(template.spec):
            outcome = PodOutcome("Running", False, "readiness probe targets a port the container does not declare", certain=True)
        labels = {k: v for k, v in template.labels.items() if isinstance(v, str)}
        labels.update(extra_labels)
        made = []
        total = sum(1 for _ in containers(template.spec, ("containers",)))
        for index in range(count):
            name = names[index] if names else f"{base_name}-{_suffix(f'{owner.namespace}/{base_name}/{index}')}"
            pod = SimPod(name, owner.namespace or "default", labels, self._ip(), outcome, owner, template.path, template, outcome.ready, total)
            made.append(pod)
        self.cluster.pods.extend(made)
        return sum(1 for p in made if p.ready), made

    def workloads(self):
        ctx = self.ctx
        for m in sorted(ctx.of_kind("Deployment"), key=_order):
            template = get(m.obj, "spec", "template")
            replicas = _int(get(m.obj, "spec", "replicas"), 1)
            rs_name = replicaset_name(m.name or "deployment", template)
            rs_hash = rs_name.rsplit("-", 1)[-1]
            ready, _ = self._pods(m, rs_name, replicas, {"pod-template-hash": rs_hash})
            self.cluster.replicasets.append(SimReplicaSet(rs_name, m.namespace, replicas, ready, m))
            self.cluster.deployments.append(SimDeployment(m, replicas, ready, rs_name))
        for m in sorted(ctx.of_kind("ReplicaSet", "ReplicationController"), key=_order):
            replicas = _int(get(m.obj, "spec", "replicas"), 1)
            ready, _ = self._pods(m, m.name or "replicaset", replicas, {})
            self.cluster.replicasets.append(SimReplicaSet(m.name or "?", m.namespace, replicas, ready, m))
        for m in sorted(ctx.of_kind("StatefulSet"), key=_order):
            replicas = _int(get(m.obj, "spec", "replicas"), 1)
            names = [f"{m.name}-{i}" for i in range(replicas)]
            self._pods(m, m.name or "statefulset", replicas, {}, names=names)
        for m in sorted(ctx.of_kind("DaemonSet"), key=_order):
            self._pods(m, m.name or "daemonset", 1, {})
        for m in sorted(ctx.of_kind("Job"), key=_order):
            self._pods(m, m.name or "job", _int(get(m.obj, "spec", "parallelism"), 1), {})
        for m in sorted(ctx.of_kind("Pod"), key=_order):
            self._pods(m, m.name or "pod", 1, {}, names=[m.name or "pod"])

    def endpoints(self):
        by_namespace: dict = {}
        for pod in self.cluster.pods:
            by_namespace.setdefault(pod.namespace, []).append(pod)
        for service in sorted(self.ctx.of_kind("Service"), key=_order):
            spec = service.obj.get("spec") if isinstance(service.obj.get("spec"), dict) else {}
            selector = spec.get("selector")
            result = SimEndpoints(service)
            if spec.get("type") == "ExternalName" or not isinstance(selector, dict) or not selector:
                result.managed = False
                self.cluster.endpoints.append(result)
                continue
            publish = spec.get("publishNotReadyAddresses") is True
            ports = [p for p in items(spec.get("ports")) if isinstance(p, dict)]
            for pod in by_namespace.get(service.namespace, []):
                if not all(pod.labels.get(k) == v for k, v in selector.items()):
                    continue
                bucket = result.ready if (pod.ready or publish) else result.not_ready
                if not ports:
                    bucket.append(EndpointAddress(pod, None, None, "TCP"))
                for port in ports:
                    protocol = port.get("protocol") or "TCP"
                    resolved = resolve_port(pod.template, port.get("targetPort", port.get("port")), protocol)
                    if resolved is None:
                        result.unresolved.append((pod, port, f"no container port named {port.get('targetPort')!r} with protocol {protocol}"))
                        continue
                    bucket.append(EndpointAddress(pod, resolved, port.get("name"), protocol))
            self.cluster.endpoints.append(result)


def resolve_port(template, target, protocol: str) -> int | None:
    """The container port number a Service targetPort reaches in a pod (FindPort), or None.

    A number is used as is (even when no container declares it); a name must match a
    declared port's name and protocol.
    """
    if isinstance(target, bool) or target is None:
        return None
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    found = find_port(template, target, protocol)
    if found is None:
        return None
    if found == "undeclared":
        return target
    return get(template.spec, *found[len(template.spec_path):], "containerPort")


def _order(m: Manifest):
    return (m.namespace or "", m.name or "", m.file, m.document)


def simulate_cluster(ctx, image_verdicts=None) -> SimCluster:
    if image_verdicts is None:
        image_verdicts = getattr(ctx, "image_verdicts", None)
    builder = _Builder(ctx, image_verdicts)
    builder.workloads()
    builder.endpoints()
    return builder.cluster
