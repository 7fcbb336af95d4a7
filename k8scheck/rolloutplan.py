"""Which rollouts an apply will start, and how each will go.

Pairs every Deployment about to be applied with the one applied now (`--from`,
`--from-git`), predicts whether the new pods will start (``simulate.pods``), and
runs the deployment controller model (``simulate.rollout``). A PodDisruptionBudget
selecting the pods turns a dip below its minAvailable into an outage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .kinds import get, pod_template
from .model import Manifest
from .simulate import simulate_rollout
from .simulate.pods import PodOutcome, predict_pod
from .simulate.podtemplate import templates_equal


@dataclass
class RolloutPrediction:
    manifest: Manifest
    result: object  # simulate.rollout.RolloutResult
    new_pods: str  # "ready" | "fail": what the simulation assumed
    pod_outcome: PodOutcome | None = None  # why new pods fail, when predicted
    pdb: Manifest | None = None
    pdb_min_available: int | None = None
    old_manifest: Manifest | None = None
    hypothetical: bool = False

    @property
    def outcome(self) -> str:
        result = self.result
        if result.outcome != "outage" and self.pdb_min_available is not None and result.replicas > 0:
            if result.min_available < self.pdb_min_available and result.initial_available >= self.pdb_min_available:
                return "outage"
        return result.outcome

    def to_json(self) -> dict:
        result = self.result
        return {
            "object": self.manifest.ref.to_json(),
            "file": self.manifest.file,
            "line": self.manifest.locate(("metadata", "name")).line,
            "strategy": result.strategy,
            "replicas": result.replicas,
            "resolved": {"maxSurge": result.max_surge, "maxUnavailable": result.max_unavailable},
            "new_pods": self.new_pods,
            "new_pods_reason": self.pod_outcome.message if self.pod_outcome else None,
            "steps": [{"events": list(s.events), "old": s.old, "new": s.new, "available": s.available} for s in result.steps],
            "events": list(result.events),
            "outcome": self.outcome,
            "min_available": result.min_available,
            "pdb": ({"name": self.pdb.name, "min_available": self.pdb_min_available} if self.pdb is not None else None),
            "kubectl": {
                "deployment": vars(result.kubectl_deployment) if result.kubectl_deployment else None,
                "replicasets": [vars(rs) for rs in result.kubectl_replicasets],
            },
        }


def _pdb_floor(ctx, manifest, replicas: int):
    """(PDB manifest, the availability it protects) for the budget covering these pods."""
    template = pod_template(manifest.obj)
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


def _shape(obj: dict, mode: str, kube_version: str):
    """What a hypothetical rollout's numbers depend on (names aside): replicas and strategy."""
    import json

    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    try:
        strategy = json.dumps(spec.get("strategy"), sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
    return (repr(spec.get("replicas")), strategy, mode, kube_version)


def predict(ctx, manifest: Manifest, old: Manifest | None, *, new_pods: str, kube_version: str, hypothetical: bool = False, image_verdicts=None, memo=None) -> RolloutPrediction:
    """One Deployment's rollout. ``hypothetical``: the next template change of an unchanged object.

    ``memo`` shares hypothetical simulations between Deployments of the same shape
    (replicas and strategy): thousands of apps usually have a handful of shapes.
    """
    outcome = None
    mode = new_pods
    if new_pods == "auto":
        outcome = predict_pod(ctx, manifest, image_verdicts)
        mode = "fail" if outcome.fails else "ready"
    if hypothetical:
        key = _shape(manifest.obj, mode, kube_version) if memo is not None else None
        result = memo.get(key) if key is not None else None
        if result is None:
            result = simulate_rollout(manifest.obj, _next_template(manifest.obj), new_pods=mode, kube_version=kube_version)
            if key is not None:
                memo[key] = result
    else:
        result = simulate_rollout(old.obj if old is not None else None, manifest.obj, new_pods=mode, kube_version=kube_version)
    pdb, floor = _pdb_floor(ctx, manifest, result.replicas)
    return RolloutPrediction(manifest, result, mode, outcome if (outcome and outcome.fails) else None, pdb, floor, old, hypothetical)


def plan(ctx, old_manifests: list[Manifest] | None, *, new_pods: str = "auto", kube_version: str, image_verdicts=None, shared: bool = False, failing_only: bool = False) -> list[RolloutPrediction]:
    """A prediction for every Deployment whose apply changes its pods (template or replicas).

    Without an old state (no --from), every Deployment is predicted as if its
    template changed next: the rollout its strategy will do on the next release.
    ``shared``: Deployments of the same shape share one simulation, whose
    ReplicaSet names and events are then those of the first of them (for rules,
    which read the numbers; never for output that prints events). ``failing_only``
    (hypothetical rollouts, new_pods auto): skip Deployments whose new pods are
    predicted to start, which is all a rule about failing rollouts needs.
    """
    memo = {} if shared else None
    olds = {}
    for old in old_manifests or ():
        if old.kind == "Deployment" and old.name:
            olds[(old.namespace, old.name)] = old
    out = []
    for manifest in sorted(ctx.of_kind("Deployment"), key=lambda m: (m.namespace or "", m.name or "", m.file)):
        if not manifest.name:
            continue
        if old_manifests is None:
            if failing_only and new_pods == "auto" and not predict_pod(ctx, manifest, image_verdicts).fails:
                continue
            out.append(predict(ctx, manifest, None, new_pods=new_pods, kube_version=kube_version, hypothetical=True, image_verdicts=image_verdicts, memo=memo))
            continue
        old = olds.get((manifest.namespace, manifest.name))
        if old is not None and templates_equal(get(old.obj, "spec", "template"), get(manifest.obj, "spec", "template")) and get(old.obj, "spec", "replicas") == get(manifest.obj, "spec", "replicas"):
            continue
        out.append(predict(ctx, manifest, old, new_pods=new_pods, kube_version=kube_version, image_verdicts=image_verdicts))
    return out
