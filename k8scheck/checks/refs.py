"""Cross-object rules: each asks ``ctx.graph`` a question and never builds an index of its own."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ..graph import CONTROLLER_KINDS, UNPREDICTABLE_LABELS, nearest_word
from ..kinds import containers, get, is_int
from ..model import Manifest
from ..problem import dotted
from ..selectors import format_labels
from ..similarity import edit_distance
from .hit import hit


def _where(m, path) -> str:
    loc = m.locate(path)
    return f"{loc.file}:{loc.line}"


def _ns_name(key) -> str:
    _, namespace, name = key
    return f"{namespace}/{name}" if namespace else name


def _key(m):
    return (m.kind, m.namespace, m.name)


def _did_you_mean(ctx, kind, namespace, name, accept=None):
    other = ctx.graph.nearest_name(kind, namespace, name, accept)
    if other is None:
        return "", (), None
    return (
        f" Did you mean {other.name} ({_where(other, ('metadata', 'name'))})?",
        ((other, ("metadata", "name"), f"{kind} {other.name} is defined here"),),
        other.name,
    )


# ---------------------------------------------------------------------------
# The missing-object template: rules/<slug>.yaml says which edges, what happens, how a near miss counts


class EdgeFilter(NamedTuple):
    """Which edges of one relation a rule follows: only ``via`` ones (when given), never ``not_via`` ones."""

    relation: str
    via: tuple = ()
    not_via: tuple = ()

    def admits(self, edge) -> bool:
        return (
            edge.relation == self.relation and (not self.via or edge.via in self.via) and edge.via not in self.not_via
        )


class WrongKind(NamedTuple):
    """A reference to ``kind`` whose name is a cluster-scoped ``instead`` object: ``hint`` says so (a near miss)."""

    kind: str
    instead: str
    hint: str


class MissingObject(NamedTuple):
    """The parameters of template ``missing-object`` (``template.params`` in a rule's YAML).

    ``message``, ``symptom`` and ``symptom_by_via`` are ``str.format`` texts with the fields
    ``source`` (the referring manifest), ``kind``, ``namespace``, ``name``, ``target``
    (namespace/name, or name), ``who`` (container NAME, or the container), ``volume`` and
    ``symptom``; "Did you mean …?" follows when the inputs hold an object with a close name,
    and the finding takes the rule's ``severity-of: {near-miss: …}``.
    """

    edges: tuple
    message: str
    kind: str | None = None
    symptom: str = ""
    symptom_by_via: Mapping[str, str] = MappingProxyType({})
    unless_annotated: tuple = ()
    wrong_kind: WrongKind | None = None

    @classmethod
    def from_params(cls, params: dict) -> MissingObject:
        wrong = params.get("wrong-kind")
        return cls(
            edges=tuple(
                EdgeFilter(e["relation"], tuple(e.get("via", ())), tuple(e.get("not-via", ()))) for e in params["edges"]
            ),
            message=params["message"],
            kind=params.get("kind"),
            symptom=params.get("symptom", ""),
            symptom_by_via=params.get("symptom-by-via") or {},
            unless_annotated=tuple(params.get("unless-annotated", ())),
            wrong_kind=WrongKind(**wrong) if wrong else None,
        )


def missing_object(ctx, rule, plausible=None):
    """Template ``missing-object``: a reference to an object that neither the inputs nor the cluster
    are known to hold.

    ``plausible(edge, manifest) -> bool``, when given, limits "Did you mean" to objects that could be
    the one the reference wants (a rule whose near misses need more than a close name).
    """
    spec = MissingObject.from_params(rule.template.params)
    relations = tuple(dict.fromkeys(f.relation for f in spec.edges))
    for edge in ctx.graph.broken(*relations):
        kind, namespace, name = edge.target
        if (spec.kind and kind != spec.kind) or edge.optional or not any(f.admits(edge) for f in spec.edges):
            continue
        m = edge.manifest
        annotations = m.metadata.get("annotations")
        if isinstance(annotations, dict) and any(a in annotations for a in spec.unless_annotated):
            continue  # a controller named by the annotation creates the object
        accept = None if plausible is None else (lambda other, edge=edge: plausible(edge, other))
        tail, related, close = _near_miss(ctx, spec, kind, namespace, name, accept)
        fields = {
            "source": m,
            "kind": kind,
            "namespace": namespace,
            "name": name,
            "target": f"{namespace}/{name}" if namespace else name,
            "who": f"container {edge.container}" if edge.container else "the container",
            "volume": edge.volume,
        }
        fields["symptom"] = spec.symptom_by_via.get(edge.via, spec.symptom).format(**fields)
        yield hit(
            m,
            rule.slug,
            edge.path,
            spec.message.format(**fields) + tail,
            related=related,
            fix=close if related else None,
            severity=rule.severity_of("near-miss") if close else None,
        )


def _near_miss(ctx, spec: MissingObject, kind, namespace, name, accept=None):
    """(" Did you mean …?" or a wrong-kind hint, related notes, the name to suggest)."""
    wrong = spec.wrong_kind
    if wrong is not None and kind == wrong.kind and ctx.graph.exists(wrong.instead, None, name):
        return " " + wrong.hint.format(name=name), (), name
    return _did_you_mean(ctx, kind, namespace, name, accept)


# ---------------------------------------------------------------------------
# Services


def service_no_endpoints(ctx, rule):
    graph = ctx.graph
    for m in ctx.of_kind("Service"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName" or not m.name:
            continue
        selector = spec.get("selector")
        if not isinstance(selector, dict) or not selector:
            continue  # endpoints written by hand (or by another controller)
        pairs = [(k, v) for k, v in selector.items() if isinstance(k, str)]
        if not pairs or any(not isinstance(v, str) for _, v in pairs):
            continue  # implicit-type reports non-string values
        if any(k in UNPREDICTABLE_LABELS for k, _ in pairs):
            continue  # a hash or uid the controller picks at run time
        if graph.select_map(m.namespace, selector):
            continue
        pool = graph.workloads_in(m.namespace)
        if not pool:
            continue  # no pod template in this namespace at all: the workloads live elsewhere
        failing = graph.failing_label(m.namespace, pairs)
        if failing is None:
            continue
        label, value = failing
        ns = m.namespace
        if len(pairs) == 1:
            message = f"Service {ns}/{m.name} selects {label}={value}; no pod template in namespace {ns} has it"
        else:
            message = (
                f"Service {ns}/{m.name} selects {format_labels(dict(pairs))}; no pod template in namespace {ns} "
                f"has {label}={value}"
                + (" together with the other labels" if graph.with_label(ns, label, value) else "")
            )
        message += ", so its Endpoints will be empty and connections fail."
        why, related, fix, severity = _why_no_pods(ctx, rule, m, pairs, failing)
        yield hit(m, rule.slug, ("spec", "selector", label), message + why, related=related, fix=fix, severity=severity)


def _why_no_pods(ctx, rule, m: Manifest, pairs, failing):
    """(what else the finding says, related locations, fix, severity) of a Service selecting no pod template:
    a passed-over template that writes the labels, a near miss, a label the pods may add at run time, a
    custom controller that may make the pods."""
    graph, ns = ctx.graph, m.namespace
    label, value = failing
    others = [(k, v) for k, v in pairs if (k, v) != failing]
    among = graph.select_map(ns, dict(others)) if others else []
    suggestion = graph.nearest_label(ns, label, value, among or None)
    template = _unrendered_template(ctx, m, pairs)
    if template is not None:
        # Stronger evidence than a near miss: a file beside the Service writes exactly these labels.
        return (
            f" {template}, a template passed over unrendered, writes {format_labels(dict(pairs))}: once rendered, it "
            "may define the pods.",
            (),
            None,
            rule.severity_of("unrendered-template"),
        )
    message, fix, severity = "", None, None
    related: tuple = ()
    typo = suggestion is not None and _one_edit_away(label, value, suggestion[0], suggestion[1])
    if suggestion is not None:
        k, v, w = suggestion
        path = w.template.labels_path + (k,)
        message += f" Did you mean {k}={v} ({w.manifest.kind} {w.manifest.name}, {_where(w.manifest, path)})?"
        related = ((w.manifest, path, f"{w.manifest.kind} {w.manifest.name} labels its pods {k}={v}"),)
        fix = v if k == label else f"{k}: {v}"
    narrowed = None if typo else _run_time_label(graph, ns, pairs)
    if narrowed is not None:
        w, absent = narrowed
        keys = ", ".join(k for k, _ in absent)
        message += (
            f" Its other labels select the pods of {w.manifest.kind} {w.manifest.name} "
            f"({_where(w.manifest, w.template.labels_path)}), and no pod template sets {keys} at all: a label the "
            "pods may add to themselves at run time (a leader election marking its leader, a role such as primary), "
            f"which the Service waits for; if nothing adds {format_labels(dict(absent))}, that is the mistake."
        )
        labels = ",".join(f"{k}={v}" for k, v in pairs if (k, v) not in absent)
        related = related or (
            (w.manifest, w.template.labels_path, f"{w.manifest.kind} {w.manifest.name} labels its pods {labels}"),
        )
        return message, related, fix, rule.severity_of("run-time-label")
    if graph.custom_resources.get(ns) and not typo:
        # A controller k8scheck does not know may make the pods as likely as a label a few edits away is a typo
        # (one edit away, the typo is the likelier); with no near miss at all, as likely as a typo.
        message += _custom_controller_note(graph, ns)
        severity = rule.severity_of("custom-controller")
    return message, related, fix, severity


def _run_time_label(graph, namespace, pairs):
    """(a workload the rest of a selector selects, the selected labels whose key no pod template sets), or
    None: the pods may label themselves with those keys at run time. A key some template sets, even in
    another namespace, says where the intended pods are written instead."""
    absent = [(k, v) for k, v in pairs if not graph.sets_label_key(k)]
    rest = {k: v for k, v in pairs if (k, v) not in absent}
    if not absent or not rest:
        return None
    selected = graph.select_map(namespace, rest)
    return (selected[0], absent) if selected else None


def _one_edit_away(key: str, value: str, near_key: str, near_value: str) -> bool:
    """Whether the near label differs from the selected one by one edit, in its key or in its value."""
    if key == near_key:
        return edit_distance(value, near_value) <= 1
    return value == near_value and edit_distance(key, near_key) <= 1


def _writes_label(text: str, key: str, value: str) -> bool:
    """Whether YAML ``text`` writes ``key: value`` (block or flow style, quoted or not)."""
    quoted = r"[\"']?"
    pattern = rf"(?:^|[\s{{,]){quoted}{re.escape(key)}{quoted}\s*:\s*{quoted}{re.escape(value)}{quoted}\s*(?:$|[,}}#])"
    return re.search(pattern, text, re.M) is not None


def _unrendered_template(ctx, service: Manifest, pairs) -> str | None:
    """A template the walk passed over in the Service's directory whose text writes every selected label."""
    directory = os.path.dirname(service.file)
    for path, text in sorted(ctx.loaded.templates.items()):
        if os.path.dirname(path) == directory and all(_writes_label(text, k, v) for k, v in pairs):
            return path
    return None


def _custom_controller_note(graph, namespace) -> str:
    """Why pods no template writes may still exist: custom resources whose controllers k8scheck does not know."""
    custom = graph.custom_resources.get(namespace) or []
    if not custom:
        return ""
    first = custom[0]
    more = f" and {len(custom) - 1} more" if len(custom) > 1 else ""
    return (
        f" A custom controller may create those pods: namespace {namespace} holds {first.kind} {first.name} "
        f"({first.group}){more}, a kind k8scheck does not know. If it does, state them with assume-pods."
    )


def _declared_text(declared) -> str:
    return ", ".join(f"{d.number}/{d.protocol}" + (f" ({d.name})" if d.name else "") for d in declared) or "none"


class ServicePortProblem(NamedTuple):
    """One Service port and verdict, with every workload it reaches that way.
    The cause is the port, so it is one finding, not one per workload."""

    service: Manifest
    port_index: int  # in spec.ports ("index" would shadow tuple.index)
    path: tuple
    target: object
    protocol: str
    verdict: str  # as PortProblem.verdict
    group: list  # [(workload, declared ports), ...]


def _by_service_port(ctx, *verdicts) -> list[ServicePortProblem]:
    groups: dict = {}
    for p in ctx.port_problems:
        if p.verdict in verdicts:
            entry = groups.get((id(p.service), p.port_index, p.verdict))
            if entry is None:
                entry = groups[(id(p.service), p.port_index, p.verdict)] = ServicePortProblem(
                    p.service, p.port_index, p.path, p.target, p.protocol, p.verdict, []
                )
            entry.group.append((p.workload, p.declared))
    return list(groups.values())


def _owners(group) -> tuple[str, tuple, list]:
    """("Deployment a or ReplicaSet b", related notes, every declared port once)."""
    names = [f"{w.manifest.kind} {w.manifest.name}" for w, _ in group]
    related = tuple(
        (w.manifest, w.template.spec_path + ("containers",), f"containers of {name}")
        for (w, _), name in zip(group, names)
    )
    declared = list(dict.fromkeys(d for _, listed in group for d in listed))
    return " or ".join(dict.fromkeys(names)), related, declared  # two definitions of one workload: named once


def service_port_mismatch(ctx, rule):
    for m, i, path, target, protocol, verdict, group in _by_service_port(ctx, "named", "number"):
        owner, related, declared = _owners(group)
        if verdict == "named":
            names = sorted({d.name for d in declared if d.name})
            other_protocols = sorted({d.protocol for d in declared if d.name == target})
            close = None if other_protocols else nearest_word(target, names)
            message = (
                f"Service {m.namespace}/{m.name} targets port name {target!r} ({protocol}), but no container of "
                f"{owner} declares a port with that name and protocol (declared: {_declared_text(declared)}); "
                "its pods are left out of the Endpoints for this port and connections to it fail."
            )
            if other_protocols:
                message += f" The port {target!r} is {'/'.join(other_protocols)}: the protocols must agree."
            elif close:
                message += f" Did you mean {close!r}?"
            yield hit(m, rule.slug, path, message, related=related, fix=close)
        else:
            # A number is used verbatim: the Endpoints hold the pods and containers[].ports does not limit
            # what they serve, so a number declared nowhere (and named in no args, command or env value:
            # those are silent) may still be served. A warning, and no fix: the declared port may be
            # another service of the app (a webhook, a receiver without auth), not the one meant.
            message = (
                f"Service {m.namespace}/{m.name} sends port {get(m.obj, 'spec', 'ports')[i].get('port')} to targetPort "
                f"{target}/{protocol}, but the containers of {owner} declare {_declared_text(declared)} and no args, "
                f"command or env value names {target}; if nothing listens on {target}, connections are refused."
            )
            yield hit(m, rule.slug, path, message, related=related, severity=rule.severity_of("undeclared-number"))


def service_port_undeclared(ctx, rule):
    for m, _, path, target, protocol, _, group in _by_service_port(ctx, "undeclared"):
        owner, related, _ = _owners(group)
        yield hit(
            m,
            rule.slug,
            path,
            f"Service {m.namespace}/{m.name} sends traffic to targetPort {target}/{protocol}, but no container of "
            f"{owner} declares any port; nothing here shows that the app listens on {target}. Declare it in "
            "containers[].ports so the Service and the pod agree visibly.",
            related=related,
        )


# ---------------------------------------------------------------------------
# ConfigMaps and Secrets

_VOLUME_KEY_ERROR = {
    "ConfigMap": "configmap references non-existent config key",
    "Secret": "references non-existent secret key",
}


def _keys_of(m) -> set[str] | None:
    """Keys of a ConfigMap (data, binaryData) or Secret (data, stringData); None when unknowable."""
    if m.kind == "Secret" and m.obj.get("type") == "kubernetes.io/service-account-token":
        return None  # the token controller fills it in
    fields = ("data", "binaryData") if m.kind == "ConfigMap" else ("data", "stringData")
    keys: set[str] = set()
    for field_name in fields:
        value = m.obj.get(field_name)
        if isinstance(value, dict):
            keys.update(k for k in value if isinstance(k, str))
    return keys


def _missing_key(ctx, rule, kind):
    graph = ctx.graph
    for edge in graph.edges("reads-key"):
        target_kind, namespace, name = edge.target
        if target_kind != kind or edge.optional or not edge.key:
            continue
        target = graph.target(edge)
        if target is None:
            continue
        keys = _keys_of(target)
        if keys is None or edge.key in keys:
            continue
        m = edge.manifest
        have = ", ".join(sorted(keys)) if keys else "no keys"
        close = nearest_word(edge.key, keys)
        if edge.via == "env":
            who = f"container {edge.container}" if edge.container else "the container"
            symptom = (
                f"{who} will not start: CreateContainerConfigError (Error: couldn't find key {edge.key} in {kind} "
                f"{namespace}/{name})"
            )
        else:
            symptom = (
                f"volume {edge.volume} cannot be set up: the pod stays in ContainerCreating with "
                f"FailedMount ({_VOLUME_KEY_ERROR[kind]}: {edge.key})"
            )
        message = f"{kind} {namespace}/{name} has no key {edge.key} (it has {have}); {symptom}."
        if close:
            message += f" Did you mean {close}?"
        data_path = ("data",) if isinstance(target.obj.get("data"), dict) or kind == "ConfigMap" else ("stringData",)
        yield hit(
            m,
            rule.slug,
            edge.key_path or edge.path,
            message,
            related=((target, data_path, f"{kind} {name} defines its keys here"),),
            fix=close,
        )


def configmap_key_missing(ctx, rule):
    yield from _missing_key(ctx, rule, "ConfigMap")


def secret_key_missing(ctx, rule):
    yield from _missing_key(ctx, rule, "Secret")


# ---------------------------------------------------------------------------
# Ingress


def ingress_backend_port(ctx, rule):
    graph = ctx.graph
    for edge in graph.edges("routes-to"):
        service = graph.target(edge)
        if service is None or edge.port is None:
            continue
        ports = get(service.obj, "spec", "ports")
        if not isinstance(ports, list):
            continue
        numbers = [p.get("port") for p in ports if isinstance(p, dict) and is_int(p.get("port"))]
        names = [
            p.get("name") for p in ports if isinstance(p, dict) and isinstance(p.get("name"), str) and p.get("name")
        ]
        if (is_int(edge.port) and edge.port in numbers) or (isinstance(edge.port, str) and edge.port in names):
            continue
        declared = ", ".join([str(n) for n in numbers] + [repr(n) for n in names]) or "none"
        what = f"port {edge.port}" if is_int(edge.port) else f"port name {edge.port!r}"
        m = edge.manifest
        if is_int(edge.port):
            fix = str(numbers[0]) if len(numbers) == 1 else None
        else:
            fix = nearest_word(edge.port, names)
        yield hit(
            m,
            rule.slug,
            edge.port_path or edge.path,
            f"Ingress {m.namespace}/{m.name} sends traffic to {what} of Service {_ns_name(edge.target)}, which has no "
            "such "
            f"port (it has {declared}); the ingress controller finds no endpoints for it and answers 503.",
            related=((service, ("spec", "ports"), f"ports of Service {service.name}"),),
            fix=fix,
        )


# ---------------------------------------------------------------------------
# Other references


def hpa_replicas_conflict(ctx, rule):
    graph = ctx.graph
    for edge in graph.edges("scales"):
        target = graph.target(edge)
        if target is None:
            continue
        spec = target.obj.get("spec")
        if not isinstance(spec, dict) or "replicas" not in spec or not is_int(spec.get("replicas")):
            continue
        hpa = edge.manifest
        low, high = get(hpa.obj, "spec", "minReplicas"), get(hpa.obj, "spec", "maxReplicas")
        span = f" ({low if is_int(low) else 1}-{high})" if is_int(high) else ""
        yield hit(
            target,
            rule.slug,
            ("spec", "replicas"),
            f"{target.kind} {target.namespace}/{target.name} pins spec.replicas: {spec['replicas']} while "
            f"HorizontalPodAutoscaler {hpa.name}{span} scales it; every kubectl apply resets the replica count to "
            f"{spec['replicas']}, undoing the autoscaler (pods are killed or started) until it reacts again. "
            "Remove spec.replicas and let the autoscaler own it.",
            at="key",
            related=((hpa, ("spec", "scaleTargetRef", "name"), f"HorizontalPodAutoscaler {hpa.name} targets it here"),),
        )


def pdb_no_match(ctx, rule):
    yield from _selecting_nothing(
        ctx,
        rule,
        "PodDisruptionBudget",
        "selector",
        "PodDisruptionBudget {namespace}/{name} selects {selector}, which no pod template in namespace {namespace} "
        "matches; it protects nothing during drains and upgrades.",
        empty_selected_none_in="policy/v1beta1",
    )


def _selecting_nothing(ctx, rule, kind: str, field: str, message: str, empty_selected_none_in: str | None = None):
    """A finding at spec.<field> of each ``kind`` whose label selector no pod template in its namespace matches.

    ``message`` is formatted with the object's ``namespace`` and ``name`` and the ``selector`` described.
    An empty selector selects every pod, so never nothing, but in the apiVersion ``empty_selected_none_in``
    (policy/v1beta1 PodDisruptionBudgets read it as no pod).
    """
    graph = ctx.graph
    for m in ctx.of_kind(kind):
        selector = get(m.obj, "spec", field)
        if not isinstance(selector, dict) or not m.name or not graph.workloads_in(m.namespace):
            continue
        everything = empty_selected_none_in is None or m.api_version != empty_selected_none_in
        if graph.select_labels(m.namespace, selector, empty_selects_all=everything) != []:
            continue  # selects something, or is malformed
        yield hit(
            m,
            rule.slug,
            ("spec", field),
            message.format(namespace=m.namespace, name=m.name, selector=_describe_selector(selector))
            + _custom_controller_note(graph, m.namespace),
            at="key",
        )


def _describe_selector(selector) -> str:
    labels = selector.get("matchLabels")
    parts = [f"{k}={v}" for k, v in labels.items()] if isinstance(labels, dict) else []
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list):
        for e in expressions:
            if isinstance(e, dict):
                values = e.get("values")
                parts.append(f"{e.get('key')} {e.get('operator')}" + (f" {values}" if values else ""))
    return ",".join(parts) or "everything"


_REPLICATED = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def pdb_blocks_eviction(ctx, rule):
    graph = ctx.graph
    for m in ctx.of_kind("PodDisruptionBudget"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or not m.name:
            continue
        blocked = (
            " kubectl drain and node upgrades hang: every eviction is refused (Cannot evict pod as it would violate "
            "the pod's disruption budget)."
        )
        unavailable = spec.get("maxUnavailable")
        if unavailable == 0 or unavailable == "0%":
            yield hit(
                m,
                rule.slug,
                ("spec", "maxUnavailable"),
                f"PodDisruptionBudget {m.namespace}/{m.name} allows {unavailable} unavailable pods;" + blocked,
            )
            continue
        minimum = spec.get("minAvailable")
        if minimum == "100%":
            yield hit(
                m,
                rule.slug,
                ("spec", "minAvailable"),
                f"PodDisruptionBudget {m.namespace}/{m.name} requires 100% of its pods available;" + blocked,
            )
            continue
        if not is_int(minimum) or minimum <= 0:
            continue
        total, owners = 0, []
        for edge in graph.out_edges(_key(m), "budgets"):
            target = graph.target(edge)
            if target is None:
                continue
            if graph.in_edges(edge.target, "scales"):
                total = None  # an autoscaler decides the count
                break
            if target.kind in _REPLICATED:
                replicas = get(target.obj, "spec", "replicas")
                count = 1 if replicas is None else replicas
                if not is_int(count):
                    total = None
                    break
            elif target.kind == "Pod":
                count = 1
            else:
                total = None  # DaemonSets, Jobs: the count depends on the cluster
                break
            total += count
            owners.append(f"{target.kind} {target.name} ({count})")
        if total is None or not owners or minimum < total:
            continue
        yield hit(
            m,
            rule.slug,
            ("spec", "minAvailable"),
            f"PodDisruptionBudget {m.namespace}/{m.name} requires minAvailable {minimum}, but the pods it selects "
            f"number {total} ({', '.join(owners)}), so no pod may ever be evicted;" + blocked,
        )


def networkpolicy_no_match(ctx, rule):
    yield from _selecting_nothing(
        ctx,
        rule,
        "NetworkPolicy",
        "podSelector",
        "NetworkPolicy {namespace}/{name} applies to pods with {selector}, which no pod template in namespace "
        "{namespace} has; the policy isolates nothing.",
    )


def _could_govern(graph, edge, service) -> bool:
    """Could ``service`` be the governing Service a StatefulSet's serviceName misspells?

    Only if it selects the StatefulSet's pods (the per-pod DNS records come from its endpoints),
    or is headless without a selector (its endpoints are written by hand: cannot tell). A close
    name on another component's Service is not a near miss: pointing serviceName at it would
    give these pods no DNS names either.
    """
    spec = service.obj.get("spec")
    if not isinstance(spec, dict):
        return False
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        return spec.get("clusterIP") == "None"
    own = graph.workload(edge.manifest)
    if own is None or service.namespace != edge.manifest.namespace:
        return False
    return all(isinstance(k, str) and isinstance(v, str) and own.has(k, v) for k, v in selector.items())


def statefulset_service_missing(ctx, rule):
    """The missing-object template (rules/statefulset-service-missing.yaml), with "Did you mean" limited
    to Services that could govern the StatefulSet, and a governing Service that is not headless."""
    graph = ctx.graph
    yield from missing_object(ctx, rule, plausible=lambda edge, service: _could_govern(graph, edge, service))
    for edge in graph.edges("governs"):
        m = edge.manifest
        _, namespace, name = edge.target
        service = graph.target(edge)
        if service is not None and get(service.obj, "spec", "clusterIP") != "None":
            yield hit(
                m,
                rule.slug,
                edge.path,
                f"StatefulSet {m.namespace}/{m.name} names governing Service {namespace}/{name}, which is not "
                f"headless; the per-pod DNS names ({m.name}-0.{name}.{namespace}.svc) only exist for a Service with "
                "clusterIP: None.",
                related=((service, ("spec",), f"Service {name}: add clusterIP: None"),),
            )


def selector_overlap(ctx, rule):
    graph = ctx.graph
    reported = set()
    for m in ctx.of_kind(*CONTROLLER_KINDS):
        own = graph.workload(m)
        if own is None:
            continue
        selector = get(m.obj, "spec", "selector")
        if m.kind == "ReplicationController":
            if not isinstance(selector, dict) or not selector:
                continue
            if "matchLabels" in selector or "matchExpressions" in selector:
                continue
            selected = graph.select_map(m.namespace, selector)
        else:
            if not isinstance(selector, dict):
                continue
            selected = graph.select_labels(m.namespace, selector, empty_selects_all=False) or []
        for w in selected:
            if w is own or w.key == own.key or w.manifest.kind not in CONTROLLER_KINDS + ("Pod",):
                continue  # a second definition of itself is duplicate-object's business
            pair = frozenset((id(m), id(w.manifest)))
            if pair in reported:
                continue
            reported.add(pair)
            other = w.manifest
            yield hit(
                m,
                rule.slug,
                ("spec", "selector"),
                f"{m.kind} {m.namespace}/{m.name}'s selector also matches the pod template of {other.kind} "
                f"{other.name} ({format_labels(w.template.labels)}); controllers with overlapping selectors "
                "fight over the same pods (adopting, scaling and deleting each other's), and Services see a mix.",
                at="key",
                related=((other, w.template.labels_path, f"{other.kind} {other.name} pod labels"),),
            )


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def probe_port_missing(ctx, rule):
    graph = ctx.graph
    for w in graph.workloads:
        m = w.manifest
        for list_name, index, container in containers(w.template.spec, ("initContainers", "containers")):
            ports = container.get("ports")
            names = (
                {p.get("name") for p in ports if isinstance(p, dict) and isinstance(p.get("name"), str)}
                if isinstance(ports, list)
                else set()
            )
            for probe_name in _PROBES:
                probe = container.get(probe_name)
                if not isinstance(probe, dict):
                    continue
                for handler in ("httpGet", "tcpSocket"):
                    port = get(probe, handler, "port")
                    if not isinstance(port, str) or not port or port.isdigit() or port in names:
                        continue
                    cname = container.get("name") or f"{list_name}[{index}]"
                    close = nearest_word(port, {n for n in names if isinstance(n, str)})
                    effect = {
                        "livenessProbe": "the probe always fails and the kubelet restarts the container forever",
                        "readinessProbe": "the probe always fails and the pod never becomes Ready (no Endpoints)",
                        "startupProbe": "the probe always fails and the kubelet kills the container before it starts",
                    }[probe_name]
                    yield hit(
                        m,
                        rule.slug,
                        w.template.spec_path + (list_name, index, probe_name, handler, "port"),
                        f"{probe_name} of container {cname} uses port name {port!r}, which the container does not "
                        f"declare in its ports; the kubelet cannot resolve it, so {effect}."
                        + (f" Did you mean {close!r}?" if close else ""),
                        fix=close,
                    )


def volume_mount_missing(ctx, rule):
    for w in ctx.graph.workloads:
        m = w.manifest
        spec = w.template.spec
        volumes = spec.get("volumes")
        names = (
            {v.get("name") for v in volumes if isinstance(v, dict) and isinstance(v.get("name"), str)}
            if isinstance(volumes, list)
            else set()
        )
        if m.kind == "StatefulSet":
            claims = get(m.obj, "spec", "volumeClaimTemplates")
            if isinstance(claims, list):
                names |= {get(c, "metadata", "name") for c in claims}
        names.discard(None)
        for list_name, index, container in containers(spec):
            for field_name in ("volumeMounts", "volumeDevices"):
                mounts = container.get(field_name)
                if not isinstance(mounts, list):
                    continue
                for j, mount in enumerate(mounts):
                    name = get(mount, "name")
                    if not isinstance(name, str) or not name or name in names:
                        continue
                    path = w.template.spec_path + (list_name, index, field_name, j, "name")
                    close = nearest_word(name, {n for n in names if isinstance(n, str)})
                    yield hit(
                        m,
                        rule.slug,
                        path,
                        f"{field_name}[{j}] of container {container.get('name') or index} names volume {name!r}, "
                        "which the pod does not define (volumes: "
                        f"{', '.join(sorted(n for n in names if isinstance(n, str))) or 'none'}); "
                        f'the API server rejects the object ({dotted(path)}: Not found: "{name}").'
                        + (f" Did you mean {close!r}?" if close else ""),
                        fix=close,
                    )
