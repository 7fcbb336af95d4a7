"""The cluster the controllers will build from the manifests, as `kubectl get` would show it.

A pure function of the objects: Deployments create ReplicaSets (`<deployment>-<pod
template hash>`), ReplicaSets, ReplicationControllers, StatefulSets, DaemonSets and Jobs
create Pods (with the `pod-template-hash` label where the real controller sets it), a
CronJob creates nothing until its schedule fires, and the Endpoints controller fills each
Service's Endpoints from the pods its selector matches, with ports resolved per pod the
way kube-proxy and FindPort do (a named targetPort must match a container port's name
*and* protocol; a pod without it is left out for that port).

Every pod's start-up comes from one model, ``simulate.pods.predict_pod`` (the same one
``rollout``, ``why`` and the rules use). What each controller adds:

* an HPA scaling the workload sets its size: ``max(spec.replicas or 1, minReplicas)``
  clamped to ``maxReplicas`` (horizontal.go normalizeDesiredReplicas; a target at 0
  replicas keeps autoscaling off);
* StatefulSet OrderedReady (the default) creates ``NAME-0`` and waits for it to be
  Running and Ready before ``NAME-1`` (stateful_set_control.go): pods that never get
  Ready stop the set at one pod; Parallel creates them all;
* a DaemonSet runs one pod per node (``--nodes``, default 1);
* a Job runs ``min(parallelism, completions - succeeded)`` pods at a time
  (job_controller.go manageJob); a pod that starts is assumed to exit 0, so the picture
  after the Job is done is ``completions`` Completed pods. A container restarted by a
  failing liveness probe counts against ``backoffLimit``; a pod that never starts
  (CreateContainerConfigError) is not a failure, so the Job waits;
* required pod anti-affinity against the pod's own labels on ``kubernetes.io/hostname``
  allows one such pod per node; the others stay Pending with the scheduler's message.

Deterministic: names and pod IPs come from hashes and counters, never from randomness.
Assumptions (documented, since a manifest does not say them): ``nodes`` schedulable
nodes (default 1) with room for every pod, one zone, no taints.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..graph import PortFit, find_port
from ..kinds import containers, get, items, non_negative, text
from ..model import Manifest
from .pods import PodOutcome, predict_pod
from .podtemplate import replicaset_name

_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _suffix(seed: str, length: int = 5) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])


@dataclass
class SimPod:
    name: str
    namespace: str
    labels: dict
    ip: str | None  # None: no sandbox yet (Pending, volumes not mounted)
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
    namespace: str | None  # the owner's
    desired: int
    ready: int
    owner: Manifest
    kind: str = "ReplicaSet"  # or ReplicationController

    @property
    def resource(self) -> str:
        """How kubectl names it: ``replicaset.apps/NAME`` or ``replicationcontroller/NAME``."""
        return (
            f"replicationcontroller/{self.name}"
            if self.kind == "ReplicationController"
            else f"replicaset.apps/{self.name}"
        )


@dataclass
class SimStatefulSet:
    manifest: Manifest
    replicas: int
    ready: int
    created: int  # pods that exist (OrderedReady stops at the first that never gets Ready)


@dataclass
class SimJob:
    manifest: Manifest
    name: str
    completions: int
    succeeded: int
    status: str  # Running | Complete | Failed | Suspended
    note: str = ""


@dataclass
class SimCronJob:
    manifest: Manifest
    schedule: str
    suspend: bool


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
    statefulsets: list = field(default_factory=list)
    jobs: list = field(default_factory=list)
    cronjobs: list = field(default_factory=list)
    nodes: int = 1

    def pods_in(self, namespace):
        return [p for p in self.pods if p.namespace == namespace]

    def endpoints_of(self, service: Manifest) -> SimEndpoints | None:
        for e in self.endpoints:
            if e.service is service:
                return e
        return None


_NO_IP_STATUSES = ("Pending", "ContainerCreating")  # no sandbox yet, so no pod IP


def _no_ip(status: str) -> bool:
    """Pods stuck before sandbox creation (scheduling, volumes) have no IP (ShouldPodBeInEndpoints)."""
    return status in _NO_IP_STATUSES or (status.startswith("Init:") and status[5:6].isdigit())


def hpa_replicas(ctx, manifest: Manifest, replicas: int) -> tuple[int, Manifest | None]:
    """The size an HPA scaling ``manifest`` keeps it at (horizontal.go normalizeDesiredReplicas)."""
    if not manifest.name or replicas == 0 and get(manifest.obj, "spec", "replicas") == 0:
        return replicas, None  # spec.replicas 0 turns autoscaling off ("scaling is disabled")
    for edge in ctx.graph.in_edges((manifest.kind, manifest.namespace, manifest.name), "scales"):
        hpa = edge.manifest
        low = non_negative(get(hpa.obj, "spec", "minReplicas"), 1)
        high = non_negative(get(hpa.obj, "spec", "maxReplicas"), max(low, replicas))
        return min(max(replicas, low), max(high, 1)), hpa
    return replicas, None


def _self_anti_affinity(template) -> bool:
    """Required podAntiAffinity on the node whose selector matches the pod's own labels."""
    terms = get(template.spec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    for term in items(terms):
        if not isinstance(term, dict) or term.get("topologyKey") != "kubernetes.io/hostname":
            continue
        match = get(term, "labelSelector", "matchLabels")
        if isinstance(match, dict) and match and all(template.labels.get(k) == v for k, v in match.items()):
            return True
    return False


def anti_affinity_message(nodes: int) -> str:
    """The scheduler's FailedScheduling text when every node already runs a matching pod."""
    return f"0/{nodes} nodes are available: {nodes} node(s) didn't match pod anti-affinity rules."


class _Builder:
    def __init__(self, ctx, image_verdicts=None, nodes: int = 1):
        self.ctx = ctx
        self.image_verdicts = image_verdicts
        self.nodes = max(1, nodes)
        self.cluster = SimCluster()
        self.ip_counter = 0

    def _ip(self) -> str:
        self.ip_counter += 1
        n = self.ip_counter + 1
        return f"10.244.{n // 250}.{n % 250 + 2}"

    def _pods(
        self, owner: Manifest, base_name: str, count: int, extra_labels: dict, names=None, outcome=None
    ) -> tuple[int, list]:
        template = owner.template
        if template is None:
            return 0, []
        if outcome is None:
            outcome = predict_pod(self.ctx, owner, self.image_verdicts)
        labels = {k: v for k, v in template.labels.items() if isinstance(v, str)}
        labels.update(extra_labels)
        spread = _self_anti_affinity(template)
        made = []
        total = sum(1 for _ in containers(template.spec, ("containers",)))
        for index in range(count):
            name = names[index] if names else f"{base_name}-{_suffix(f'{owner.namespace}/{base_name}/{index}')}"
            this = outcome
            if spread and index >= self.nodes:
                this = PodOutcome(
                    "Pending",
                    False,
                    anti_affinity_message(self.nodes),
                    certain=True,
                    path=template.spec_path + ("affinity", "podAntiAffinity"),
                )
            ip = None if _no_ip(this.status) else self._ip()
            made.append(
                SimPod(
                    name,
                    owner.namespace or "default",
                    labels,
                    ip,
                    this,
                    owner,
                    template.path,
                    template,
                    this.ready,
                    total,
                )
            )
        self.cluster.pods.extend(made)
        return sum(1 for p in made if p.ready), made

    def workloads(self):
        ctx = self.ctx
        for m in sorted(ctx.of_kind("Deployment"), key=_order):
            self._deployment(m)
        for m in sorted(ctx.of_kind("ReplicaSet", "ReplicationController"), key=_order):
            replicas, _hpa = hpa_replicas(ctx, m, non_negative(get(m.obj, "spec", "replicas"), 1))
            ready, _ = self._pods(m, m.name or "replicaset", replicas, {})
            self.cluster.replicasets.append(SimReplicaSet(m.name or "?", m.namespace, replicas, ready, m, m.kind))
        for m in sorted(ctx.of_kind("StatefulSet"), key=_order):
            self._statefulset(m)
        for m in sorted(ctx.of_kind("DaemonSet"), key=_order):
            self._pods(m, m.name or "daemonset", self.nodes, {})
        for m in sorted(ctx.of_kind("Job"), key=_order):
            self._job(m)
        for m in sorted(ctx.of_kind("CronJob"), key=_order):
            self.cluster.cronjobs.append(
                SimCronJob(m, text(get(m.obj, "spec", "schedule")) or "", get(m.obj, "spec", "suspend") is True)
            )
        for m in sorted(ctx.of_kind("Pod"), key=_order):
            self._pods(m, m.name or "pod", 1, {}, names=[m.name or _generated(m)])

    def _deployment(self, m: Manifest):
        template = get(m.obj, "spec", "template")
        replicas, _hpa = hpa_replicas(self.ctx, m, non_negative(get(m.obj, "spec", "replicas"), 1))
        rs_name = replicaset_name(m.name or "deployment", template)
        rs_hash = rs_name.rsplit("-", 1)[-1]
        ready, _ = self._pods(m, rs_name, replicas, {"pod-template-hash": rs_hash})
        self.cluster.replicasets.append(SimReplicaSet(rs_name, m.namespace, replicas, ready, m))
        self.cluster.deployments.append(SimDeployment(m, replicas, ready, rs_name))

    def _statefulset(self, m: Manifest):
        """OrderedReady: NAME-0 must be Running and Ready before NAME-1 is created."""
        replicas, _hpa = hpa_replicas(self.ctx, m, non_negative(get(m.obj, "spec", "replicas"), 1))
        name = m.name or "statefulset"
        outcome = predict_pod(self.ctx, m, self.image_verdicts)
        ordered = get(m.obj, "spec", "podManagementPolicy") != "Parallel"
        created = min(replicas, 1) if ordered and not outcome.ready else replicas
        start = non_negative(get(m.obj, "spec", "ordinals", "start"), 0)
        names = [f"{name}-{start + i}" for i in range(created)]
        ready, _ = self._pods(m, name, created, {}, names=names, outcome=outcome)
        self.cluster.statefulsets.append(SimStatefulSet(m, replicas, ready, created))

    def _job(self, m: Manifest):
        """job_controller.go manageJob, pictured once the Job is done (or stuck)."""
        name = m.name or _generated(m)
        spec = m.obj.get("spec")
        if not isinstance(spec, dict):
            spec = {}
        parallelism = non_negative(spec.get("parallelism"), 1)
        completions = non_negative(spec.get("completions"), parallelism if spec.get("completions") is None else 1)
        backoff = non_negative(spec.get("backoffLimit"), 6)
        outcome = predict_pod(self.ctx, m, self.image_verdicts)
        active = min(parallelism, completions)
        restart = get(spec, "template", "spec", "restartPolicy")
        job = SimJob(m, name, completions, 0, "Running")
        if get(spec, "suspend") is True:
            job.status = "Suspended"
            self.cluster.jobs.append(job)
            return
        if outcome.ready or outcome.status == "Running":
            done = PodOutcome("Completed", False, "", certain=False)
            self._pods(m, name, completions, {"job-name": name}, outcome=done)
            job.succeeded, job.status = completions, "Complete"
        elif outcome.status == "CrashLoopBackOff":
            self._failing_job(m, name, job, outcome, active, backoff, restart)
        else:
            self._pods(m, name, active, {"job-name": name}, outcome=outcome)
            job.note = (
                f"{outcome.status} pods never run, so they never fail either: backoffLimit does not count them and the "
                "Job waits"
            )
        self.cluster.jobs.append(job)

    def _failing_job(self, m, name, job, outcome, active, backoff, restart):
        """Every run fails: backoffLimit + 1 failures end the Job (BackoffLimitExceeded)."""
        job.status = "Failed"
        job.note = f"Job has reached the specified backoff limit (BackoffLimitExceeded, backoffLimit {backoff})"
        if restart == "OnFailure":  # restarts in place count as failures; the controller then deletes the pods
            self._pods(m, name, active, {"job-name": name}, outcome=outcome)
            return
        error = PodOutcome("Error", False, outcome.message, certain=True, path=outcome.path)
        self._pods(m, name, backoff + 1, {"job-name": name}, outcome=error)

    def endpoints(self):
        index = _PodIndex(self.cluster.pods)
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
            for pod in index.select(service.namespace, selector):
                if pod.ip is None or pod.status in ("Completed", "Error"):
                    continue  # ShouldPodBeInEndpoints: no IP, Succeeded or Failed
                self._address(result, pod, ports, publish)
            self.cluster.endpoints.append(result)

    @staticmethod
    def _address(result, pod, ports, publish):
        bucket = result.ready if (pod.ready or publish) else result.not_ready
        if not ports:
            bucket.append(EndpointAddress(pod, None, None, "TCP"))
        for port in ports:
            protocol = port.get("protocol") or "TCP"
            resolved = resolve_port(pod.template, port.get("targetPort", port.get("port")), protocol)
            if resolved is None:
                result.unresolved.append(
                    (pod, port, f"no container port named {port.get('targetPort')!r} with protocol {protocol}")
                )
                continue
            bucket.append(EndpointAddress(pod, resolved, port.get("name"), protocol))


class _PodIndex:
    """Pods by (namespace, label, value): a Service looks at the pods of its rarest selector pair only.

    Keeps `simulate` linear in the number of objects (every Service against every pod was
    quadratic: 9.8 of 12.4 s at 4,500 objects).
    """

    def __init__(self, pods):
        self.by_label: dict = {}
        for pod in pods:
            for key, value in pod.labels.items():
                self.by_label.setdefault((pod.namespace, key, value), []).append(pod)

    def candidates(self, namespace, selector: dict):
        """The pods carrying the selector's rarest label pair: the only ones a Service compares."""
        pairs = list(selector.items())
        if any(not isinstance(v, str) for _k, v in pairs):
            return ()
        rarest = min(pairs, key=lambda kv: len(self.by_label.get((namespace, kv[0], kv[1]), ())))
        return self.by_label.get((namespace, rarest[0], rarest[1]), ())

    def select(self, namespace, selector: dict) -> list:
        return [
            p for p in self.candidates(namespace, selector) if all(p.labels.get(k) == v for k, v in selector.items())
        ]


def _generated(m: Manifest) -> str:
    """A generateName object's name is random: shown as ``PREFIXxxxxx``, never as a made-up suffix."""
    prefix = get(m.obj, "metadata", "generateName")
    return f"{prefix}xxxxx" if isinstance(prefix, str) and prefix else f"{(m.kind or 'object').lower()}-xxxxx"


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
    if found.fit is PortFit.ABSENT:
        return None
    if found.fit in (PortFit.UNDECLARED, PortFit.CONFIGURED):
        return target
    if found.path is None:  # never: a DECLARED match carries the container port's path
        return None
    return get(template.spec, *found.path[len(template.spec_path) :], "containerPort")


def _order(m: Manifest):
    return (m.namespace or "", m.name or "", m.file, m.document)


def simulate_cluster(ctx, image_verdicts=None, nodes: int = 1) -> SimCluster:
    """``nodes``: how many schedulable nodes to assume (DaemonSet pods, anti-affinity)."""
    if image_verdicts is None:
        image_verdicts = getattr(ctx, "image_verdicts", None)
    builder = _Builder(ctx, image_verdicts, nodes)
    builder.cluster.nodes = builder.nodes
    builder.workloads()
    builder.endpoints()
    return builder.cluster
