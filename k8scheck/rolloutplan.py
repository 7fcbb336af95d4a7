"""Which rollouts an apply will start, and how each will go.

Pairs every Deployment about to be applied with the one applied now (`--from`,
`--from-git`), predicts whether the new pods will start (``simulate.pods``), and
runs the deployment controller model (``simulate.rollout``). A PodDisruptionBudget
selecting the pods turns a dip below its minAvailable into an outage.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from .kinds import containers, get
from .model import Manifest
from .simulate import simulate_rollout
from .simulate.immutable import rejections
from .simulate.pods import PodOutcome, predict_pod
from .simulate.podtemplate import templates_equal
from .simulate.rollout import RolloutResult, renamed
from .simulate.sets import simulate_daemonset, simulate_statefulset

ROLLOUT_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
UNGUARDED = (
    "complete only because nothing can hold it back: no container has a readinessProbe, so new pods count as "
    "available as soon as they start, and a release that never serves would roll out to the end just the same"
)
# Kinds whose apply the API server may refuse for an immutable field (simulate.immutable).
CHECKED_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Service")
# What a hypothetical rollout's numbers depend on: replicas, strategy (JSON), new pods mode, kube version.
ShapeKey = tuple[str, str, str]  # (the spec but its template and selector, as JSON; pod mode; Kubernetes version)
_SHAPE_JSON = json.JSONEncoder(sort_keys=True, check_circular=False)  # a loaded spec is a tree


@dataclass
class RolloutPrediction:
    manifest: Manifest
    result: RolloutResult | None  # None only for a rejected apply (nothing rolls out)
    new_pods: str  # "ready" | "fail": what the simulation assumed
    pod_outcome: PodOutcome | None = None  # why new pods fail, when predicted
    pdb: Manifest | None = None
    pdb_min_available: int | None = None
    old_manifest: Manifest | None = None
    hypothetical: bool = False
    rejected: tuple = ()  # Rejection: the API server refuses this apply, nothing rolls out

    @property
    def outcome(self) -> str:
        if self.rejected:
            return "rejected"
        result = self.result
        assert result is not None, "only a rejected apply has no simulated result"
        if result.outcome != "outage" and self.pdb_min_available is not None and result.replicas > 0:
            if result.min_available < self.pdb_min_available and result.initial_available >= self.pdb_min_available:
                return "outage"
        return result.outcome

    @property
    def unguarded(self) -> bool:
        """Predicted to complete only because no readiness probe could hold a broken release back."""
        if self.outcome != "complete" or self.new_pods != "ready" or self.pod_outcome is not None:
            return False
        template = self.manifest.template
        listed = [c for _l, _i, c in containers(template.spec, ("containers",))] if template is not None else []
        return bool(listed) and not any(isinstance(c.get("readinessProbe"), dict) for c in listed)

    def to_json(self) -> dict:
        if self.rejected:
            return {
                "object": self.manifest.ref.to_json(),
                "file": self.manifest.file,
                "line": self.manifest.locate(self.rejected[0].path).line,
                "outcome": "rejected",
                "errors": [r.message for r in self.rejected],
                "steps": [],
                "events": [],
            }
        result = self.result
        assert result is not None, "only a rejected apply has no simulated result"
        return {
            "object": self.manifest.ref.to_json(),
            "file": self.manifest.file,
            "line": self.manifest.locate(("metadata", "name")).line,
            "strategy": result.strategy,
            "replicas": result.replicas,
            "resolved": {"maxSurge": result.max_surge, "maxUnavailable": result.max_unavailable},
            "new_pods": self.new_pods,
            "new_pods_reason": self.pod_outcome.message if self.pod_outcome else None,
            "steps": [
                {"events": list(s.events), "old": s.old, "new": s.new, "available": s.available} for s in result.steps
            ],
            "events": list(result.events),
            "outcome": self.outcome,
            "notes": list(result.notes) + ([UNGUARDED] if self.unguarded else []),
            "unguarded": self.unguarded,
            "min_available": result.min_available,
            "pdb": ({"name": self.pdb.name, "min_available": self.pdb_min_available} if self.pdb is not None else None),
            "kubectl": {
                "deployment": vars(result.kubectl_deployment) if result.kubectl_deployment else None,
                "replicasets": [vars(rs) for rs in result.kubectl_replicasets],
            },
        }


def _pdb_floor(ctx, manifest, replicas: int):
    """(PDB manifest, the availability it protects) for the budget covering these pods."""
    template = manifest.template
    if template is None:
        return None, None
    best = (None, None)
    key = (manifest.kind, manifest.namespace, manifest.name)
    for edge in ctx.graph.in_edges(key, "budgets"):
        pdb = edge.manifest
        floor = _budget_floor(pdb.obj["spec"], replicas)
        if floor is not None and (best[1] is None or floor > best[1]):
            best = (pdb, floor)
    return best


def _budget_floor(spec: dict, replicas: int):
    def amount(value, round_up):
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
            scaled = int(value[:-1]) * replicas / 100
            return math.ceil(scaled) if round_up else math.floor(scaled)
        return None

    if "minAvailable" in spec:
        return amount(spec["minAvailable"], True)
    if "maxUnavailable" in spec:
        unavailable = amount(spec["maxUnavailable"], True)
        return None if unavailable is None else max(0, replicas - unavailable)
    return None


def _next_template(obj: dict) -> dict:
    """The same Deployment with its template changed, standing for 'the next rollout'."""
    changed = dict(obj)
    spec = dict(obj.get("spec") or {}) if isinstance(obj.get("spec"), dict) else {}
    template = dict(spec.get("template") or {}) if isinstance(spec.get("template"), dict) else {}
    metadata = dict(template.get("metadata") or {}) if isinstance(template.get("metadata"), dict) else {}
    annotations = dict(metadata.get("annotations") or {}) if isinstance(metadata.get("annotations"), dict) else {}
    annotations["k8scheck.io/next-rollout"] = "1"
    metadata["annotations"] = annotations
    template["metadata"] = metadata
    spec["template"] = template
    changed["spec"] = spec
    return changed


def _shape(obj: dict, mode: str, kube_version: str) -> ShapeKey | None:
    """What a hypothetical rollout's numbers depend on (names aside): every field of the spec but the
    pod template and the selector (replicas, strategy, paused, minReadySeconds, progressDeadlineSeconds,
    revisionHistoryLimit...)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None  # (its problems are its own)
    try:
        rest = _SHAPE_JSON.encode({k: v for k, v in spec.items() if k not in ("template", "selector")})
    except (TypeError, ValueError):
        return None
    return (rest, mode, kube_version)


def _next_rollout(
    obj: dict, mode: str, kube_version: str, memo: dict[ShapeKey, RolloutResult], numbers_only: bool = False
) -> RolloutResult:
    """The rollout of ``obj``'s next template change: simulated once per shape, renamed for the others
    (``numbers_only``: not renamed, the names and events are those of the first of the shape)."""
    key = _shape(obj, mode, kube_version)
    shared = memo.get(key) if key is not None else None
    if shared is not None and numbers_only:
        return shared
    changed = _next_template(obj)
    result = renamed(shared, obj, changed) if shared is not None else None
    if result is None:
        result = simulate_rollout(obj, changed, new_pods=mode, kube_version=kube_version)
        if key is not None and shared is None:
            memo[key] = result
    return result


def predict(
    ctx,
    manifest: Manifest,
    old: Manifest | None,
    *,
    new_pods: str,
    kube_version: str,
    hypothetical: bool = False,
    image_verdicts=None,
    memo: dict[ShapeKey, RolloutResult] | None = None,
    nodes: int = 1,
    pod_outcome=None,
    numbers_only: bool = False,
) -> RolloutPrediction:
    """One Deployment's rollout. ``hypothetical``: the next template change of an unchanged object.

    ``memo`` shares hypothetical simulations between Deployments of the same shape
    (their spec but the template and selector; each renamed for its Deployment):
    thousands of apps usually have a handful of shapes; ``numbers_only``: not renamed, for a
    caller that reads numbers only. ``pod_outcome``: ``predict_pod``'s answer for new pods "auto", when the
    caller has it already.
    """
    outcome = None
    mode = new_pods
    if new_pods == "auto":
        outcome = pod_outcome if pod_outcome is not None else predict_pod(ctx, manifest, image_verdicts)
        mode = "fail" if outcome.fails else "ready"
    if hypothetical:
        result = _next_rollout(manifest.obj, mode, kube_version, {} if memo is None else memo, numbers_only)
    elif manifest.kind == "StatefulSet":
        result = simulate_statefulset(old.obj if old is not None else None, manifest.obj, new_pods=mode)
    elif manifest.kind == "DaemonSet":
        result = simulate_daemonset(old.obj if old is not None else None, manifest.obj, new_pods=mode, nodes=nodes)
    else:
        result = simulate_rollout(
            old.obj if old is not None else None, manifest.obj, new_pods=mode, kube_version=kube_version
        )
    pdb, floor = _pdb_floor(ctx, manifest, result.replicas)
    return RolloutPrediction(
        manifest, result, mode, outcome if (outcome and outcome.fails) else None, pdb, floor, old, hypothetical
    )


def rejected_applies(ctx, old_manifests) -> list[RolloutPrediction]:
    """Applies the API server refuses: an immutable field changed (simulate.immutable)."""
    olds = {(m.kind, m.namespace, m.name): m for m in old_manifests or () if m.kind in CHECKED_KINDS and m.name}
    out = []
    for manifest in sorted(
        ctx.of_kind(*CHECKED_KINDS), key=lambda m: (m.namespace or "", m.name or "", m.kind, m.file)
    ):
        old = olds.get((manifest.kind, manifest.namespace, manifest.name))
        found = (
            rejections(manifest.kind, manifest.obj.get("apiVersion"), old.obj, manifest.obj) if old is not None else []
        )
        if found:
            out.append(RolloutPrediction(manifest, None, "ready", old_manifest=old, rejected=tuple(found)))
    return out


def _unchanged(old: Manifest, manifest: Manifest) -> bool:
    return templates_equal(get(old.obj, "spec", "template"), get(manifest.obj, "spec", "template")) and get(
        old.obj, "spec", "replicas"
    ) == get(manifest.obj, "spec", "replicas")


def plan(
    ctx,
    old_manifests: list[Manifest] | None,
    *,
    new_pods: str = "auto",
    kube_version: str,
    image_verdicts=None,
    failing_only: bool = False,
    numbers_only: bool = False,
    kinds: tuple = ("Deployment",),
    nodes: int = 1,
) -> list[RolloutPrediction]:
    """A prediction for every Deployment whose apply changes its pods (template or replicas).

    Without an old state (no --from), every Deployment is predicted as if its
    template changed next: the rollout its strategy will do on the next release;
    Deployments of the same shape share one simulation, renamed for each of them
    (``simulate.rollout.renamed``); ``numbers_only``: not renamed (the ReplicaSet
    names and events are those of the first of the shape), for rules that read the
    numbers only, never for output that prints events. ``failing_only``
    (hypothetical rollouts, new_pods auto): skip Deployments whose new pods are
    predicted to start, which is all a rule about failing rollouts needs.
    ``kinds``: the workloads to predict (the rules read Deployments; ``rollout`` asks for
    StatefulSets and DaemonSets too). An apply the API server rejects (an immutable field
    changed) is a prediction of its own, with outcome ``rejected`` and no steps.
    """
    memo: dict[ShapeKey, RolloutResult] = {}
    olds = {(m.kind, m.namespace, m.name): m for m in old_manifests or () if m.kind in kinds and m.name}
    out = rejected_applies(ctx, old_manifests) if old_manifests is not None else []
    refused = {id(p.manifest) for p in out}
    for manifest in sorted(ctx.of_kind(*kinds), key=lambda m: (m.namespace or "", m.name or "", m.kind, m.file)):
        if not manifest.name or id(manifest) in refused or not ctx.reports(manifest):
            continue  # (a --context file's rollouts are never reported)
        if old_manifests is None:
            if manifest.kind != "Deployment":
                continue  # no --from: only a Deployment's next rollout is predicted
            pod_outcome = predict_pod(ctx, manifest, image_verdicts) if failing_only and new_pods == "auto" else None
            if pod_outcome is not None and not pod_outcome.fails:
                continue
            out.append(
                predict(
                    ctx,
                    manifest,
                    None,
                    new_pods=new_pods,
                    kube_version=kube_version,
                    hypothetical=True,
                    image_verdicts=image_verdicts,
                    memo=memo,
                    pod_outcome=pod_outcome,
                    numbers_only=numbers_only,
                )
            )
            continue
        old = olds.get((manifest.kind, manifest.namespace, manifest.name))
        if old is not None and _unchanged(old, manifest):
            continue
        out.append(
            predict(
                ctx,
                manifest,
                old,
                new_pods=new_pods,
                kube_version=kube_version,
                image_verdicts=image_verdicts,
                nodes=nodes,
            )
        )
    return out
