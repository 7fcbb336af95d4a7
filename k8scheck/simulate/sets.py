"""StatefulSet and DaemonSet rollouts: the pods each controller deletes and creates, in order.

StatefulSet (pkg/controller/statefulset/stateful_set_control.go updateStatefulSet,
stateful_pod_control.go recordPodEvent): OrderedReady creates ``NAME-0`` .. ``NAME-(n-1)``
one at a time, each waiting for the previous to be Running and Ready; a RollingUpdate
replaces pods from the highest ordinal down to ``partition``, deleting one (or
``maxUnavailable``, feature gate MaxUnavailableStatefulSet) and waiting for its
replacement to be Ready. A replacement that never gets Ready stops the update there, and
reverting the template does not help: the controller waits for that pod to be Ready
before it touches it again, so it must be deleted by hand (the documented "forced
rollback"). Events: ``create Pod NAME-i in StatefulSet NAME successful`` (SuccessfulCreate),
``delete Pod ...`` (SuccessfulDelete).

DaemonSet (pkg/controller/daemon/update.go rollingUpdate, daemon_controller.go): one pod
per node (``nodes``); maxUnavailable (default 1) and maxSurge (default 0) are scaled with
``GetScaledValueFromIntOrPercent(value, nodes, roundUp=true)`` - percentages round UP,
unlike a Deployment's maxUnavailable. maxSurge 0: delete old pods on up to maxUnavailable
nodes, then create the new ones; a new pod that never gets Ready leaves its node without
the agent. maxSurge > 0: start the new pod next to the old one and delete the old one once
the new one is Ready. Events (controller_utils.go RealPodControl): ``Created pod: NAME``,
``Deleted pod: NAME``.

Timing model as in ``simulate.rollout``: a step is one controller pass that changed
something; pods start and terminate instantly; between passes healthy new pods get Ready.
"""

from __future__ import annotations

import hashlib

from ..kinds import get, non_negative
from .podtemplate import templates_equal
from .rollout import IntOrPercentError, RolloutResult, scaled_value

_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _spec(obj: dict) -> dict:
    """The object's spec mapping, {} when it is missing or not a mapping."""
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _suffix(seed: str) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:5])


def _result(obj: dict, strategy: str, replicas: int, surge: int = 0, unavailable: int = 0) -> RolloutResult:
    return RolloutResult(
        name=get(obj, "metadata", "name") or "?",
        namespace=get(obj, "metadata", "namespace") or "default",
        strategy=strategy,
        replicas=replicas,
        max_surge=surge,
        max_unavailable=unavailable,
    )


def _finish(result: RolloutResult, complete: bool, initial: int) -> RolloutResult:
    result.events = [e for s in result.steps for e in s.events]
    result.initial_available = initial
    result.min_available = min((s.available for s in result.steps), default=initial)
    result.final_available = result.steps[-1].available if result.steps else initial
    result.complete, result.stuck = complete, not complete
    if initial > 0 and result.replicas > 0:
        result.outage_step = next((i for i, s in enumerate(result.steps, start=1) if s.available == 0), None)
    result.outcome = "outage" if result.outage_step else ("complete" if complete else "stuck")
    return result


def _on_delete(result: RolloutResult, note: str, available: int) -> RolloutResult:
    """updateStrategy OnDelete: nothing is replaced until someone deletes the old pods."""
    result.notes.append(f"updateStrategy OnDelete: {note}")
    result.outcome = "on-delete"
    result.initial_available = result.min_available = result.final_available = available
    return result


# ----------------------------------------------------------------------------- StatefulSet


def _sts_event(verb: str, name: str, ordinal: int) -> str:
    return f"{verb} Pod {name}-{ordinal} in StatefulSet {name} successful"


def simulate_statefulset(old: dict | None, new: dict, *, new_pods: str = "ready") -> RolloutResult:
    """The StatefulSet controller's passes when ``new`` replaces ``old`` (None: creation)."""
    from .rollout import Step

    spec = _spec(new)
    name = get(new, "metadata", "name") or "statefulset"
    replicas = non_negative(spec.get("replicas"), 1)
    strategy = get(spec, "updateStrategy", "type") or "RollingUpdate"
    parallel = spec.get("podManagementPolicy") == "Parallel"
    healthy = new_pods != "fail"
    rolling = get(spec, "updateStrategy", "rollingUpdate") or {}
    partition = non_negative(rolling.get("partition") if isinstance(rolling, dict) else None, 0)
    unavailable = scaled_value(rolling.get("maxUnavailable", 1) if isinstance(rolling, dict) else 1, replicas, True)
    unavailable = 1 if isinstance(unavailable, IntOrPercentError) or unavailable < 1 else unavailable
    result = _result(new, f"StatefulSet {strategy}", replicas, 0, unavailable)
    if old is None:
        return _sts_create(result, name, replicas, parallel, healthy)
    old_spec = _spec(old)
    initial = non_negative(old_spec.get("replicas"), 1)
    if templates_equal(old_spec.get("template"), spec.get("template")):
        result.notes.append("pod template unchanged: no pod is replaced")
        return _finish(result, True, initial)
    if strategy == "OnDelete":
        return _on_delete(
            result, "the controller replaces a pod only after you delete it (kubectl delete pod)", initial
        )
    available = min(initial, replicas)
    ordinal = replicas - 1
    while ordinal >= partition:
        batch = list(range(ordinal, max(partition, ordinal - unavailable + 1) - 1, -1))
        available -= len(batch)
        result.steps.append(
            Step(
                [_sts_event("delete", name, i) for i in batch],
                ordinal - len(batch) + 1,
                replicas - ordinal - 1,
                available,
            )
        )
        result.steps.append(
            Step(
                [_sts_event("create", name, i) for i in batch],
                ordinal - len(batch) + 1,
                replicas - ordinal - 1 + len(batch),
                available,
            )
        )
        if not healthy:
            broken = batch[-1]
            result.notes.append(
                f"{name}-{broken} never becomes Running and Ready, so the update stops there (updateStatefulSet waits "
                "for it); "
                f"reverting the template does not unstick it: revert, then kubectl delete pod {name}-{broken} (forced "
                "rollback)"
            )
            return _finish(result, False, initial)
        available += len(batch)
        ordinal -= len(batch)
    if partition:
        result.notes.append(f"partition {partition}: pods {name}-0 .. {name}-{partition - 1} keep the old template")
    return _finish(result, True, initial)


def _sts_create(result, name, replicas, parallel, healthy):
    from .rollout import Step

    if parallel:
        result.steps.append(Step([_sts_event("create", name, i) for i in range(replicas)], 0, replicas, 0))
        return _finish(result, healthy, 0)
    for i in range(replicas):
        result.steps.append(Step([_sts_event("create", name, i)], 0, i + 1, i))
        if not healthy:
            result.notes.append(
                f"OrderedReady: {name}-{i} never becomes Running and Ready, so {name}-{i + 1} is never created"
            )
            return _finish(result, False, 0)
    return _finish(result, True, 0)


# ----------------------------------------------------------------------------- DaemonSet


def simulate_daemonset(old: dict | None, new: dict, *, new_pods: str = "ready", nodes: int = 1) -> RolloutResult:
    """The DaemonSet controller's passes over ``nodes`` nodes when ``new`` replaces ``old``."""
    from .rollout import Step

    spec = _spec(new)
    name = get(new, "metadata", "name") or "daemonset"
    strategy = get(spec, "updateStrategy", "type") or "RollingUpdate"
    rolling = get(spec, "updateStrategy", "rollingUpdate")
    rolling = rolling if isinstance(rolling, dict) else {}
    surge = scaled_value(rolling.get("maxSurge", 0), nodes, True)
    unavailable = scaled_value(rolling.get("maxUnavailable", 1), nodes, True)
    surge = 0 if isinstance(surge, IntOrPercentError) else surge
    unavailable = 1 if isinstance(unavailable, IntOrPercentError) else unavailable
    if surge == 0 and unavailable == 0:
        unavailable = 1
    result = _result(new, f"DaemonSet {strategy}", nodes, surge, unavailable)
    healthy = new_pods != "fail"
    pod = lambda node, rev: f"{name}-{_suffix(f'{name}/{rev}/{node}')}"  # noqa: E731
    if old is None:
        result.steps.append(Step([f"Created pod: {pod(n, 'new')}" for n in range(nodes)], 0, nodes, 0))
        return _finish(result, healthy, 0)
    if templates_equal(get(old, "spec", "template"), spec.get("template")):
        return _finish(result, True, nodes)
    if strategy == "OnDelete":
        return _on_delete(result, "a node gets the new pod only after you delete its old one", nodes)
    return (_ds_surge if surge else _ds_unavailable)(result, name, nodes, surge or unavailable, healthy, pod)


def _ds_unavailable(result, name, nodes, budget, healthy, pod):
    from .rollout import Step

    available, node = nodes, 0
    while node < nodes:
        batch = list(range(node, min(nodes, node + budget)))
        available -= len(batch)
        result.steps.append(
            Step([f"Deleted pod: {pod(n, 'old')}" for n in batch], nodes - node - len(batch), node, available)
        )
        result.steps.append(
            Step(
                [f"Created pod: {pod(n, 'new')}" for n in batch],
                nodes - node - len(batch),
                node + len(batch),
                available,
            )
        )
        if not healthy:
            result.notes.append(
                f"the new pod on {len(batch)} node(s) never becomes Ready, so the update stops with maxUnavailable "
                "used up: "
                f"{len(batch)} node(s) left without a working {name} agent (its old pod is gone, its new pod is not "
                "Ready)"
            )
            return _finish(result, False, nodes)
        available += len(batch)
        node += len(batch)
    return _finish(result, True, nodes)


def _ds_surge(result, name, nodes, budget, healthy, pod):
    from .rollout import Step

    node = 0
    while node < nodes:
        batch = list(range(node, min(nodes, node + budget)))
        result.steps.append(
            Step([f"Created pod: {pod(n, 'new')}" for n in batch], nodes - node, node + len(batch), nodes)
        )
        if not healthy:
            result.notes.append(
                "maxSurge: the new pods never become Ready, so the old pods keep running on every node; the update "
                "stops"
            )
            return _finish(result, False, nodes)
        result.steps.append(
            Step([f"Deleted pod: {pod(n, 'old')}" for n in batch], nodes - node - len(batch), node + len(batch), nodes)
        )
        node += len(batch)
    return _finish(result, True, nodes)
