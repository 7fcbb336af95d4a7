"""Selectors beyond a workload's own namespace: NetworkPolicy peers, prometheus-operator
monitors, a Service whose pods live in another namespace, and what a Service's
selection implies for its pods (a readiness probe)."""

from __future__ import annotations

from ..graph import nearest_word
from ..kinds import containers, get
from ..selectors import label_selector_matches
from .hit import hit
from .refs import _describe_selector


def _namespaces(ctx) -> dict:
    """Every namespace in the inputs -> its labels (a Namespace object's, plus kubernetes.io/metadata.name)."""
    out: dict = {}
    for m in ctx.manifests:
        if m.namespace:
            out.setdefault(m.namespace, {"kubernetes.io/metadata.name": m.namespace})
    for m in ctx.of_kind("Namespace"):
        if isinstance(m.name, str) and m.name:
            labels = m.metadata.get("labels")
            out[m.name] = {**(labels if isinstance(labels, dict) else {}), "kubernetes.io/metadata.name": m.name}
    return out


def _selected_namespaces(ctx, own, selector) -> list | None:
    """Namespaces a NetworkPolicy peer's namespaceSelector picks among the inputs' (None: cannot tell)."""
    if selector is None:
        return [own]
    if not isinstance(selector, dict):
        return None
    chosen = []
    for name, labels in _namespaces(ctx).items():
        verdict = label_selector_matches(selector, labels)
        if verdict is None:
            return None
        if verdict:
            chosen.append(name)
    return chosen


def _empty(selector) -> bool:
    return isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def networkpolicy_peer_no_match(ctx, rule):
    graph = ctx.graph
    for m in ctx.of_kind("NetworkPolicy"):
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            entries = get(m.obj, "spec", direction)
            if not isinstance(entries, list):
                continue
            for i, entry in enumerate(entries):
                peers = get(entry, peers_key)
                if not isinstance(peers, list):
                    continue
                for j, peer in enumerate(peers):
                    selector = get(peer, "podSelector")
                    if not isinstance(selector, dict) or _empty(selector):
                        continue
                    namespaces = _selected_namespaces(ctx, m.namespace, peer.get("namespaceSelector"))
                    if not namespaces or not any(graph.workloads_in(ns) for ns in namespaces):
                        continue  # the namespaces (or their pods) are not in the inputs
                    if any(graph.select_labels(ns, selector) != [] for ns in namespaces):
                        continue  # selects something, or is malformed
                    where = (
                        f"namespace {namespaces[0]}"
                        if namespaces == [m.namespace]
                        else f"namespaces {', '.join(namespaces)}"
                    )
                    yield hit(
                        m,
                        rule.slug,
                        ("spec", direction, i, peers_key, j, "podSelector"),
                        f"NetworkPolicy {m.namespace}/{m.name} "
                        f"{'admits traffic from' if direction == 'ingress' else 'allows traffic to'} pods with "
                        f"{_describe_selector(selector)} in {where}, but no pod template there has those labels; the "
                        "rule allows nothing, "
                        "so the traffic it was written for is dropped.",
                        at="key",
                    )


# ---------------------------------------------------------------------------
# prometheus-operator ServiceMonitor / PodMonitor

_MONITORING = "monitoring.coreos.com"


def _monitor_namespaces(m, everywhere) -> list | None:
    selector = get(m.obj, "spec", "namespaceSelector")
    if not isinstance(selector, dict) or not selector:
        return [m.namespace]
    if selector.get("any") is True:
        return sorted(everywhere)
    names = selector.get("matchNames")
    if isinstance(names, list):
        return [n for n in names if isinstance(n, str)]
    return None


def _monitors(ctx, kind):
    for m in ctx.of_kind(kind):
        if m.group == _MONITORING and isinstance(get(m.obj, "spec", "selector"), dict):
            yield m


def _service_matches(ctx, m):
    """(Services in reach, Services the ServiceMonitor selects) or None when it cannot be judged."""
    services = [s for s in ctx.of_kind("Service") if s.name]
    namespaces = _monitor_namespaces(m, {s.namespace for s in services})
    if namespaces is None:
        return None
    reach = [s for s in services if s.namespace in namespaces]
    if not reach:
        return None  # the Services live elsewhere
    selector = get(m.obj, "spec", "selector")
    matched = []
    for s in reach:
        labels = s.metadata.get("labels")
        verdict = label_selector_matches(selector, labels if isinstance(labels, dict) else {})
        if verdict is None:
            return None
        if verdict:
            matched.append(s)
    return reach, matched


def _pod_matches(ctx, m):
    graph = ctx.graph
    namespaces = _monitor_namespaces(m, {w.manifest.namespace for w in graph.workloads})
    if namespaces is None or not any(graph.workloads_in(ns) for ns in namespaces):
        return None
    selector = get(m.obj, "spec", "selector")
    matched = []
    for ns in namespaces:
        found = graph.select_labels(ns, selector)
        if found is None:
            return None
        matched += found
    return namespaces, matched


def _service_monitor_text(m, reach) -> str:
    return (
        f"ServiceMonitor {m.namespace}/{m.name} selects Services with "
        f"{_describe_selector(get(m.obj, 'spec', 'selector'))}, "
        f"but no Service it looks at ({len(reach)} in {', '.join(sorted({s.namespace for s in reach}))}) has those "
        "labels; "
        "Prometheus gets no targets from it and its alerts stay silent. Note that it matches the Service's own labels, "
        "not its selector."
    )


def _pod_monitor_text(m, namespaces) -> str:
    return (
        f"PodMonitor {m.namespace}/{m.name} selects pods with {_describe_selector(get(m.obj, 'spec', 'selector'))}, "
        "but no pod "
        f"template in {', '.join(namespaces)} has those labels; Prometheus gets no targets from it."
    )


def servicemonitor_no_match(ctx, rule):
    for kind, matches, text in (
        ("ServiceMonitor", _service_matches, _service_monitor_text),
        ("PodMonitor", _pod_matches, _pod_monitor_text),
    ):
        for m in _monitors(ctx, kind):
            found = matches(ctx, m)
            if found is not None and not found[1]:
                yield hit(m, rule.slug, ("spec", "selector"), text(m, found[0]), at="key")


def _port_names_of_services(services) -> set:
    return {
        p.get("name")
        for s in services
        for p in (get(s.obj, "spec", "ports") or [])
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    }


def _port_names_of_pods(workloads):
    from ..graph import container_ports

    if any(not w.ports_known for w in workloads):
        return None
    return {p.name for w in workloads for p in container_ports(w.template) if p.name}


def servicemonitor_port_missing(ctx, rule):
    for kind, list_key, finder, names_of, what in (
        ("ServiceMonitor", "endpoints", _service_matches, _port_names_of_services, "Service"),
        ("PodMonitor", "podMetricsEndpoints", _pod_matches, _port_names_of_pods, "pod"),
    ):
        for m in _monitors(ctx, kind):
            endpoints = get(m.obj, "spec", list_key)
            found = finder(ctx, m) if isinstance(endpoints, list) else None
            if not found or not found[1]:
                continue
            names = names_of(found[1])
            if names is None:
                continue
            for i, endpoint in enumerate(endpoints):
                port = get(endpoint, "port")
                if not isinstance(port, str) or not port or port in names:
                    continue
                close = nearest_word(port, names)
                yield hit(
                    m,
                    rule.slug,
                    ("spec", list_key, i, "port"),
                    f"{kind} {m.namespace}/{m.name} scrapes port {port!r}, but the {what}s it selects name their ports "
                    f"{', '.join(repr(n) for n in sorted(names)) or 'not at all'}; Prometheus finds no target for this "
                    "endpoint." + (f" Did you mean {close!r}?" if close else ""),
                    fix=close,
                )


# ---------------------------------------------------------------------------
# Services


def service_pods_in_other_namespace(ctx, rule):
    graph = ctx.graph
    namespaces = sorted({w.manifest.namespace for w in graph.workloads if w.manifest.namespace})
    for m in ctx.of_kind("Service"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName" or not m.name:
            continue
        selector = spec.get("selector")
        if not isinstance(selector, dict) or not selector or graph.workloads_in(m.namespace):
            continue  # selector-less, or service-no-endpoints judges its own namespace
        for ns in namespaces:
            if ns == m.namespace:
                continue
            found = graph.select_map(ns, selector)
            if not found:
                continue
            w = found[0]
            yield hit(
                m,
                rule.slug,
                ("spec", "selector"),
                f"Service {m.namespace}/{m.name} selects {', '.join(f'{k}={v}' for k, v in selector.items())}, but "
                "those pods "
                f"({w.manifest.kind} {w.manifest.name}) are in namespace {ns}, and a Service only selects pods of its "
                "own "
                f"namespace: its Endpoints stay empty. Move the Service to namespace {ns} (or the workload to "
                f"{m.namespace}).",
                at="key",
                related=(
                    (w.manifest, w.template.labels_path, f"{w.manifest.kind} {w.manifest.name} in namespace {ns}"),
                ),
            )
            break


_SERVING = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController")


def _serving_container(listed, services):
    """The container a Service sends traffic to (by targetPort number or name), else the first."""
    targets = set()
    for service in services:
        for port in get(service.obj, "spec", "ports") or ():
            target = port.get("targetPort", port.get("port")) if isinstance(port, dict) else None
            if isinstance(target, (int, str)):  # a list or mapping is malformed (the schema rules say so)
                targets.add(target)
    for entry in listed:
        for declared in entry[2].get("ports") or ():
            if isinstance(declared, dict) and any(
                isinstance(v, (int, str)) and v in targets
                for v in (declared.get("containerPort"), declared.get("name"))
            ):
                return entry
    return listed[0]


def readiness_probe_missing(ctx, rule):
    graph = ctx.graph
    for w in graph.workloads:
        m = w.manifest
        if m.kind not in _SERVING:
            continue
        services = [e.manifest for e in graph.in_edges(w.key, "selects") if e.manifest.kind == "Service"]
        if not services:
            continue
        service = services[0]
        listed = list(containers(w.template.spec, ("containers",)))
        if not listed or any(isinstance(c.get("readinessProbe"), dict) for _l, _i, c in listed):
            continue  # the pod is Ready only when every probed container is: one probe gates it
        list_name, index, container = _serving_container(listed, services)
        path = w.template.spec_path + (list_name, index, "name")
        yield hit(
            m,
            rule.slug,
            path,
            f"no container of {m.kind} {m.name} has a readinessProbe (container {container.get('name')} serves "
            f"Service {service.namespace}/{service.name}): each new pod receives requests as soon as its processes "
            "start, "
            "before it can serve, and a release that never works rolls out to the end because nothing reports it "
            "unready. "
            "Add a readinessProbe to the container that serves.",
            related=((service, ("spec", "selector"), f"Service {service.name} selects these pods"),),
        )
