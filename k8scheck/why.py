"""`k8scheck why TARGET PATH...`: walk a request hop by hop and find where it fails.

Ingress rule -> Service (type, port, targetPort) -> Endpoints (which simulated pods
are selected and Ready) -> the container and its port -> will the container start
-> during a rollout, is there a window with no ready endpoints. The first failing
hop gets the reason, the evidence (the other object and its line) and the smallest
fix as a unified diff; the client symptom is what curl prints (seed 003 observed
"(52) Empty reply from server" through a NodePort and "(7) Failed to connect" through
the ClusterIP for a Service with no endpoints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .kinds import containers, get, items, pod_template
from .model import Manifest
from .simulate.cluster import resolve_port, simulate_cluster

CLUSTER_DOMAIN = "cluster.local"

SYMPTOM_NO_ENDPOINTS_CLUSTERIP = '"(7) Failed to connect … Couldn\'t connect to server" (connection refused)'
SYMPTOM_NO_ENDPOINTS_NODEPORT = '"(52) Empty reply from server" or a connection reset'


class TargetError(Exception):
    """The target cannot be parsed, or names nothing in the inputs (exit code 2)."""


@dataclass
class Hop:
    kind: str  # ingress | service | endpoints | container | startup | rollout
    title: str
    ok: bool | None  # True ✓, False ✗, None · (not reached / not checked)
    manifest: Manifest | None = None
    path: tuple = ()
    reason: str = ""
    evidence: list = field(default_factory=list)  # (text, Location)

    def location(self):
        return self.manifest.locate(self.path) if self.manifest is not None else None


@dataclass
class Verdict:
    target: str
    hops: list
    symptom: str | None = None
    fix: str | None = None

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
        service = _service_from_dns(match.group(1), default_namespace, allow_bare=True)
        if service is not None:
            return Target(raw, "service", name=service[0], namespace=service[1], port=_port(match.group(2)))
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
    return unified_fix(line, location.file, location.line, line[:start] + new_text + line[start + len(old_text):])


# -- the walk -----------------------------------------------------------------------


class Walker:
    def __init__(self, ctx, old_manifests=None):
        self.ctx = ctx
        self.cluster = simulate_cluster(ctx)
        self.old_manifests = old_manifests

    def services(self, namespace=None):
        return [s for s in self.ctx.of_kind("Service") if namespace is None or s.namespace == namespace]

    def find_service(self, name, namespace):
        for service in self.services(namespace):
            if service.name == name:
                return service
        return None

    def walk(self, target: Target) -> Verdict:
        if target.kind == "url" and target.name is None:
            return self._via_ingress(target)
        if target.kind == "nodeport":
            return self._via_nodeport(target)
        if target.kind == "deploy":
            return self._deploy(target)
        return self._via_service_name(target, target.port if target.kind == "service" else target.port)

    # Ingress -----------------------------------------------------------------------
    def _via_ingress(self, target: Target) -> Verdict:
        ingresses = list(self.ctx.of_kind("Ingress"))
        if not ingresses:
            raise TargetError(f"{target.raw}: no Ingress in the inputs routes HTTP hosts; targets available: {self._listing()}")
        match = _match_ingress(ingresses, target.host, target.path)
        if match is None:
            hop = Hop("ingress", f"Ingress: no rule matches host {target.host} path {target.path}", False, ingresses[0], ("spec", "rules"),
                      reason=f"hosts routed: {', '.join(sorted(_hosts(ingresses))) or '(any host)'}")
            return Verdict(target.raw, [hop], symptom="HTTP 404 from the ingress controller's default backend (host or path not matched)")
        ingress, backend_path, service_name, port, how = match
        from .apilifecycle import lookup

        verdict = lookup(ingress.api_version or "", "Ingress", self.ctx.kube_version)
        if verdict is not None and verdict.status == "removed":
            hop = Hop("ingress", f"Ingress {ingress.namespace}/{ingress.name} uses {ingress.api_version}, which Kubernetes {self.ctx.kube_version} does not serve", False, ingress, ("apiVersion",),
                      reason=f"kubectl apply fails (no matches for kind \"Ingress\" in version \"{ingress.api_version}\"), so the rule never exists; {verdict.message}")
            # No diff: the migration changes the body too (the reason says how).
            return Verdict(target.raw, [hop] + self._unreached(), symptom="HTTP 404 from the ingress controller's default backend (no Ingress rule exists for this host)")
        hops = [Hop("ingress", f"Ingress {ingress.namespace}/{ingress.name}: {how} → Service {service_name}:{port}", True, ingress, backend_path)]
        service = self.find_service(service_name, ingress.namespace)
        if service is None:
            hops.append(Hop("service", f"Service {ingress.namespace}/{service_name} does not exist", False, ingress, backend_path,
                            reason=f"services in namespace {ingress.namespace}: {', '.join(sorted(s.name for s in self.services(ingress.namespace) if s.name)) or 'none'}"))
            return Verdict(target.raw, hops + self._unreached(), symptom="HTTP 503 Service Unavailable from the ingress controller (no usable backend)")
        verdict = self._service_hops(target.raw, service, port, hops, via="ingress")
        return verdict

    # NodePort ----------------------------------------------------------------------
    def _via_nodeport(self, target: Target) -> Verdict:
        for service in self.services():
            for index, port in enumerate(items(get(service.obj, "spec", "ports"))):
                if isinstance(port, dict) and port.get("nodePort") == target.port and get(service.obj, "spec", "type") in ("NodePort", "LoadBalancer"):
                    return self._service_hops(target.raw, service, port.get("port"), [], via="nodeport", port_index=index)
        exposed = sorted(f"{p.get('nodePort')} ({s.name})" for s in self.services() for p in items(get(s.obj, "spec", "ports")) if isinstance(p, dict) and p.get("nodePort"))
        raise TargetError(f"no Service exposes NodePort {target.port}; NodePorts in the inputs: {', '.join(exposed) or 'none'}")

    def _via_service_name(self, target: Target, port) -> Verdict:
        service = self.find_service(target.name, target.namespace)
        if service is None:
            hop = Hop("service", f"Service {target.namespace}/{target.name} does not exist", False,
                      reason=f"services in namespace {target.namespace}: {', '.join(sorted(s.name for s in self.services(target.namespace) if s.name)) or 'none'}")
            return Verdict(target.raw, [hop] + self._unreached(), symptom=f'"(6) Could not resolve host: {target.name}" (no such Service, so cluster DNS has no record)')
        if port is None and target.kind == "url":
            port = 80
        return self._service_hops(target.raw, service, port, [], via="clusterip")

    def _deploy(self, target: Target) -> Verdict:
        deployment = next((d for d in self.ctx.of_kind("Deployment") if d.name == target.name and d.namespace == target.namespace), None)
        if deployment is None:
            names = sorted(f"{d.namespace}/{d.name}" for d in self.ctx.of_kind("Deployment"))
            raise TargetError(f"no Deployment {target.namespace}/{target.name}; Deployments in the inputs: {', '.join(names) or 'none'}")
        template = pod_template(deployment.obj)
        routing = [s for s in self.services(deployment.namespace) if _selects(s, template.labels if template else {})]
        if not routing:
            hops = [Hop("service", f"no Service selects {deployment.ref}'s pods", False, deployment, ("spec", "template", "metadata", "labels"),
                        reason="nothing routes traffic to these pods")]
            verdict = Verdict(target.raw, hops, symptom="nothing can reach the pods through a Service")
            hops += self._startup_hops(deployment)
            return verdict
        return self._service_hops(target.raw, routing[0], None, [], via="clusterip")

    # Service -> Endpoints -> container -> start-up -> rollout ----------------------------
    def _service_hops(self, raw, service: Manifest, port, hops, via: str, port_index=None) -> Verdict:
        spec = service.obj.get("spec") if isinstance(service.obj.get("spec"), dict) else {}
        ports = [p for p in items(spec.get("ports")) if isinstance(p, dict)]
        kind = spec.get("type") or "ClusterIP"
        symptom_empty = SYMPTOM_NO_ENDPOINTS_NODEPORT if via == "nodeport" else SYMPTOM_NO_ENDPOINTS_CLUSTERIP
        if via == "ingress":
            symptom_empty = "HTTP 503 Service Unavailable from the ingress controller (the backend has no endpoints)"
        if kind == "ExternalName":
            hops.append(Hop("service", f"Service {service.namespace}/{service.name} is ExternalName → {spec.get('externalName')}", True, service, ("spec", "externalName"),
                            reason="DNS answers with a CNAME; nothing in the cluster serves it"))
            return Verdict(raw, hops)
        if port_index is None:
            port_index = _find_service_port(ports, port)
        if port_index is None:
            listed = ", ".join(f"{p.get('port')}" + (f"/{p['name']}" if p.get("name") else "") for p in ports) or "none"
            hops.append(Hop("service", f"Service {service.namespace}/{service.name} has no port {port}", False, service, ("spec", "ports"),
                            reason=f"its ports: {listed}"))
            return Verdict(raw, hops + self._unreached(), symptom='"(7) Failed to connect" or a timeout: nothing listens on that Service port')
        service_port = ports[port_index]
        target_port = service_port.get("targetPort", service_port.get("port"))
        shape = f"NodePort {service_port.get('nodePort')} → port" if via == "nodeport" else f"{kind}, port"
        hops.append(Hop("service", f"Service {service.namespace}/{service.name} ({shape} {service_port.get('port')} → targetPort {target_port})", True, service, ()))
        endpoints = self.cluster.endpoints_of(service)
        if endpoints is not None and not endpoints.managed:
            hops.append(Hop("endpoints", "Endpoints: user-managed (the Service has no selector)", None, service, ("spec",),
                            reason="k8scheck cannot see hand-written Endpoints; not checked"))
            return Verdict(raw, hops)
        selector = spec.get("selector") or {}
        selected = self.ctx.graph.select_map(service.namespace, selector)
        if not selected:
            return self._no_pod_template(raw, service, selector, hops, symptom_empty)
        if all(w.origin != "manifest" for w in selected):
            made = selected[0]
            whose = f"pods the operator creates for {made.manifest.ref}" if made.origin == "operator" else "pods assumed to exist (--assume-pods)"
            hops.append(Hop("endpoints", f"Endpoints: {whose}", None, service, ("spec", "selector"),
                            reason="k8scheck cannot follow pods no manifest here writes; not checked"))
            return Verdict(raw, hops)
        selected = [w for w in selected if w.origin == "manifest"]
        workload = min(selected, key=lambda w: w.order).manifest
        protocol = service_port.get("protocol") or "TCP"
        template = pod_template(workload.obj)
        container_hop = self._container_hop(workload, template, target_port, protocol)
        named = isinstance(target_port, str) and not target_port.isdigit()
        if named and container_hop.ok is False:
            # FindPort fails per pod, so every selected pod is left out of the Endpoints for this port.
            hops.append(Hop("endpoints", f"Endpoints: none for port {service_port.get('port')} — targetPort {target_port!r} resolves on no selected pod", False, service,
                            ("spec", "ports", port_index, "targetPort"), reason=f"pods are left out for this port (no container port named {target_port!r} with protocol {protocol})"))
            fix = self._target_port_fix(service, port_index, service_port, template)
            return Verdict(raw, hops + [container_hop] + self._startup_hops(workload, reached=False), symptom=symptom_empty, fix=fix)
        if container_hop.ok is False:
            # A numeric targetPort is used verbatim: the Endpoints exist, the pod refuses the connection.
            count = len(endpoints.ready) if endpoints else 0
            hops.append(Hop("endpoints", f"Endpoints: {count} address(es) on port {target_port}", True if count else None, service, ("spec", "selector")))
            container_hop.path = ("spec", "ports", port_index, "targetPort") if "targetPort" in service_port else container_hop.path
            container_hop.manifest = service if "targetPort" in service_port else container_hop.manifest
            fix = self._target_port_fix(service, port_index, service_port, template)
            return Verdict(raw, hops + [container_hop] + self._startup_hops(workload, reached=False),
                           symptom='"(7) Failed to connect … Couldn\'t connect to server": the pod refuses connections on that port', fix=fix)
        ready = [a for a in endpoints.ready]
        if not ready:
            pod = endpoints.not_ready[0].pod
            hops.append(Hop("endpoints", f"Endpoints: no ready address — {len(endpoints.not_ready)} pod(s) selected, none Ready ({pod.status})", False, service, ("spec", "selector"),
                            reason=pod.outcome.message))
            hops.append(container_hop)
            hops += self._startup_hops(workload)
            return Verdict(raw, hops, symptom=symptom_empty, fix=self._startup_fix(workload))
        hops.append(Hop("endpoints", f"Endpoints: {len(ready)} ready address(es) from {workload.ref}", True, service, ("spec", "selector")))
        hops.append(container_hop)
        hops += self._startup_hops(workload)
        hops += self._rollout_hops(workload)
        failing = next((h for h in hops if h.ok is False), None)
        symptom = None
        if failing is not None and failing.kind == "rollout":
            symptom = f"during the rollout: {symptom_empty}"
        return Verdict(raw, hops, symptom=symptom)

    def _no_pod_template(self, raw, service, selector, hops, symptom):
        graph = self.ctx.graph
        failing_key = None
        suggestion = None
        for key, value in selector.items():
            if not isinstance(value, str):
                continue
            if not graph.with_label(service.namespace, key, value):
                failing_key = key
                suggestion = graph.nearest_label(service.namespace, key, value)
                break
        label = f"{failing_key}={selector.get(failing_key)}" if failing_key else ",".join(f"{k}={v}" for k, v in selector.items())
        hop = Hop("endpoints", f"Endpoints: none — selector {label} matches no pod template", False, service,
                  ("spec", "selector", failing_key) if failing_key else ("spec", "selector"),
                  reason=f"no pod template in namespace {service.namespace} has {label}")
        fix = None
        if suggestion is not None:
            key, value, workload = suggestion
            manifest = workload.manifest
            hop.evidence.append((f"{manifest.ref} has {key}={value}", manifest.locate(workload.template.labels_path + (key,))))
            if key == failing_key:
                fix = _replace_value(self.ctx, service, ("spec", "selector", failing_key), value)
        hops.append(hop)
        hops.append(Hop("container", "container port (not reached)", None))
        return Verdict(raw, hops, symptom=symptom, fix=fix)

    def _container_hop(self, workload, template, target_port, protocol) -> Hop:
        spec = template.spec
        resolved = resolve_port(template, target_port, protocol)
        declared = [(c, i, pi, p) for _l, i, c in containers(spec, ("containers",)) for pi, p in enumerate(items(c.get("ports"))) if isinstance(p, dict)]
        if resolved is None:
            names = ", ".join(f"{p.get('name')}/{p.get('protocol') or 'TCP'}" for _c, _i, _pi, p in declared if p.get("name")) or "none"
            return Hop("container", f"no container port named {target_port!r} ({protocol})", False, workload, template.spec_path + ("containers",),
                       reason=f"named ports on the pod: {names}")
        for container, index, port_index, port in declared:
            if port.get("containerPort") == resolved and (port.get("protocol") or "TCP") == protocol:
                return Hop("container", f"container port {resolved} on {container.get('name')}", True, workload,
                           template.spec_path + ("containers", index, "ports", port_index, "containerPort"))
        if declared:
            ports = ", ".join(str(p.get("containerPort")) for *_x, p in declared)
            container, index, port_index, _port = declared[0]
            hop = Hop("container", f"no container declares port {resolved}", False, workload, template.spec_path + ("containers",),
                      reason=f"declared container ports: {ports}; nothing is known to listen on {resolved}")
            hop.evidence.append((f"container {container.get('name')} declares port {_port.get('containerPort')}",
                                 workload.locate(template.spec_path + ("containers", index, "ports", port_index, "containerPort"))))
            return hop
        return Hop("container", f"port {resolved} (the containers declare no ports; assumed to listen)", None, workload, template.spec_path + ("containers",))

    def _target_port_fix(self, service, port_index, service_port, template):
        declared = [p for _l, _i, c in containers(template.spec, ("containers",)) for p in items(c.get("ports")) if isinstance(p, dict)]
        if len(declared) != 1 or "targetPort" not in service_port:
            return None
        wanted = declared[0].get("name") if isinstance(service_port.get("targetPort"), str) and declared[0].get("name") else declared[0].get("containerPort")
        return _replace_value(self.ctx, service, ("spec", "ports", port_index, "targetPort"), str(wanted))

    def _startup_hops(self, workload, reached=True) -> list:
        pods = [p for p in self.cluster.pods if p.owner is workload]
        if not reached:
            return [Hop("startup", "pod start-up (not reached)", None)]
        if not pods:
            return []
        pod = pods[0]
        if pod.ready:
            return [Hop("startup", f"pods of {workload.ref} start and become Ready", True, workload, pod.template_path)]
        outcome = pod.outcome
        hop = Hop("startup", f"pods of {workload.ref} will not become Ready: {outcome.status}", False, workload, outcome.path or pod.template_path, reason=outcome.message)
        if outcome.evidence is not None:
            hop.evidence.append((f"{outcome.evidence.ref}", outcome.evidence.locate(("data",) if "data" in outcome.evidence.obj else ())))
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
        return f"--- {location.file}\n+++ {location.file}\n@@ -{location.line} +{location.line},2 @@\n {line}\n+{indent}{match.group(1)}: \"...\"\n"

    def _rollout_hops(self, workload) -> list:
        if self.old_manifests is None or workload.kind != "Deployment":
            return []
        from .rolloutplan import plan

        for prediction in plan(self.ctx, self.old_manifests, new_pods="auto", kube_version=self.ctx.kube_version):
            if prediction.manifest is not workload:
                continue
            r = prediction.result
            if prediction.rejected:
                return [Hop("rollout", f"apply rejected: {prediction.rejected[0].message}", False, workload, prediction.rejected[0].path)]
            if r.min_available == 0 and r.replicas > 0 and r.initial_available > 0:
                step = r.outage_step or 1
                return [Hop("rollout", f"rollout: no ready endpoint from step {step} ({r.steps[step - 1].events[0] if r.steps else ''})", False, workload, ("spec", "strategy"),
                            reason=f"maxSurge → {r.max_surge}, maxUnavailable → {r.max_unavailable} with replicas {r.replicas}")]
            return [Hop("rollout", f"rollout keeps at least {r.min_available}/{r.replicas} pods available", True, workload, ("spec", "strategy"))]
        return [Hop("rollout", "rollout: the pod template does not change", True, workload, ())]

    def _unreached(self):
        return [Hop("endpoints", "Endpoints (not reached)", None), Hop("container", "container port (not reached)", None)]

    def _listing(self) -> str:
        services = sorted(f"svc/{s.name}" + (f" (ns {s.namespace})" if s.namespace != self.ctx.options.namespace else "") for s in self.services() if s.name)
        nodeports = sorted(f"nodeport:{p.get('nodePort')}" for s in self.services() for p in items(get(s.obj, "spec", "ports")) if isinstance(p, dict) and p.get("nodePort"))
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
        return service.get("name"), port.get("number") if isinstance(port, dict) and "number" in port else (port.get("name") if isinstance(port, dict) else None)
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
                    how = f"host {rule.get('host') or '*'} path {entry.get('path') or '/'} ({entry.get('pathType', 'Prefix')})"
                    best = (score, ingress, ("spec", "rules", r_index, "http", "paths", p_index, "backend"), backend[0], backend[1], how)
    if best is None:
        for ingress in ingresses:
            backend = _backend(get(ingress.obj, "spec", "defaultBackend") or get(ingress.obj, "spec", "backend"))
            if backend is not None:
                path_key = "defaultBackend" if get(ingress.obj, "spec", "defaultBackend") else "backend"
                return ingress, ("spec", path_key), backend[0], backend[1], "defaultBackend"
        return None
    return best[1:]
