"""`k8scheck why TARGET PATH...`: walk a request hop by hop and find where it fails.

Client -> DNS (as the client's resolver searches) -> Ingress rule -> Service (type,
port, targetPort; headless, ExternalName, selectorless) -> Endpoints (the pods of
every workload the selector matches, Ready or not and why; or hand-written
Endpoints/EndpointSlices) -> traffic policies -> NetworkPolicy (egress of the client,
ingress of the pods) -> the container and its port -> will the container start ->
during a rollout, is there a window with no ready endpoints. The first failing hop
gets the reason, the evidence (the other object and its line) and the smallest fix
as a unified diff, never one that would drop pods that work today; the client
symptom is what curl (or the ingress controller) answers (seed 003 observed "(52)
Empty reply from server" through a NodePort and "(7) Failed to connect" through the
ClusterIP for a Service with no endpoints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .graph import ALB_ACTION_PORT, container_ports, port_named_in_config, service_target
from .kinds import PodTemplate, containers, get, items
from .model import Manifest
from .netpol import Decision, Endpoint, decide
from .simulate.cluster import resolve_port, simulate_cluster

CLUSTER_DOMAIN = "cluster.local"

SYMPTOM_NO_ENDPOINTS_CLUSTERIP = '"(7) Failed to connect … Couldn\'t connect to server" (connection refused)'
SYMPTOM_NO_ENDPOINTS_NODEPORT = '"(52) Empty reply from server" or a connection reset'


class TargetError(Exception):
    """The target cannot be parsed, or names nothing in the inputs (exit code 2)."""


@dataclass
class Hop:
    # client | dns | ingress | service | endpoints | traffic-policy | networkpolicy | container | startup | rollout
    kind: str
    title: str
    ok: bool | None  # True ✓, False ✗, None · (not reached / not checked) or ! (warning)
    manifest: Manifest | None = None
    path: tuple = ()
    reason: str = ""
    evidence: list = field(default_factory=list)  # (text, Location)
    warning: bool = False  # ok is None, but some traffic fails (some pods, some nodes)
    data: dict = field(default_factory=dict)  # extra JSON fields of this hop (addresses, ports, workloads...)

    def location(self):
        return self.manifest.locate(self.path) if self.manifest is not None else None


@dataclass
class Verdict:
    target: str
    hops: list
    symptom: str | None = None
    fix: str | None = None
    summary: str | None = None  # what to say when reachable, if not "the request would reach a ready pod"

    @property
    def reachable(self) -> bool:
        return all(h.ok is not False for h in self.hops)


@dataclass
class Target:
    raw: str
    kind: str  # url | service | nodeport | deploy
    host: str | None = None
    port: int | str | None = None
    path: str = "/"
    name: str | None = None
    namespace: str | None = None
    dns: str | None = None  # the DNS name the client looks up, when the target is one
    short: bool = False  # a one-label name: resolved in the client's namespace only


def parse_target(raw: str, default_namespace: str) -> Target:
    text = raw.strip()
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        if not parts.hostname:
            raise TargetError(f"{raw!r}: a URL needs a host (http://HOST[:PORT]/PATH)")
        try:
            port = parts.port
        except ValueError:
            raise TargetError(f"{raw!r}: the port is not a number") from None
        target = Target(raw, "url", parts.hostname, port, parts.path or "/")
        service = _service_from_dns(parts.hostname, default_namespace)
        if service is not None:
            target.name, target.namespace = service
            target.dns = parts.hostname
        return target
    match = re.fullmatch(r"nodeport:(\d+)", text)
    if match:
        return Target(raw, "nodeport", port=int(match.group(1)))
    match = re.fullmatch(r"(?:deploy|deployment|deployments)/([a-z0-9.-]+)", text)
    if match:
        return Target(raw, "deploy", name=match.group(1), namespace=default_namespace)
    match = re.fullmatch(r"(?:svc|service|services)/([a-z0-9-]+)(?::([A-Za-z0-9-]+))?", text)
    if match:
        return Target(raw, "service", name=match.group(1), namespace=default_namespace, port=_port(match.group(2)))
    match = re.fullmatch(r"([a-z0-9.-]+?)(?::([A-Za-z0-9-]+))?", text)
    if match:
        host = match.group(1)
        service = _service_from_dns(host, default_namespace, allow_bare=True)
        if service is not None:
            return Target(
                raw,
                "service",
                name=service[0],
                namespace=service[1],
                port=_port(match.group(2)),
                dns=host,
                short="." not in host,
            )
    raise TargetError(
        f"{raw!r} is not a target; use http://HOST[:PORT]/PATH, svc/NAME[:PORT], "
        "NAME[.NAMESPACE[.svc[.cluster.local]]][:PORT], nodeport:PORT or deploy/NAME"
    )


def _port(text):
    if text is None:
        return None
    return int(text) if text.isdigit() else text


def _service_from_dns(host: str, default_namespace: str, allow_bare: bool = False):
    """(service, namespace) for cluster DNS names: NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local."""
    labels = host.split(".")
    if labels[-2:] == ["cluster", "local"] if len(labels) >= 2 else False:
        labels = labels[:-2]
    if labels[-1:] == ["svc"]:
        labels = labels[:-1]
        if len(labels) == 2:
            return labels[0], labels[1]
        return None
    if len(labels) == 1 and allow_bare:
        return labels[0], default_namespace
    if len(labels) == 2 and allow_bare:
        return labels[0], labels[1]
    return None


@dataclass
class Leg:
    """One walk through a Service: the request's way so far, and what every later hop needs."""

    raw: str
    service: Manifest
    via: str  # clusterip | nodeport | ingress
    client: Client
    hops: list
    port: dict = field(default_factory=dict)  # the Service port
    port_index: int | None = None
    note: str = ""  # added to the Service hop's title

    @property
    def empty_symptom(self) -> str:
        if self.via == "ingress":
            return "HTTP 503 Service Unavailable from the ingress controller (the backend has no endpoints)"
        return SYMPTOM_NO_ENDPOINTS_NODEPORT if self.via == "nodeport" else SYMPTOM_NO_ENDPOINTS_CLUSTERIP

    @property
    def policy_symptom(self) -> str:
        return SYMPTOM_POLICY_INGRESS if self.via == "ingress" else SYMPTOM_POLICY_DROP

    def verdict(self, symptom=None, fix=None, unreached=False, extra=(), summary=None) -> Verdict:
        hops = self.hops + list(extra)
        if unreached:
            hops += (
                [
                    Hop("endpoints", "Endpoints (not reached)", None),
                    Hop("container", "container port (not reached)", None),
                ]
                if not any(h.kind == "endpoints" for h in hops)
                else [Hop("container", "container port (not reached)", None)]
            )
        return Verdict(self.raw, hops, symptom=symptom, fix=fix, summary=summary)


# -- helpers ------------------------------------------------------------------------


def unified_fix(source_line: str | None, file: str, line: int, new_line: str) -> str | None:
    if source_line is None or source_line == new_line:
        return None
    return f"--- {file}\n+++ {file}\n@@ -{line} +{line} @@\n-{source_line}\n+{new_line}\n"


def _replace_value(ctx, manifest: Manifest, path: tuple, new_text: str) -> str | None:
    location = manifest.locate(path)
    old_text = ctx.source_slice(location)
    line = ctx.source_line(location.file, location.line)
    if old_text is None or line is None:
        return None
    start = location.column - 1
    return unified_fix(line, location.file, location.line, line[:start] + new_text + line[start + len(old_text) :])


# -- where the request comes from -----------------------------------------------------

# What ingress-nginx's official chart deploys (namespace and pod labels): the client an
# Ingress hands the request to. Other controllers differ; the README says so.
INGRESS_CONTROLLER = Endpoint(
    "ingress-nginx",
    {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/component": "controller",
    },
    "the ingress controller (assumed: ingress-nginx pods in namespace ingress-nginx)",
)
OUTSIDE = Endpoint(None, {}, "a client outside the cluster")
# CoreDNS as kubeadm and most distributions deploy it: Service kube-system/kube-dns.
CLUSTER_DNS = Endpoint(
    "kube-system",
    {"k8s-app": "kube-dns"},
    "cluster DNS (kube-system/kube-dns pods)",
    (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")),
)
CLIENT_KINDS = {
    "deploy": "Deployment",
    "deployment": "Deployment",
    "sts": "StatefulSet",
    "statefulset": "StatefulSet",
    "ds": "DaemonSet",
    "daemonset": "DaemonSet",
    "rs": "ReplicaSet",
    "replicaset": "ReplicaSet",
    "job": "Job",
    "cronjob": "CronJob",
    "pod": "Pod",
    "po": "Pod",
}
SYMPTOM_POLICY_DROP = (
    '"(28) Connection timed out" (NetworkPolicy drops the packets; on a CNI that enforces NetworkPolicy)'
)
SYMPTOM_POLICY_INGRESS = (
    "HTTP 504 Gateway Timeout from the ingress controller (NetworkPolicy drops its connection to the pods; on a CNI "
    "that enforces NetworkPolicy)"
)
CNI_NOTE = "enforced only by a CNI that implements NetworkPolicy (Calico, Cilium, Antrea...; not flannel alone)"


@dataclass
class Client:
    """Where the request comes from: a pod (labels known or not), or outside the cluster."""

    endpoint: Endpoint
    manifest: Manifest | None = None  # the workload, with --client
    labels_known: bool = True

    @property
    def namespace(self):
        return self.endpoint.namespace


def _pod_ports(template) -> tuple:
    return tuple((p.name, p.number, p.protocol) for p in container_ports(template) if p.number is not None)


def resolve_client(ctx, client: str | None, client_namespace: str | None, namespace: str) -> Client | None:
    """--client KIND/NAME (in --client-namespace, default -n) or outside; --client-namespace NS alone: a pod there."""
    if client is None:
        if client_namespace is None:
            return None
        return Client(Endpoint(client_namespace, None, f"a pod in namespace {client_namespace}"), labels_known=False)
    if client.strip().lower() in ("outside", "external", "internet"):
        return Client(OUTSIDE)
    match = re.fullmatch(r"([A-Za-z]+)/([a-z0-9.-]+)", client.strip())
    if not match or match.group(1).lower() not in CLIENT_KINDS:
        raise TargetError(f"--client {client!r}: use KIND/NAME (deploy/web, sts/db, ds/agent, job/x, pod/x) or outside")
    kind, name = CLIENT_KINDS[match.group(1).lower()], match.group(2)
    where = client_namespace or namespace
    found = next((m for m in ctx.of_kind(kind) if m.name == name and m.namespace == where), None)
    template = found.template if found is not None else None
    if found is None or template is None:
        names = sorted(f"{m.namespace}/{m.name}" for m in ctx.of_kind(kind))
        raise TargetError(
            f"--client: no {kind} {where}/{name} with a pod template; {kind}s in the inputs: "
            f"{', '.join(names) or 'none'}"
        )
    labels = {k: v for k, v in template.labels.items() if isinstance(v, str)}
    return Client(Endpoint(where, labels, f"pods of {found.ref}", _pod_ports(template)), found)


def _selected_template(workload: Manifest) -> PodTemplate:
    """The pod template of a workload whose pods a Service selects (the simulated cluster made them from it)."""
    template = workload.template
    if template is None:
        raise ValueError(f"{workload.ref}: a selected workload without a pod template")
    return template


# -- the walk -----------------------------------------------------------------------


class Walker:
    def __init__(
        self,
        ctx,
        old_manifests=None,
        client: Client | str | None = None,
        client_namespace: str | None = None,
        nodes: int | None = None,
    ):
        """``client``: a Client, or --client's text (KIND/NAME or outside); ``client_namespace``: --client-namespace."""
        self.ctx = ctx
        self.old_manifests = old_manifests
        if not isinstance(client, Client):
            client = resolve_client(ctx, client, client_namespace, ctx.options.namespace)
        self.client = client
        self.cluster = simulate_cluster(ctx)
        options_nodes = getattr(ctx.options, "nodes", None)
        self.nodes = nodes or (options_nodes if isinstance(options_nodes, int) and options_nodes > 0 else 1)

    def services(self, namespace=None):
        return [s for s in self.ctx.of_kind("Service") if namespace is None or s.namespace == namespace]

    def find_service(self, name, namespace):
        for service in self.services(namespace):
            if service.name == name:
                return service
        return None

    def walk(self, target: Target) -> Verdict:
        if target.kind == "url" and target.name is None:
            if self._in_cluster_name(target):
                return self._via_service_name(target, target.port)
            return self._via_ingress(target)
        if target.kind == "nodeport":
            return self._via_nodeport(target)
        if target.kind == "deploy":
            return self._deploy(target)
        return self._via_service_name(target, target.port)

    def _in_cluster_name(self, target: Target) -> bool:
        """From a pod, http://NAME/ and http://NAME.NS/ are cluster DNS names when a Service of that name exists."""
        if self.client is None or not self.client.endpoint.is_pod or target.host is None:
            return False
        service = _service_from_dns(target.host, self.client.namespace, allow_bare=True)
        if service is None or not any(s.name == service[0] for s in self.services()):
            return False
        target.name, target.namespace, target.dns, target.short = (
            service[0],
            service[1],
            target.host,
            "." not in target.host,
        )
        return True

    def _client_for(self, via: str, namespace: str | None) -> Client:
        """The client given, else:
        outside for NodePort targets, the ingress controller for Ingress, a pod in the Service's namespace.
        """
        if via == "ingress":
            return Client(INGRESS_CONTROLLER)
        if self.client is not None:
            return self.client
        if via == "nodeport":
            return Client(OUTSIDE)
        return Client(Endpoint(namespace, None, f"a pod in namespace {namespace}"), labels_known=False)

    # Ingress -----------------------------------------------------------------------
    def _via_ingress(self, target: Target) -> Verdict:
        ingresses = list(self.ctx.of_kind("Ingress"))
        if not ingresses:
            raise TargetError(
                f"{target.raw}: no Ingress in the inputs routes HTTP hosts; targets available: {self._listing()}"
            )
        match = _match_ingress(ingresses, target.host, target.path)
        if match is None:
            hop = Hop(
                "ingress",
                f"Ingress: no rule matches host {target.host} path {target.path}",
                False,
                ingresses[0],
                ("spec", "rules"),
                reason=f"hosts routed: {', '.join(sorted(_hosts(ingresses))) or '(any host)'}",
            )
            return Verdict(
                target.raw,
                [hop],
                symptom="HTTP 404 from the ingress controller's default backend (host or path not matched)",
            )
        ingress, backend_path, service_name, port, how = match
        from .apilifecycle import lookup

        verdict = lookup(ingress.api_version or "", "Ingress", self.ctx.kube_version)
        if verdict is not None and verdict.status == "removed":
            hop = Hop(
                "ingress",
                f"Ingress {ingress.namespace}/{ingress.name} uses {ingress.api_version}, which Kubernetes "
                f"{self.ctx.kube_version} does not serve",
                False,
                ingress,
                ("apiVersion",),
                reason=(
                    f'kubectl apply fails (no matches for kind "Ingress" in version "{ingress.api_version}"), so the '
                    f"rule never exists; {verdict.message}"
                ),
            )
            # No diff: the migration changes the body too (the reason says how).
            return Verdict(
                target.raw,
                [hop] + self._unreached(),
                symptom="HTTP 404 from the ingress controller's default backend (no Ingress rule exists for this host)",
            )
        if port == ALB_ACTION_PORT:
            return self._alb_action(target, ingress, backend_path, service_name, how)
        hops = [
            Hop(
                "ingress",
                f"Ingress {ingress.namespace}/{ingress.name}: {how} → Service {service_name}:{port}",
                True,
                ingress,
                backend_path,
            )
        ]
        service = self.find_service(service_name, ingress.namespace)
        if service is None:
            hop = Hop(
                "service",
                f"Service {ingress.namespace}/{service_name} does not exist",
                False,
                ingress,
                backend_path,
                reason=self._services_listing(service_name, ingress.namespace),
            )
            self._point_elsewhere(
                hop, service_name, ingress.namespace, "an Ingress backend must be in the Ingress's namespace"
            )
            return Verdict(
                target.raw,
                hops + [hop] + self._unreached(),
                symptom="HTTP 503 Service Unavailable from the ingress controller (no usable backend)",
            )
        return self._service_hops(target.raw, service, port, hops, via="ingress")

    def _alb_action(self, target: Target, ingress: Manifest, backend_path: tuple, name: str, how: str) -> Verdict:
        """A backend the AWS Load Balancer Controller answers itself (graph.ALB_ACTION_PORT): no Service."""
        hop = Hop(
            "ingress",
            f"Ingress {ingress.namespace}/{ingress.name}: {how} → load balancer action {name}",
            None,
            ingress,
            backend_path,
            reason=(
                f"port use-annotation: the AWS Load Balancer Controller does what the annotation "
                f"alb.ingress.kubernetes.io/actions.{name} says (a redirect, a fixed response, weighted target "
                "groups), written here or by another controller at run time; k8scheck cannot follow it; not checked"
            ),
        )
        summary = f"the load balancer answers with the action alb.ingress.kubernetes.io/actions.{name}; not followed"
        return Verdict(target.raw, [hop], summary=summary)

    # NodePort ----------------------------------------------------------------------
    def _via_nodeport(self, target: Target) -> Verdict:
        for service in self.services():
            for index, port in enumerate(items(get(service.obj, "spec", "ports"))):
                if (
                    isinstance(port, dict)
                    and port.get("nodePort") == target.port
                    and get(service.obj, "spec", "type") in ("NodePort", "LoadBalancer")
                ):
                    return self._service_hops(
                        target.raw, service, port.get("port"), [], via="nodeport", port_index=index
                    )
        exposed = sorted(
            f"{p.get('nodePort')} ({s.name})"
            for s in self.services()
            for p in items(get(s.obj, "spec", "ports"))
            if isinstance(p, dict) and p.get("nodePort")
        )
        raise TargetError(
            f"no NodePort {target.port}: no Service exposes it; NodePorts in the inputs: {', '.join(exposed) or 'none'}"
        )

    # Service by name or DNS ---------------------------------------------------------
    def _via_service_name(self, target: Target, port) -> Verdict:
        client = self._client_for("clusterip", target.namespace)
        namespace = target.namespace
        if target.short and client.namespace is not None:
            namespace = client.namespace  # the resolver's first search domain: <client ns>.svc.cluster.local
        hops = [self._client_hop(client)] if self.client is not None else []
        if target.dns is not None and client.namespace is None:
            hop = Hop(
                "dns",
                f"DNS: {target.dns} is a cluster name; a client outside the cluster cannot resolve it",
                False,
                reason=(
                    "only pods use the cluster DNS (their /etc/resolv.conf); from outside use a NodePort, a "
                    "LoadBalancer or an Ingress"
                ),
            )
            return Verdict(
                target.raw, hops + [hop] + self._unreached(), symptom=f'"(6) Could not resolve host: {target.dns}"'
            )
        service = self.find_service(target.name, namespace)
        if service is None:
            return self._service_missing(target, namespace, client, hops)
        if (
            not client.endpoint.is_pod
            and not _headless(_spec(service))
            and _spec(service).get("type") != "ExternalName"
        ):
            hop = Hop(
                "service",
                f"Service {service.namespace}/{service.name}: a cluster IP is routed only inside the cluster",
                False,
                service,
                ("spec",),
                reason=f"{client.endpoint.what} reaches a Service through a NodePort, a LoadBalancer or an Ingress",
            )
            return Verdict(
                target.raw,
                hops + [hop] + self._unreached(),
                symptom='"(28) Connection timed out" (the cluster IP is not routed outside the cluster)',
            )
        if target.dns is not None:
            blocked = self._dns_blocked(client)
            if blocked is not None:
                return Verdict(
                    target.raw,
                    hops + [blocked] + self._unreached(),
                    symptom=(
                        f'"(6) Could not resolve host: {target.dns}" (the DNS query is dropped; curl gives up when the '
                        "resolver times out)"
                    ),
                )
            hops.append(self._dns_hop(target, service))
        if port is None and target.kind == "url":
            port = 80
        return self._service_hops(target.raw, service, port, hops, via="clusterip", client=client)

    def _service_missing(self, target, namespace, client, hops) -> Verdict:
        if target.dns is not None:
            searched = f"{namespace}.svc.{CLUSTER_DOMAIN}, svc.{CLUSTER_DOMAIN}, {CLUSTER_DOMAIN}"
            title = f"DNS: {target.dns} does not resolve (NXDOMAIN)"
            reason = f"no Service {target.name} in namespace {namespace}" + (
                f"; the resolver of {client.endpoint.what} searches {searched}" if target.short else ""
            )
            hop = Hop("dns", title, False, reason=reason)
        else:
            hop = Hop(
                "service",
                f"Service {namespace}/{target.name} does not exist",
                False,
                reason=self._services_listing(target.name, namespace),
            )
        self._point_elsewhere(hop, target.name, namespace, None)
        symptom = (
            f'"(6) Could not resolve host: {target.dns or target.name}" (no such Service, so cluster DNS has no record)'
        )
        return Verdict(target.raw, hops + [hop] + self._unreached(), symptom=symptom)

    def _services_listing(self, name, namespace) -> str:
        return (
            f"services in namespace {namespace}: "
            f"{', '.join(sorted(s.name for s in self.services(namespace) if s.name)) or 'none'}"
        )

    def _point_elsewhere(self, hop: Hop, name, namespace, note) -> None:
        """A Service of that name in another namespace: say where, and how to target it."""
        others = [s for s in self.services() if s.name == name and s.namespace != namespace]
        if not others:
            return
        other = others[0]
        how = (
            note
            or f"target it as svc/{name} -n {other.namespace} or {name}.{other.namespace}"
            " (a short name resolves only in the client's namespace)"
        )
        hop.reason = f"Service {other.namespace}/{name} exists in namespace {other.namespace}, not {namespace}: {how}"
        hop.evidence.append((f"{other.ref}", other.locate(("metadata", "name"))))
        hop.data["elsewhere"] = [f"{s.namespace}/{s.name}" for s in others]

    def _client_hop(self, client: Client) -> Hop:
        if client.manifest is not None:
            return Hop("client", f"client: {client.endpoint.what}", True, client.manifest, ())
        return Hop("client", f"client: {client.endpoint.what}", True)

    def _dns_blocked(self, client: Client) -> Hop | None:
        """The client's egress policies must let it ask cluster DNS (UDP 53 to kube-system/kube-dns)."""
        if not client.endpoint.is_pod:
            return None
        decision = decide(self.ctx, client.endpoint, CLUSTER_DNS, "Egress", 53, "UDP", CLUSTER_DNS)
        policy = decision.policy  # set whenever the connection is denied: the isolating policy
        if decision.allowed is not False or policy is None:
            return None
        return Hop(
            "dns",
            f"DNS: NetworkPolicy {policy.namespace}/{policy.name} drops the DNS queries (UDP 53 to "
            f"kube-system/kube-dns) of {client.endpoint.what}",
            False,
            policy,
            decision.path,
            reason=f"{decision.reason}; {CNI_NOTE}",
            data={"policy": policy.ref.to_json()},
        )

    def _dns_hop(self, target: Target, service: Manifest) -> Hop:
        fqdn = f"{service.name}.{service.namespace}.svc.{CLUSTER_DOMAIN}"
        spec = _spec(service)
        if spec.get("type") == "ExternalName":
            answer = f"CNAME {spec.get('externalName')}"
        elif _headless(spec):
            answer = "the IPs of the ready pods (headless: no virtual IP)"
        else:
            answer = "the Service's cluster IP"
        return Hop("dns", f"DNS: {target.dns} → {fqdn} → {answer}", True, service, ("metadata", "name"))

    def _deploy(self, target: Target) -> Verdict:
        deployment = next(
            (d for d in self.ctx.of_kind("Deployment") if d.name == target.name and d.namespace == target.namespace),
            None,
        )
        if deployment is None:
            names = sorted(f"{d.namespace}/{d.name}" for d in self.ctx.of_kind("Deployment"))
            raise TargetError(
                f"no Deployment {target.namespace}/{target.name}; Deployments in the inputs: "
                f"{', '.join(names) or 'none'}"
            )
        template = deployment.template
        routing = [s for s in self.services(deployment.namespace) if _selects(s, template.labels if template else {})]
        if not routing:
            hops = [
                Hop(
                    "service",
                    f"no Service selects {deployment.ref}'s pods",
                    False,
                    deployment,
                    ("spec", "template", "metadata", "labels"),
                    reason="nothing routes traffic to these pods",
                )
            ]
            verdict = Verdict(target.raw, hops, symptom="nothing can reach the pods through a Service")
            hops += self._startup_hops(deployment)
            return verdict
        return self._service_hops(
            target.raw,
            routing[0],
            None,
            [],
            via="clusterip",
            client=self._client_for("clusterip", deployment.namespace),
        )

    # Service -> Endpoints -> traffic policy -> NetworkPolicy -> container -> start-up -> rollout
    def _service_hops(
        self, raw, service: Manifest, port, hops, via: str, port_index=None, client: Client | None = None
    ) -> Verdict:
        leg = Leg(raw, service, via, client or self._client_for(via, service.namespace), hops)
        spec = _spec(service)
        ports = [p for p in items(spec.get("ports")) if isinstance(p, dict)]
        if spec.get("type") == "ExternalName":
            return self._external_name(leg, spec, port)
        if port_index is None:
            port_index = _find_service_port(ports, port)
            if port is None and port_index is None and ports:
                port_index = 0  # no port asked for: the first, and the title says how to pick another
                leg.note = f" (first of {len(ports)} ports; pick one with NAME:PORT)"
        if port_index is None:
            listed = ", ".join(f"{p.get('port')}" + (f"/{p['name']}" if p.get("name") else "") for p in ports) or "none"
            hops.append(
                Hop(
                    "service",
                    f"Service {service.namespace}/{service.name} has no port {port}",
                    False,
                    service,
                    ("spec", "ports"),
                    reason=f"its ports: {listed}",
                )
            )
            symptom = (
                "HTTP 503 Service Unavailable from the ingress controller (the backend port does not exist, so it has "
                "no endpoints)"
                if via == "ingress"
                else '"(7) Failed to connect" or a timeout: nothing listens on that Service port'
            )
            return leg.verdict(symptom=symptom, unreached=True)
        leg.port, leg.port_index = ports[port_index], port_index
        hops.append(self._service_hop(leg, spec))
        selector = spec.get("selector")
        if not isinstance(selector, dict) or not selector:
            return self._manual_endpoints(leg)
        selected = self.ctx.graph.select_map(service.namespace, selector)
        if not selected:
            return self._no_pod_template(raw, service, selector, hops, leg.empty_symptom)
        if all(w.origin != "manifest" for w in selected):
            made = selected[0]
            whose = (
                f"pods the operator creates for {made.manifest.ref}"
                if made.origin == "operator"
                else "pods assumed to exist (--assume-pods)"
            )
            hops.append(
                Hop(
                    "endpoints",
                    f"Endpoints: {whose}",
                    None,
                    service,
                    ("spec", "selector"),
                    reason="k8scheck cannot follow pods no manifest here writes; not checked",
                )
            )
            return leg.verdict()
        workloads = [w.manifest for w in sorted((w for w in selected if w.origin == "manifest"), key=lambda w: w.order)]
        return self._endpoint_hops(leg, workloads)

    def _service_hop(self, leg, spec) -> Hop:
        service, port = leg.service, leg.port
        target = port.get("targetPort", port.get("port"))
        if _headless(spec):
            title = (
                f"Service {service.namespace}/{service.name} (headless: no cluster IP, DNS answers with pod IPs; port "
                f"{port.get('port')} → pod port {port.get('port')} directly){leg.note}"
            )
            reason = "no kube-proxy rules: the client connects to the pod IP on the port it asked for" + (
                f"; targetPort {target} is used only in the Endpoints (and SRV records)"
                if target != port.get("port")
                else ""
            )
            return Hop("service", title, True, service, ("spec", "clusterIP"), reason=reason, data={"type": "headless"})
        kind = spec.get("type") or "ClusterIP"
        shape = f"NodePort {port.get('nodePort')} → port" if leg.via == "nodeport" else f"{kind}, port"
        return Hop(
            "service",
            f"Service {service.namespace}/{service.name} ({shape} {port.get('port')} → targetPort {target}){leg.note}",
            True,
            service,
            (),
            data={"type": kind},
        )

    def _external_name(self, leg, spec, port) -> Verdict:
        service = leg.service
        name = spec.get("externalName")
        leg.hops.append(
            Hop(
                "service",
                f"Service {service.namespace}/{service.name} is ExternalName → {name}",
                True,
                service,
                ("spec", "externalName"),
                reason=(
                    "a DNS alias: cluster DNS answers with a CNAME; no cluster IP, no Endpoints, no kube-proxy rules "
                    "(the Endpoints controllers skip it)"
                ),
                data={"type": "ExternalName"},
            )
        )
        leg.hops.append(
            Hop("external", f"{name}{':' + str(port) if port else ''}: outside the manifests (not checked)", None)
        )
        return leg.verdict(
            summary=f"the name resolves (a CNAME for {name}); whether anything answers there is outside the manifests"
        )

    def _manual_endpoints(self, leg) -> Verdict:
        """A Service without a selector: its endpoints are the Endpoints/EndpointSlices written by hand, if any."""
        service, port_name = leg.service, leg.port.get("name") or ""
        found = list(_manual_endpoint_objects(self.ctx, service))
        if not found:
            if self.ctx.graph.exists("Endpoints", service.namespace, service.name) or self.ctx.graph.exists(
                "EndpointSlice", service.namespace, f"{service.name}-*"
            ):
                leg.hops.append(
                    Hop(
                        "endpoints",
                        "Endpoints: hand-written, assumed to exist (--assume-exists); not checked",
                        None,
                        service,
                        ("spec",),
                    )
                )
                return leg.verdict()
            leg.hops.append(
                Hop(
                    "endpoints",
                    "Endpoints: none — the Service has no selector and no Endpoints or EndpointSlice for it is in the "
                    "inputs",
                    False,
                    service,
                    ("spec",),
                    reason=(
                        "the Endpoints controllers skip a Service without a selector (someone must write its "
                        "Endpoints); "
                        "kube-proxy rejects connections to a Service with no endpoints"
                    ),
                )
            )
            return leg.verdict(symptom=leg.empty_symptom, unreached=True)
        ready = sum(r for _m, r, _n, names in found if port_name in names)
        not_ready = sum(n for _m, _r, n, names in found if port_name in names)
        refs = ", ".join(str(m.ref) for m, *_ in found)
        data = {"addresses": ready, "not_ready": not_ready, "objects": [m.ref.to_json() for m, *_ in found]}
        if not ready:
            names = sorted({n or "(unnamed)" for *_x, ns in found for n in ns})
            leg.hops.append(
                Hop(
                    "endpoints",
                    f"Endpoints: {refs} has no ready address for port {port_name or '(unnamed)'}",
                    False,
                    found[0][0],
                    (),
                    reason=(
                        f"port names written there: {', '.join(names) or 'none'} (kube-proxy matches them to the "
                        f"Service port's name); not-ready addresses: {not_ready}"
                    ),
                    data=data,
                )
            )
            return leg.verdict(symptom=leg.empty_symptom)
        leg.hops.append(
            Hop(
                "endpoints",
                f"Endpoints: {ready} ready address(es) written by hand in {refs} (the Service has no selector)",
                True,
                found[0][0],
                (),
                data=data,
            )
        )
        leg.hops.append(Hop("container", "what listens at those addresses: outside the manifests (not checked)", None))
        return leg.verdict(
            summary="the request would reach the hand-written addresses; what listens there is outside the manifests"
        )

    def _endpoint_hops(self, leg, workloads: list) -> Verdict:
        """The pods of every selected workload:
        is the port found on them (per pod), are they Ready, may the client reach them.
        """
        service, service_port = leg.service, leg.port
        target_port, protocol = service_target(service_port)
        resolved = {id(w): resolve_port(w.template, target_port, protocol) for w in workloads}
        working = [w for w in workloads if resolved[id(w)] is not None]
        left_out = [w for w in workloads if resolved[id(w)] is None]
        if not working:
            return self._named_port_nowhere(leg, workloads, target_port, protocol)
        hops = leg.hops
        if left_out:
            hops.append(self._left_out_hop(leg, left_out, target_port, protocol))
        containers_hops = {
            id(w): self._container_hop(w, w.template, self._pod_port(leg, port), protocol)
            for w in working
            if (port := resolved[id(w)]) is not None  # every working workload resolves the port
        }
        # A number reaches the pods whatever they declare: a port no container declares or names is a
        # warning (the app may listen there all the same), never the verdict, as in service-port-mismatch.
        unsure = [w for w in working if containers_hops[id(w)].warning]
        ready, not_ready = self._addresses(leg)
        if not ready:
            return self._none_ready(leg, working, not_ready, containers_hops[id(working[0])])
        ready_owners = _unique(a.pod.owner for a in ready)
        ports = sorted({a.port for a in ready if a.port is not None})
        names = ", ".join(str(w.ref) for w in ready_owners)
        port_text = f"port {service_port.get('port')} → {', '.join(map(str, ports)) or target_port}"
        pods = _unique(a.pod for a in ready)
        hops.append(
            Hop(
                "endpoints",
                f"Endpoints: {len(pods)} ready address(es) from {names} ({port_text})",
                True,
                service,
                ("spec", "selector"),
                data={
                    "addresses": len(pods),
                    "not_ready": len(_unique(a.pod for a in not_ready)),
                    "ports": ports,
                    "workloads": [w.ref.to_json() for w in ready_owners],
                },
            )
        )
        hops += self._traffic_policy_hops(leg, len(pods))
        hops += self._policy_hops(leg, [w for w in working if w in ready_owners], resolved, protocol)
        hops += [containers_hops[id(w)] for w in working]
        for w in working:
            hops += self._startup_hops(w, others_ready=w not in ready_owners)
        for w in ready_owners:
            hops += self._rollout_hops(w)
        failing = next((h for h in hops if h.ok is False), None)
        if failing is None and unsure:
            port = self._pod_port(leg, resolved[id(unsure[0])] or 0)
            refused = (
                "HTTP 502 Bad Gateway from the ingress controller"
                if leg.via == "ingress"
                else '"(7) Failed to connect … Couldn\'t connect to server"'
            )
            return leg.verdict(
                summary=(
                    f"the request would reach a ready pod on port {port}, which its containers do not declare: "
                    f"if nothing listens there, the pod refuses the connection ({refused})"
                ),
            )  # no fix, as in lint: the declared port may be another service of the app, not the one meant
        if failing is None:
            return leg.verdict()
        if failing.kind == "rollout":
            return leg.verdict(symptom=f"during the rollout: {leg.empty_symptom}")
        return leg.verdict(symptom=leg.policy_symptom if failing.kind == "networkpolicy" else None)

    def _pod_port(self, leg, resolved: int) -> int:
        """The pod port the connection lands on:
        the resolved targetPort, or for a headless Service reached by DNS the port asked for.
        """
        if leg.via == "clusterip" and _headless(_spec(leg.service)) and isinstance(leg.port.get("port"), int):
            return leg.port["port"]
        return resolved

    def _addresses(self, leg):
        endpoints = self.cluster.endpoints_of(leg.service)
        if endpoints is None:
            return [], []
        name = leg.port.get("name")
        ready = [a for a in endpoints.ready if a.port_name == name or (a.port is None and a.port_name is None)]
        not_ready = [a for a in endpoints.not_ready if a.port_name == name or (a.port is None and a.port_name is None)]
        return ready, not_ready

    def _named_port_nowhere(self, leg, workloads, target_port, protocol) -> Verdict:
        # FindPort fails per pod, so every selected pod is left out of the Endpoints for this port.
        service, port_index = leg.service, leg.port_index
        first = workloads[0]
        leg.hops.append(
            Hop(
                "endpoints",
                f"Endpoints: none for port {leg.port.get('port')} — targetPort {target_port!r} resolves on no selected "
                "pod",
                False,
                service,
                ("spec", "ports", port_index, "targetPort"),
                reason=(
                    f"pods are left out for this port (no container port named {target_port!r} with protocol "
                    f"{protocol}; FindPort)"
                ),
            )
        )
        container_hop = self._container_hop(first, first.template, target_port, protocol)
        fix = self._target_port_fix(leg, workloads)
        return leg.verdict(
            extra=[container_hop, *self._startup_hops(first, reached=False)], symptom=leg.empty_symptom, fix=fix
        )

    def _left_out_hop(self, leg, left_out, target_port, protocol) -> Hop:
        names = ", ".join(str(w.ref) for w in left_out)
        hop = Hop(
            "endpoints",
            f"pods of {names} are left out for port {leg.port.get('port')}: no container port named {target_port!r} "
            f"({protocol})",
            None,
            leg.service,
            ("spec", "ports", leg.port_index, "targetPort"),
            warning=True,
            reason=(
                "FindPort resolves a named targetPort per pod; the other workloads' pods serve it, so no change to the "
                "Service is proposed (it would drop them)"
            ),
        )
        for w in left_out:
            template = _selected_template(w)
            hop.evidence.append((f"{w.ref}'s pod template", w.locate(template.spec_path + ("containers",))))
        return hop

    def _none_ready(self, leg, working, not_ready, container_hop) -> Verdict:
        """Pods are selected but none is Ready:
        the failing hop is the cause (a missing key, volume...), not the selector.
        """
        service = leg.service
        pods = _unique(a.pod for a in not_ready)
        pod = pods[0] if pods else None
        if pod is None:
            leg.hops.append(
                Hop(
                    "endpoints",
                    "Endpoints: no address (no pod selected for this port)",
                    False,
                    service,
                    ("spec", "selector"),
                )
            )
            return leg.verdict(symptom=leg.empty_symptom)
        outcome = pod.outcome
        hop = Hop(
            "endpoints",
            f"Endpoints: no ready address — {len(pods)} pod(s) selected, none Ready ({pod.status})",
            False,
            pod.owner,
            outcome.path or pod.template_path,
            reason=outcome.message,
            data={"addresses": 0, "not_ready": len(pods)},
        )
        hop.evidence.append((f"{service.ref} selects them", service.locate(("spec", "selector"))))
        if outcome.evidence is not None:
            hop.evidence.append(
                (
                    f"{outcome.evidence.ref}",
                    outcome.evidence.locate(("data",) if "data" in outcome.evidence.obj else ()),
                )
            )
        leg.hops.append(hop)
        leg.hops.append(container_hop)
        for w in working:
            leg.hops.extend(self._startup_hops(w))
        symptom = leg.empty_symptom
        if leg.via == "clusterip" and _headless(_spec(service)):
            symptom = (
                '"(6) Could not resolve host" (DNS has no A records for a headless Service without ready endpoints)'
            )
        return leg.verdict(symptom=symptom, fix=self._startup_fix(pod.owner))

    def _traffic_policy_hops(self, leg, ready_pods: int) -> list:
        """externalTrafficPolicy / internalTrafficPolicy Local:
        a node without a ready endpoint of its own drops the traffic.
        """
        spec = _spec(leg.service)
        if leg.via == "nodeport" and spec.get("externalTrafficPolicy") == "Local":
            field_name, traffic = "externalTrafficPolicy", "traffic arriving at a NodePort"
        elif leg.via == "clusterip" and spec.get("internalTrafficPolicy") == "Local" and leg.client.endpoint.is_pod:
            field_name, traffic = "internalTrafficPolicy", "traffic from pods"
        else:
            return []
        nodes = self.nodes
        if ready_pods < nodes:
            return [
                Hop(
                    "traffic-policy",
                    f"{field_name}: Local — {ready_pods} ready pod(s) for {nodes} node(s): nodes without one drop the "
                    "traffic",
                    None,
                    leg.service,
                    ("spec", field_name),
                    warning=True,
                    reason=(
                        f"kube-proxy sends {traffic} only to endpoints on the same node (pkg/proxy/topology.go "
                        "CategorizeEndpoints); "
                        "on a node without one the packets are dropped and curl times out"
                    ),
                    data={"nodes": nodes, "ready_pods": ready_pods},
                )
            ]
        assumed = " (one node assumed)" if nodes == 1 else ""
        return [
            Hop(
                "traffic-policy",
                f"{field_name}: Local — {ready_pods} ready pod(s) for {nodes} node(s){assumed}: each node can have a "
                "local endpoint",
                True,
                leg.service,
                ("spec", field_name),
                data={"nodes": nodes, "ready_pods": ready_pods},
            )
        ]

    def _policy_hops(self, leg, workloads, resolved, protocol) -> list:
        """NetworkPolicy:
        egress of the client, ingress of each workload's pods, on the pod port the traffic lands on.
        """
        if not any(True for _ in self.ctx.of_kind("NetworkPolicy")):
            return []
        client = leg.client.endpoint
        outcomes = []  # (workload, Decision)
        for w in workloads:
            template = _selected_template(w)
            labels = {k: v for k, v in template.labels.items() if isinstance(v, str)}
            pod = Endpoint(w.namespace, labels, f"pods of {w.ref}", _pod_ports(template))
            number = self._pod_port(leg, resolved[id(w)])
            decision = (
                decide(self.ctx, client, pod, "Egress", number, protocol, pod) if client.is_pod else Decision(True)
            )
            if decision.allowed is True:
                decision = decide(self.ctx, pod, client, "Ingress", number, protocol, pod)
            outcomes.append((w, decision))
        blocked = [(w, d) for w, d in outcomes if d.allowed is False]
        unknown = [(w, d) for w, d in outcomes if d.allowed is None]
        if blocked:
            w, d = blocked[0]
            policy = d.policy
            assert policy is not None, "decide() names the isolating policy of every denial"
            all_blocked = len(blocked) == len(outcomes)
            hop = Hop(
                "networkpolicy",
                f"NetworkPolicy {policy.namespace}/{policy.name} drops {client.what} → pods of {w.ref}",
                False if all_blocked else None,
                policy,
                d.path,
                reason=f"{d.reason}; {CNI_NOTE}",
                warning=not all_blocked,
                data={"policy": policy.ref.to_json(), "client": client.what},
            )
            return [hop]
        if unknown:
            w, d = unknown[0]
            reason = d.reason or "allowed for some pods only"
            if not leg.client.labels_known:
                reason += "; say which with --client KIND/NAME"
            return [
                Hop(
                    "networkpolicy",
                    f"NetworkPolicy: {client.what} → pods of {w.ref} allowed only for some clients",
                    None,
                    d.policy,
                    d.path,
                    reason=f"{reason}; {CNI_NOTE}",
                    warning=True,
                    data={"policy": d.policy.ref.to_json() if d.policy else None, "client": client.what},
                )
            ]
        deciding = next((d for _w, d in outcomes if d.policy is not None), None)
        if deciding is not None and deciding.policy is not None:
            return [
                Hop(
                    "networkpolicy",
                    f"NetworkPolicy: {client.what} allowed by {deciding.policy.namespace}/{deciding.policy.name}",
                    True,
                    deciding.policy,
                    deciding.path,
                    data={"policy": deciding.policy.ref.to_json(), "client": client.what},
                )
            ]
        return [
            Hop(
                "networkpolicy",
                f"NetworkPolicy: none selects the pods or the client ({client.what})",
                True,
                data={"client": client.what},
            )
        ]

    def _no_pod_template(self, raw, service, selector, hops, symptom):
        graph = self.ctx.graph
        failing = graph.absent_label(service.namespace, [(k, v) for k, v in selector.items() if isinstance(v, str)])
        failing_key = failing[0] if failing else None
        suggestion = graph.nearest_label(service.namespace, *failing) if failing else None
        label = (
            f"{failing_key}={selector.get(failing_key)}"
            if failing_key
            else ",".join(f"{k}={v}" for k, v in selector.items())
        )
        hop = Hop(
            "endpoints",
            f"Endpoints: none — selector {label} matches no pod template",
            False,
            service,
            ("spec", "selector", failing_key) if failing_key else ("spec", "selector"),
            reason=f"no pod template in namespace {service.namespace} has {label}",
        )
        fix = None
        if suggestion is not None:
            key, value, workload = suggestion
            manifest = workload.manifest
            hop.evidence.append(
                (f"{manifest.ref} has {key}={value}", manifest.locate(workload.template.labels_path + (key,)))
            )
            if key == failing_key:
                fix = _replace_value(self.ctx, service, ("spec", "selector", failing_key), value)
        hops.append(hop)
        hops.append(Hop("container", "container port (not reached)", None))
        return Verdict(raw, hops, symptom=symptom, fix=fix)

    def _container_hop(self, workload, template, target_port, protocol) -> Hop:
        spec = template.spec
        resolved = resolve_port(template, target_port, protocol)
        declared = [
            (c, i, pi, p)
            for _l, i, c in containers(spec, ("containers",))
            for pi, p in enumerate(items(c.get("ports")))
            if isinstance(p, dict)
        ]
        if resolved is None:
            names = (
                ", ".join(
                    f"{p.get('name')}/{p.get('protocol') or 'TCP'}" for _c, _i, _pi, p in declared if p.get("name")
                )
                or "none"
            )
            return Hop(
                "container",
                f"no container port named {target_port!r} ({protocol}) in {workload.ref}",
                False,
                workload,
                template.spec_path + ("containers",),
                reason=f"named ports on the pod: {names}",
            )
        for container, index, port_index, port in declared:
            if port.get("containerPort") == resolved and (port.get("protocol") or "TCP") == protocol:
                return Hop(
                    "container",
                    f"container port {resolved} on {container.get('name')} ({workload.ref})",
                    True,
                    workload,
                    template.spec_path + ("containers", index, "ports", port_index, "containerPort"),
                    data={"port": resolved},
                )
        named = port_named_in_config(template, resolved)
        if named is not None:
            container = get(template.spec, *named[len(template.spec_path) : len(template.spec_path) + 2])
            return Hop(
                "container",
                f"port {resolved} on {container.get('name')} ({workload.ref}): not in containers[].ports, named in "
                f"its {named[len(template.spec_path) + 2]}",
                True,
                workload,
                named,
                reason="containers[].ports is informational; the app is told to listen there",
                data={"port": resolved},
            )
        if declared:
            ports = ", ".join(str(p.get("containerPort")) for *_x, p in declared)
            container, index, port_index, _port = declared[0]
            hop = Hop(
                "container",
                f"no container of {workload.ref} declares port {resolved}",
                None,
                workload,
                template.spec_path + ("containers",),
                reason=(
                    f"declared container ports: {ports}, and no args, command or env value names {resolved}; "
                    f"containers[].ports is informational, but if nothing listens on {resolved}, connections are "
                    "refused"
                ),
                warning=True,
                data={"port": resolved},
            )
            hop.evidence.append(
                (
                    f"container {container.get('name')} declares port {_port.get('containerPort')}",
                    workload.locate(template.spec_path + ("containers", index, "ports", port_index, "containerPort")),
                )
            )
            return hop
        return Hop(
            "container",
            f"port {resolved} (the containers of {workload.ref} declare no ports; assumed to listen)",
            None,
            workload,
            template.spec_path + ("containers",),
            data={"port": resolved},
        )

    def _target_port_fix(self, leg, workloads):
        """A new targetPort only when it works for the pods of *every* selected workload (each declares one
        port, the same).
        """
        service_port = leg.port
        if "targetPort" not in service_port or _headless(_spec(leg.service)):
            return None
        protocol = service_port.get("protocol") or "TCP"
        choices = set()
        for w in workloads:
            declared = [(p.name, p.number) for p in container_ports(w.template) if p.protocol == protocol]
            if len(declared) != 1:
                return None
            choices.add(declared[0])
        if len(choices) != 1:
            return None
        name, number = choices.pop()
        wanted = name if isinstance(service_port.get("targetPort"), str) and name else number
        return _replace_value(self.ctx, leg.service, ("spec", "ports", leg.port_index, "targetPort"), str(wanted))

    def _startup_hops(self, workload, reached=True, others_ready=False) -> list:
        pods = [p for p in self.cluster.pods if p.owner is workload]
        if not reached:
            return [Hop("startup", "pod start-up (not reached)", None)]
        if not pods:
            return []
        pod = pods[0]
        if pod.ready:
            return [Hop("startup", f"pods of {workload.ref} start and become Ready", True, workload, pod.template_path)]
        outcome = pod.outcome
        hop = Hop(
            "startup",
            f"pods of {workload.ref} will not become Ready: {outcome.status}",
            None if others_ready else False,
            workload,
            outcome.path or pod.template_path,
            reason=outcome.message + ("; the other workloads' pods serve the Service" if others_ready else ""),
            warning=others_ready,
        )
        if outcome.evidence is not None:
            hop.evidence.append(
                (
                    f"{outcome.evidence.ref}",
                    outcome.evidence.locate(("data",) if "data" in outcome.evidence.obj else ()),
                )
            )
        return [hop]

    def _startup_fix(self, workload):
        pods = [p for p in self.cluster.pods if p.owner is workload]
        if not pods or pods[0].outcome.evidence is None:
            return None
        outcome = pods[0].outcome
        match = re.match(r"couldn't find key (\S+) in ConfigMap", outcome.message)
        if not match:
            return None
        evidence = outcome.evidence
        data = evidence.obj.get("data")
        if not isinstance(data, dict) or not data:
            return None
        last_key = list(data)[-1]
        location = evidence.locate(("data", last_key), "key")
        line = self.ctx.source_line(location.file, location.line)
        if line is None:
            return None
        indent = line[: len(line) - len(line.lstrip())]
        return (
            f"--- {location.file}\n+++ {location.file}\n@@ -{location.line} +{location.line},2 @@\n "
            f'{line}\n+{indent}{match.group(1)}: "..."\n'
        )

    def _rollout_hops(self, workload) -> list:
        if self.old_manifests is None or workload.kind != "Deployment":
            return []
        from .rolloutplan import plan

        for prediction in plan(self.ctx, self.old_manifests, new_pods="auto", kube_version=self.ctx.kube_version):
            if prediction.manifest is not workload:
                continue
            if prediction.rejected:
                return [
                    Hop(
                        "rollout",
                        f"apply rejected: {prediction.rejected[0].message}",
                        False,
                        workload,
                        prediction.rejected[0].path,
                    )
                ]
            r = prediction.result
            assert r is not None, "only a rejected apply has no simulated result"
            if r.min_available == 0 and r.replicas > 0 and r.initial_available > 0:
                step = r.outage_step or 1
                return [
                    Hop(
                        "rollout",
                        f"rollout: no ready endpoint from step {step} "
                        f"({r.steps[step - 1].events[0] if r.steps else ''})",
                        False,
                        workload,
                        ("spec", "strategy"),
                        reason=(
                            f"maxSurge → {r.max_surge}, maxUnavailable → {r.max_unavailable} with replicas {r.replicas}"
                        ),
                    )
                ]
            return [
                Hop(
                    "rollout",
                    f"rollout keeps at least {r.min_available}/{r.replicas} pods available",
                    True,
                    workload,
                    ("spec", "strategy"),
                )
            ]
        return [Hop("rollout", "rollout: the pod template does not change", True, workload, ())]

    def _unreached(self):
        return [
            Hop("endpoints", "Endpoints (not reached)", None),
            Hop("container", "container port (not reached)", None),
        ]

    def _listing(self) -> str:
        services = sorted(
            f"svc/{s.name}" + (f" (ns {s.namespace})" if s.namespace != self.ctx.options.namespace else "")
            for s in self.services()
            if s.name
        )
        nodeports = sorted(
            f"nodeport:{p.get('nodePort')}"
            for s in self.services()
            for p in items(get(s.obj, "spec", "ports"))
            if isinstance(p, dict) and p.get("nodePort")
        )
        return ", ".join(services + nodeports) or "none"


def _selects(service: Manifest, labels: dict) -> bool:
    selector = get(service.obj, "spec", "selector")
    if not isinstance(selector, dict) or not selector:
        return False
    return all(labels.get(k) == v for k, v in selector.items())


def _find_service_port(ports, port):
    if port is None:
        return 0 if len(ports) == 1 else None
    for index, p in enumerate(ports):
        if p.get("port") == port or (isinstance(port, str) and p.get("name") == port):
            return index
    return None


def _hosts(ingresses):
    hosts = set()
    for ingress in ingresses:
        for rule in items(get(ingress.obj, "spec", "rules")):
            if isinstance(rule, dict) and isinstance(rule.get("host"), str):
                hosts.add(rule["host"])
    return hosts


def _host_matches(pattern, host) -> bool:
    if pattern is None:
        return True
    if not isinstance(pattern, str):
        return False
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) and host.count(".") == pattern.count(".")
    return pattern == host


def _path_matches(path_type, rule_path, request_path) -> int | None:
    """Length of the match (longer wins), or None. Exact beats Prefix on equal length."""
    rule_path = rule_path or "/"
    if not isinstance(rule_path, str):
        return None
    if path_type == "Exact":
        return len(rule_path) * 2 + 1 if request_path == rule_path else None
    rule_parts = [p for p in rule_path.split("/") if p]
    request_parts = [p for p in request_path.split("/") if p]
    if request_parts[: len(rule_parts)] == rule_parts:
        return len(rule_path.rstrip("/")) * 2
    return None


def _backend(backend):
    if not isinstance(backend, dict):
        return None
    service = backend.get("service")
    if isinstance(service, dict):
        port = service.get("port") or {}
        return service.get("name"), port.get("number") if isinstance(port, dict) and "number" in port else (
            port.get("name") if isinstance(port, dict) else None
        )
    if "serviceName" in backend:
        return backend.get("serviceName"), backend.get("servicePort")
    return None


def _match_ingress(ingresses, host, path):
    best = None
    for ingress in ingresses:
        for r_index, rule in enumerate(items(get(ingress.obj, "spec", "rules"))):
            if not isinstance(rule, dict) or not _host_matches(rule.get("host"), host):
                continue
            for p_index, entry in enumerate(items(get(rule, "http", "paths"))):
                if not isinstance(entry, dict):
                    continue
                score = _path_matches(entry.get("pathType", "Prefix"), entry.get("path"), path)
                backend = _backend(entry.get("backend"))
                if score is None or backend is None:
                    continue
                if best is None or score > best[0]:
                    how = (
                        f"host {rule.get('host') or '*'} path {entry.get('path') or '/'} "
                        f"({entry.get('pathType', 'Prefix')})"
                    )
                    best = (
                        score,
                        ingress,
                        ("spec", "rules", r_index, "http", "paths", p_index, "backend"),
                        backend[0],
                        backend[1],
                        how,
                    )
    if best is None:
        for ingress in ingresses:
            backend = _backend(get(ingress.obj, "spec", "defaultBackend") or get(ingress.obj, "spec", "backend"))
            if backend is not None:
                path_key = "defaultBackend" if get(ingress.obj, "spec", "defaultBackend") else "backend"
                return ingress, ("spec", path_key), backend[0], backend[1], "defaultBackend"
        return None
    return best[1:]


def _spec(service: Manifest) -> dict:
    spec = service.obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _headless(spec: dict) -> bool:
    return spec.get("clusterIP") == "None"


def _unique(values) -> list:
    """Distinct objects, first-seen order (addresses are per pod *and* port: count pods once)."""
    seen, out = set(), []
    for value in values:
        if id(value) not in seen:
            seen.add(id(value))
            out.append(value)
    return out


def _manual_endpoint_objects(ctx, service: Manifest):
    """(object, ready, not ready, port names) for hand-written Endpoints and EndpointSlices of a selectorless Service.

    Endpoints of the same name (mirrored into EndpointSlices by the EndpointSliceMirroring
    controller) and EndpointSlices labelled kubernetes.io/service-name; kube-proxy matches
    their ports to the Service port by name; an endpoint without conditions.ready is ready.
    """
    for m in ctx.of_kind("Endpoints"):
        if m.name != service.name or m.namespace != service.namespace:
            continue
        ready = not_ready = 0
        names = set()
        for subset in items(m.obj.get("subsets")):
            if not isinstance(subset, dict):
                continue
            names |= {p.get("name") or "" for p in items(subset.get("ports")) if isinstance(p, dict)}
            ready += len([a for a in items(subset.get("addresses")) if isinstance(a, dict)])
            not_ready += len([a for a in items(subset.get("notReadyAddresses")) if isinstance(a, dict)])
        yield m, ready, not_ready, names
    for m in ctx.of_kind("EndpointSlice"):
        labels = get(m.obj, "metadata", "labels")
        if (
            m.namespace != service.namespace
            or not isinstance(labels, dict)
            or labels.get("kubernetes.io/service-name") != service.name
        ):
            continue
        names = {p.get("name") or "" for p in items(m.obj.get("ports")) if isinstance(p, dict)}
        endpoints = [e for e in items(m.obj.get("endpoints")) if isinstance(e, dict) and items(e.get("addresses"))]
        ready = sum(1 for e in endpoints if get(e, "conditions", "ready") is not False)
        yield m, ready, len(endpoints) - ready, names
