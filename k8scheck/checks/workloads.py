"""Rules about one object (or an autoscaler and its target) that the API accepts but the
cluster then treats differently from what the manifest says."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

from ..kinds import containers, get, is_int
from .hit import hit

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "retired.yaml"


@functools.lru_cache(maxsize=1)
def retired() -> dict:
    from ..yamlsource import load_single

    return load_single(DATA_FILE.read_text(encoding="utf-8"))


def _version(text) -> tuple:
    from ..apilifecycle import parse_kube_version

    return parse_kube_version(str(text)) or (0, 0)


def _templates(ctx):
    for m in ctx.subjects:
        template = m.template
        if template is not None:
            yield m, template


def _template_items(ctx, field: str):
    """(manifest, item, its path) for every mapping in the pod spec list ``field`` of every pod template."""
    for m, template in _templates(ctx):
        items = template.spec.get(field)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield m, item, template.spec_path + (field, i)


# ---------------------------------------------------------------------------
# Pod templates


def duplicate_env_var(ctx, rule):
    for m, template in _templates(ctx):
        for list_name, index, container in containers(template.spec):
            env = container.get("env")
            if not isinstance(env, list):
                continue
            first: dict = {}
            base = template.spec_path + (list_name, index, "env")
            for i, var in enumerate(env):
                name = get(var, "name")
                if not isinstance(name, str):
                    continue
                if name in first:
                    yield hit(
                        m,
                        rule.slug,
                        base + (i, "name"),
                        f"container {container.get('name')} sets env {name} twice (first at env[{first[name]}]); the "
                        "container sees only the later value, and kubectl apply's merge by name may keep either one. "
                        "Remove one of them.",
                        related=((m, base + (first[name], "name"), "first definition"),),
                    )
                else:
                    first[name] = i


def service_account_field(ctx, rule):
    for m, template in _templates(ctx):
        spec = template.spec
        if "serviceAccount" not in spec:
            continue
        value = spec.get("serviceAccount")
        named = spec.get("serviceAccountName")
        tail = (
            f"; it also sets serviceAccountName: {named}, which wins"
            if named not in (None, value)
            else "; write serviceAccountName instead"
        )
        yield hit(
            m,
            rule.slug,
            template.spec_path + ("serviceAccount",),
            f"serviceAccount is the deprecated alias of serviceAccountName (deprecated since Kubernetes 1.0; kubectl "
            f"and the API server warn){tail}.",
            at="key",
            fix="serviceAccountName" if named is None else None,  # the span is the key: rename it
        )


_SCHEDULE_ACTIONS = ("DoNotSchedule", "ScheduleAnyway")


class SpreadProblem(NamedTuple):
    """What is wrong with one field of a topology spread constraint."""

    field: str
    message: str
    fix: str | None = None


def topology_spread_invalid(ctx, rule):
    for m, constraint, base in _template_items(ctx, "topologySpreadConstraints"):
        for problem in _spread_problems(constraint):
            yield hit(m, rule.slug, base + (problem.field,), problem.message, fix=problem.fix)


# Counts that must be greater than zero: the advice, and the value that fixes it.
_SPREAD_POSITIVE = (
    ("maxSkew", "Use 1 for the most even spread.", "1"),
    ("minDomains", "Remove it (the default is 1) or set the number of domains.", None),
)


def _spread_problems(c):
    """The API server's validation of one topology spread constraint."""
    for name, advice, fix in _SPREAD_POSITIVE:
        value = c.get(name)
        if is_int(value) and value <= 0:
            yield SpreadProblem(
                name, f"{name} is {value}; the API server rejects it (must be greater than zero). {advice}", fix
            )
    domains = c.get("minDomains")
    action = c.get("whenUnsatisfiable")
    if isinstance(action, str) and action not in _SCHEDULE_ACTIONS:
        from ..graph import nearest_word

        close = nearest_word(action, _SCHEDULE_ACTIONS)
        yield SpreadProblem(
            "whenUnsatisfiable",
            f"whenUnsatisfiable {action!r} is not supported; the API server rejects it (supported values: "
            '"DoNotSchedule", "ScheduleAnyway").' + (f" Did you mean {close}?" if close else ""),
            fix=close,
        )
    elif action == "ScheduleAnyway" and is_int(domains) and domains > 0:
        yield SpreadProblem(
            "minDomains",
            "minDomains is only allowed with whenUnsatisfiable: DoNotSchedule; the API server rejects it with "
            "ScheduleAnyway.",
        )


def volume_plugin_removed(ctx, rule):
    plugins = retired()["volume-plugins"]
    target = _version(ctx.kube_version)
    for m, volume, base in _template_items(ctx, "volumes"):
        for plugin, facts in plugins.items():
            if plugin not in volume:
                continue
            if target >= _version(facts["removed_in"]):
                severity = None
                message = (
                    f"volume {volume.get('name')} uses the in-tree {plugin} plugin, which Kubernetes "
                    f"{facts['removed_in']} removed (target {ctx.kube_version}); the pod never starts (no volume "
                    f"plugin matched). Use {facts['replacement']}."
                )
            elif target >= _version(facts["deprecated_in"]):
                severity = rule.severity_of("deprecated")
                message = (
                    f"volume {volume.get('name')} uses the in-tree {plugin} plugin, deprecated since Kubernetes "
                    f"{facts['deprecated_in']} and removed in {facts['removed_in']}; move to "
                    f"{facts['replacement']} before upgrading."
                )
            else:
                continue
            yield hit(m, rule.slug, base + (plugin,), message, at="key", severity=severity)


def _annotation_fact(key: str):
    for fact in retired()["annotations"]:
        if key == fact["key"] or (fact.get("prefix") and key.startswith(fact["key"])):
            return fact
    return None


def annotation_deprecated(ctx, rule):
    target = _version(ctx.kube_version)
    for m in ctx.subjects:
        places = [(("metadata", "annotations"), m.metadata.get("annotations"))]
        template = m.template
        if template is not None and template.path:
            places.append(
                (template.path + ("metadata", "annotations"), get(m.obj, *template.path, "metadata", "annotations"))
            )
        for base, values in places:
            if not isinstance(values, dict):
                continue
            for key in values:
                fact = _annotation_fact(key) if isinstance(key, str) else None
                if fact is None or target < _version(fact["deprecated_in"]):
                    continue
                stops = fact.get("stops_in")
                if stops and target >= _version(stops):
                    message = (
                        f"annotation {key} does nothing since Kubernetes {stops} (target {ctx.kube_version}): the "
                        f"setting it was meant to make is not applied. Use {fact['replacement']}."
                    )
                else:
                    message = (
                        f"annotation {key} is deprecated since Kubernetes {fact['deprecated_in']}"
                        + (f" and ignored from {stops}" if stops else "")
                        + f"; use {fact['replacement']}."
                    )
                yield hit(m, rule.slug, base + (key,), message, at="key")


# ---------------------------------------------------------------------------
# PodDisruptionBudgets and autoscalers


def _percent(value):
    """The number in "50%", or None."""
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return int(value[:-1])
    return None


def pdb_budget_missing(ctx, rule):
    for m in ctx.of_kind("PodDisruptionBudget"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or "minAvailable" in spec or "maxUnavailable" in spec:
            continue
        if m.api_version == "policy/v1beta1":
            continue  # v1beta1 defaulted minAvailable to 1
        yield hit(
            m,
            rule.slug,
            ("spec",),
            f"PodDisruptionBudget {m.namespace}/{m.name} sets neither minAvailable nor maxUnavailable: the disruption "
            "controller then requires 0 healthy pods, so every pod may be evicted at once and the budget protects "
            "nothing. Set one of them (e.g. maxUnavailable: 1).",
            at="key",
        )


def pdb_budget_invalid(ctx, rule):
    for m in ctx.of_kind("PodDisruptionBudget"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict):
            continue
        if (
            "minAvailable" in spec
            and "maxUnavailable" in spec
            and spec["minAvailable"] is not None
            and spec["maxUnavailable"] is not None
        ):
            yield hit(
                m,
                rule.slug,
                ("spec", "maxUnavailable"),
                f"PodDisruptionBudget {m.namespace}/{m.name} sets both minAvailable and maxUnavailable; the API server "
                "rejects it (minAvailable and maxUnavailable cannot be both set). Keep one.",
                at="key",
                related=((m, ("spec", "minAvailable"), "minAvailable"),),
            )
        for field_name in ("minAvailable", "maxUnavailable"):
            number = _percent(spec.get(field_name))
            if number is not None and number > 100:
                yield hit(
                    m,
                    rule.slug,
                    ("spec", field_name),
                    f"{field_name} {spec[field_name]} is above 100%; the API server rejects it (must not be greater "
                    "than 100%).",
                    fix="100%",
                )


def _hpas_by_target(ctx):
    """(kind, namespace, name) -> [HPA manifests]."""
    out: dict = {}
    for edge in ctx.graph.edges("scales"):
        out.setdefault(edge.target, []).append(edge.manifest)
    return out


def hpa_duplicate_target(ctx, rule):
    for target, hpas in _hpas_by_target(ctx).items():
        distinct = list({id(h): h for h in hpas}.values())
        names = {h.name for h in distinct}
        if len(names) < 2:
            continue
        first = distinct[0]
        for other in distinct[1:]:
            if other.name == first.name:
                continue
            kind, namespace, name = target
            # Two plain files may be alternatives (one guide applies each): a conflict only if both are applied.
            apart = other.unit is None and other.file != first.file
            yield hit(
                other,
                rule.slug,
                ("spec", "scaleTargetRef", "name"),
                f"HorizontalPodAutoscalers {first.name} and {other.name} both scale {kind} {namespace}/{name}"
                + ("; if both files are applied together, each" if apart else "; each")
                + " sets the replica count from its own metrics, so they overwrite each other and the count flaps (the "
                "controller reports AmbiguousSelector / FailedGetScale). Merge their metrics into one autoscaler.",
                related=(
                    (first, ("spec", "scaleTargetRef", "name"), f"HorizontalPodAutoscaler {first.name} scales it too"),
                ),
                severity=rule.severity_of("other-file") if apart else None,
            )


def pdb_min_available_hpa(ctx, rule):
    graph = ctx.graph
    for m in ctx.of_kind("PodDisruptionBudget"):
        minimum = get(m.obj, "spec", "minAvailable")
        if not is_int(minimum) or minimum <= 0:
            continue
        for edge in graph.out_edges((m.kind, m.namespace, m.name), "budgets"):
            for scaler in graph.in_edges(edge.target, "scales"):
                hpa = scaler.manifest
                low, high = get(hpa.obj, "spec", "minReplicas"), get(hpa.obj, "spec", "maxReplicas")
                low = low if is_int(low) else 1
                kind, _, name = edge.target
                if is_int(high) and minimum >= high:
                    effect = (
                        f"at least maxReplicas ({high}), so no pod of {kind} {name} can ever be evicted: drains and "
                        "node upgrades hang"
                    )
                elif minimum >= low:
                    effect = (
                        f"at least minReplicas ({low}) of HorizontalPodAutoscaler {hpa.name}, so whenever it scales "
                        f"{kind} {name} down to {low} no pod can be evicted and drains hang"
                    )
                else:
                    continue
                yield hit(
                    m,
                    rule.slug,
                    ("spec", "minAvailable"),
                    f"PodDisruptionBudget {m.namespace}/{m.name} requires minAvailable {minimum}, {effect}. Use "
                    "maxUnavailable: 1, or a minAvailable below minReplicas.",
                    related=(
                        (
                            hpa,
                            ("spec", "minReplicas")
                            if "minReplicas" in (hpa.obj.get("spec") or {})
                            else ("spec", "maxReplicas"),
                            f"HorizontalPodAutoscaler {hpa.name}",
                        ),
                    ),
                )
                break


# ---------------------------------------------------------------------------
# Ingress and storage

_REGEX = re.compile(r"[\^$*+?()\[\]{}|\\]")


def ingress_path_regex(ctx, rule):
    for m in ctx.of_kind("Ingress"):
        rules = get(m.obj, "spec", "rules")
        if not isinstance(rules, list):
            continue
        for i, r in enumerate(rules):
            paths = get(r, "http", "paths")
            if not isinstance(paths, list):
                continue
            for j, entry in enumerate(paths):
                path, kind = get(entry, "path"), get(entry, "pathType")
                if not isinstance(path, str) or kind not in ("Prefix", "Exact") or not _REGEX.search(path):
                    continue
                yield hit(
                    m,
                    rule.slug,
                    ("spec", "rules", i, "http", "paths", j, "path"),
                    f"path {path!r} holds regular-expression characters under pathType {kind}, which matches it "
                    "literally; ingress-nginx (strict path validation, the default since 1.12) rejects the Ingress "
                    f"(path ... cannot be used with pathType {kind}). Use pathType: ImplementationSpecific (with "
                    'nginx.ingress.kubernetes.io/use-regex: "true"), or a plain path.',
                )


def pvc_volume_name_class(ctx, rule):
    for m in ctx.of_kind("PersistentVolumeClaim"):
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or not isinstance(spec.get("volumeName"), str) or not spec["volumeName"]:
            continue
        if "storageClassName" in spec:
            continue
        if "volume.beta.kubernetes.io/storage-class" in (m.metadata.get("annotations") or {}):
            continue
        yield hit(
            m,
            rule.slug,
            ("spec", "volumeName"),
            f"PersistentVolumeClaim {m.namespace}/{m.name} names volume {spec['volumeName']} but sets no "
            "storageClassName; in a cluster with a default StorageClass the claim is given that class, and unless the "
            "volume has the same class it never binds (Pending: volume ... already bound to a different claim / "
            'storageclass does not match). Set storageClassName: "" (or the volume\'s class).',
            at="key",
        )
