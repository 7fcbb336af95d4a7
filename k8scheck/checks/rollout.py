"""Rollout rules: what the deployment controller will do on the next release."""

from __future__ import annotations

from ..kinds import get
from ..simulate.pods import object_keys
from ..simulate.rollout import parse_deployment
from .hit import Hit, hit


def invalid_values(ctx, rule):
    """Stage rollout-simulation: the Deployment values parse_deployment replaces by a default
    (rollout-invalid-value)."""
    for m in ctx.of_kind("Deployment"):
        for problem in parse_deployment(m.obj).problems:
            if problem.rule == rule.slug:
                yield Hit(m, problem)


def immutable_field_changed(ctx, rule):
    """--diff-base: an apply the API server refuses (simulate.immutable), in its own words."""
    if ctx.options.old_manifests is None:
        return
    from ..rolloutplan import rejected_applies

    for p in rejected_applies(ctx, ctx.options.old_manifests):
        for rejection in p.rejected:
            yield hit(
                p.manifest,
                rule.slug,
                rejection.path,
                f"{p.manifest.ref}: kubectl apply fails, nothing rolls out: {rejection.message}",
                at="key",
            )


def _strategy_path(m) -> tuple:
    rolling = get(m.obj, "spec", "strategy", "rollingUpdate")
    if isinstance(rolling, dict):
        for key in ("maxSurge", "maxUnavailable"):
            if key in rolling:
                return ("spec", "strategy", "rollingUpdate", key)
        return ("spec", "strategy", "rollingUpdate")
    if isinstance(get(m.obj, "spec", "strategy"), dict):
        return ("spec", "strategy")
    return ("spec",)


def _replacement_at(path: tuple, advice: str) -> str | None:
    """The advice as replacement text when the finding's span is the very field it changes."""
    field, _, value = advice.partition(": ")
    if path and path[-1] == field and value:
        return value.split(" ", 1)[0]  # "1 (keep an old pod ...)": the value, not the reason
    return None


def rollout_outage(ctx, rule):
    reported = set()
    if ctx.options.old_manifests is not None:
        # --diff-base: the rollouts this change really starts, new pods predicted from the manifests.
        for p in ctx.rollout_predictions:
            r = p.result
            if p.outcome != "outage" or r.replicas <= 0 or p.pod_outcome is not None:
                continue  # a predicted start-up failure is rollout-stuck's finding
            reported.add(id(p.manifest))
            step = r.outage_step or next((i + 1 for i, s in enumerate(r.steps) if s.available == 0), 1)
            event = r.steps[step - 1].events[0] if r.steps and r.steps[step - 1].events else ""
            below = f"availability drops to {r.min_available}" + (
                f", below PodDisruptionBudget {p.pdb.name} minAvailable {p.pdb_min_available}"
                if p.pdb is not None and r.min_available > 0
                else ""
            )
            yield hit(
                p.manifest,
                rule.slug,
                _strategy_path(p.manifest),
                f"{p.manifest.ref}: the rollout this change starts has a window with no serving pod even if the new "
                "pods are healthy: "
                f"{below} at step {step} ({event}). Set maxSurge: 1 (or use a RollingUpdate with maxUnavailable below "
                "replicas).",
            )
    for p in ctx.rollout_whatif:
        if id(p.manifest) in reported:
            continue
        r = p.result
        if r.strategy != "RollingUpdate" or r.replicas <= 0 or p.outcome != "outage":
            continue
        rolling = get(p.manifest.obj, "spec", "strategy", "rollingUpdate") or {}
        raw_surge = rolling.get("maxSurge", "25%") if isinstance(rolling, dict) else "25%"
        raw_unavailable = rolling.get("maxUnavailable", "25%") if isinstance(rolling, dict) else "25%"
        if r.min_available == 0:
            why = (
                f"with replicas {r.replicas}, maxSurge {raw_surge} (→ {r.max_surge}) and maxUnavailable "
                f"{raw_unavailable} "
                f"(→ {r.max_unavailable}), the controller removes old pods before new ones are ready, so a release "
                "whose "
                "pods fail to start takes availability to 0"
            )
            advice = (
                "maxSurge: 1 (keep an old pod until a new one is ready)"
                if r.max_surge == 0
                else f"maxUnavailable: {max(0, r.replicas - 1)} or lower"
            )
        else:
            why = (
                f"a release whose pods fail to start drops availability to {r.min_available}, below "
                "PodDisruptionBudget "
                f"{p.pdb.name} minAvailable {p.pdb_min_available}"
            )
            advice = f"maxUnavailable: {max(0, r.replicas - p.pdb_min_available)}"
        related = (
            ((p.pdb, ("spec",), "PodDisruptionBudget selecting these pods"),)
            if p.pdb is not None and r.min_available > 0
            else ()
        )
        yield hit(
            p.manifest,
            rule.slug,
            _strategy_path(p.manifest),
            f"{p.manifest.ref}: {why}. Set {advice}.",
            fix=_replacement_at(_strategy_path(p.manifest), advice),
            related=related,
        )


def rollout_stuck(ctx, rule):
    for p in ctx.rollout_predictions:
        outcome = p.pod_outcome
        if outcome is None or not outcome.certain:
            continue
        r = p.result
        dep = r.kubectl_deployment
        shows = (
            f" kubectl get deploy will show READY {dep.ready}, UP-TO-DATE {dep.up_to_date}, AVAILABLE {dep.available}."
            if dep
            else ""
        )
        if p.outcome == "outage":
            where = (
                f"the rollout takes availability to {r.min_available}/{r.replicas} at step {r.outage_step or 1} and "
                "never recovers"
            )
            # The note sits where the strategy that lets availability reach 0 is written.
            note_at, strategy = (
                _strategy_path(p.manifest),
                f" (maxSurge → {r.max_surge}, maxUnavailable → {r.max_unavailable})",
            )
        else:
            where = (
                f"the rollout stops after step {len(r.steps)} "
                f"({'; '.join(r.steps[-1].events) if r.steps else 'no scaling'}) with the old pods still serving"
            )
            note_at, strategy = ("metadata", "name"), ""
        related = ()
        if outcome.evidence is not None:
            evidence = outcome.evidence
            keys = sorted(object_keys(evidence))
            field = next(
                (f for f in ("data", "stringData", "binaryData") if isinstance(evidence.obj.get(f), dict)), None
            )
            related = (
                (
                    evidence,
                    (field,) if field else (),
                    f"{evidence.ref} has {'only ' + ', '.join(keys) if keys else 'no keys'}",
                ),
            )
        yield hit(
            p.manifest,
            rule.slug,
            outcome.path or ("spec", "template"),
            f"new pods of {p.manifest.ref} will not start ({outcome.status}: {outcome.message}), so {where}.{shows}",
            related=related,
            # Folded into the root cause's finding (configmap-key-missing, image-not-found...): see k8scheck.merge.
            consequence=(note_at, f"new pods of {p.manifest.ref} never become ready, so {where}{strategy}.{shows}"),
        )


def recreate_downtime(ctx, rule):
    graph = ctx.graph
    for m in ctx.of_kind("Deployment"):
        if get(m.obj, "spec", "strategy", "type") != "Recreate" or not m.name:
            continue
        routed = sorted(
            (
                e.manifest
                for e in graph.in_edges((m.kind, m.namespace, m.name), "selects")
                if e.manifest.kind == "Service"
            ),
            key=lambda s: s.name or "",
        )
        if not routed:
            continue
        service = routed[0]
        yield hit(
            m,
            rule.slug,
            ("spec", "strategy", "type"),
            f"{m.ref} uses Recreate and {service.ref} routes to it: every rollout terminates all old pods before "
            "creating "
            "new ones, so the Service has no endpoints for that window. Use RollingUpdate unless two versions must "
            "never run together.",
            related=((service, ("spec", "selector"), "routes to these pods"),),
        )
