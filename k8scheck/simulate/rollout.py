"""A pure, deterministic model of the Kubernetes deployment controller.

Given the Deployment as applied now and the Deployment about to be applied, predict the
sequence of ReplicaSet scalings (with the exact ``ScalingReplicaSet`` event texts) the
controller will perform, and whether the rollout completes, gets stuck or takes the
application down.

The arithmetic follows kubernetes/kubernetes (read, not copied):
pkg/controller/deployment/{deployment_controller.go (syncDeployment, isScalingEvent),
rolling.go, recreate.go, sync.go (getNewReplicaSet, scale, scaleReplicaSet)},
pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts, MaxUnavailable,
MaxSurge, NewRSNewReplicas, IsSaturated, FindActiveOrLatest, GetReplicaSetProportion)
and apimachinery intstr.GetScaledValueFromIntOrPercent.

Timing model (documented because the controller itself has no clock here):

* A *step* is one ``syncDeployment`` pass that changed something (scaled or created a
  ReplicaSet).  Passes that change nothing are not recorded.
* Pods take no time to be created or to terminate: a scale-down removes the pods at
  once (unavailable pods first, as the ReplicaSet controller does), a scale-up creates
  pods that are *not yet available*.
* Between two passes every pod that can become available does so: pods of old
  ReplicaSets that were available stay available (and new pods of a healthy old RS
  become available), pods of the new ReplicaSet become available when
  ``new_pods == "ready"`` and never when ``new_pods == "fail"``.
* ``Step.available`` is the availability right after the pass (before the pods
  started by that pass become ready): the number a PodDisruptionBudget or a Service
  would see in the worst moment of that step.
* minReadySeconds, progressDeadlineSeconds and revisionHistoryLimit cleanup are not
  modelled (they change timing and status conditions, not the scaling sequence).

With these rules the seed's real 6-event sequence (replicas 3, 25%/25%) comes out
exactly; see tests/test_rollout.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from k8scheck.kinds import get, non_negative
from k8scheck.problem import Problem
from k8scheck.simulate.podtemplate import TemplateIdentity, identify, replicaset_name_of, template_hash
from k8scheck.versions import NEWEST_KUBE_VERSION, NEWEST_KUBE_VERSION_TUPLE

ROLLING = "RollingUpdate"
RECREATE = "Recreate"
DEFAULT_PERCENT = "25%"
# (major, minor): NEWEST_KUBE_VERSION is a minor version, "1.NN"
LATEST_KUBE_VERSION: tuple[int, int] = (NEWEST_KUBE_VERSION_TUPLE[0], NEWEST_KUBE_VERSION_TUPLE[1])
# kube_version from which event texts read "from M to N" (PR #125118, v1.32).
FROM_TO_SINCE = (1, 32)
INVALID_VALUE_RULE = "rollout-invalid-value"

Outcome = Literal["complete", "stuck", "outage", "paused", "on-delete"]
DEFAULT_PROGRESS_DEADLINE = 600  # pkg/apis/apps/v1/defaults.go
DEFAULT_HISTORY_LIMIT = 10


# --------------------------------------------------------------------------------------
# int-or-percent arithmetic (apimachinery intstr, deployment_util.go)
# --------------------------------------------------------------------------------------


class IntOrPercentError(ValueError):
    """An unusable maxSurge / maxUnavailable value (returned, never raised by this module)."""

    def __repr__(self) -> str:  # stable text in test output
        return f"IntOrPercentError({str(self)!r})"


_PERCENT_RE = re.compile(r"^([+-]?[0-9]+)%$")
_INT32_MAX = 2**31 - 1


def _parse_int_or_percent(value: Any) -> tuple[int, bool] | IntOrPercentError:
    """(number, is_percent) the way intstr reads an IntOrString, or an error value."""
    if isinstance(value, bool):
        return IntOrPercentError(f"invalid value {value!r}: neither int nor percentage")
    if isinstance(value, int):
        return value, False
    if isinstance(value, str):
        match = _PERCENT_RE.match(value)
        if not match:
            if value.endswith("%"):
                return IntOrPercentError(f"invalid value {value!r}: not a number before '%'")
            return IntOrPercentError(f"invalid value {value!r}: string is not a percentage")
        number = int(match.group(1))
        if abs(number) > 2**63 - 1:
            return IntOrPercentError(f"invalid value {value!r}: out of range")
        return number, True
    return IntOrPercentError(f"invalid value {value!r}: neither int nor percentage")


def scaled_value(value: Any, total: int, round_up: bool) -> int | IntOrPercentError:
    """intstr.GetScaledValueFromIntOrPercent: ints verbatim, percents of ``total``.

    Percent math is float64 like Go: ``ceil(pct * total / 100)`` when rounding up,
    ``floor(...)`` otherwise.  ``None`` is an error (the Go function rejects nil).
    """
    if value is None:
        return IntOrPercentError("nil value for IntOrString")
    parsed = _parse_int_or_percent(value)
    if isinstance(parsed, IntOrPercentError):
        return parsed
    number, is_percent = parsed
    if not is_percent:
        return number
    scaled = float(number) * float(total) / 100
    return int(math.ceil(scaled)) if round_up else int(math.floor(scaled))


def resolve_fenceposts(max_surge: Any, max_unavailable: Any, replicas: int) -> tuple[int, int] | IntOrPercentError:
    """ResolveFenceposts: ``(surge, unavailable)`` or an :class:`IntOrPercentError` value.

    ``None`` counts as 0; surge rounds up, unavailable rounds down; if both resolve to 0,
    unavailable becomes 1 (so a rollout can always make progress).
    """
    surge = scaled_value(0 if max_surge is None else max_surge, replicas, True)
    if isinstance(surge, IntOrPercentError):
        return surge
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, replicas, False)
    if isinstance(unavailable, IntOrPercentError):
        return unavailable
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


# --------------------------------------------------------------------------------------
# Deployment spec, read defensively
# --------------------------------------------------------------------------------------


@dataclass
class DeploymentSpec:
    """The parts of a Deployment the controller's arithmetic needs, with k8s defaults."""

    name: str = "deployment"
    namespace: str = "default"
    replicas: int = 1
    strategy: str = ROLLING
    max_surge: Any = DEFAULT_PERCENT  # raw IntOrString, defaulted; None for Recreate
    max_unavailable: Any = DEFAULT_PERCENT
    paused: bool = False
    template: Any = None
    problems: list = field(default_factory=list)
    progress_deadline: int | None = DEFAULT_PROGRESS_DEADLINE  # None: no deadline (MaxInt32)
    min_ready_seconds: int = 0
    history_limit: int = DEFAULT_HISTORY_LIMIT


def parse_deployment(obj: Any) -> DeploymentSpec:
    """Read a decoded Deployment manifest; never raises.

    Absent fields take the Kubernetes defaults (pkg/apis/apps/v1/defaults.go): replicas 1,
    strategy RollingUpdate, maxSurge/maxUnavailable 25%.  Unusable values are reported in
    ``problems`` (k8scheck Problem, rule ``rollout-invalid-value``) and replaced by the
    default so the simulation can still run.
    """
    spec = DeploymentSpec()
    problems = spec.problems
    if isinstance(obj, DeploymentSpec):
        return obj
    if not isinstance(obj, dict):
        problems.append(Problem(INVALID_VALUE_RULE, (), f"Deployment is not a mapping: {type(obj).__name__}"))
        return spec

    spec.name, spec.namespace = _name_and_namespace(obj)
    body = _mapping(obj.get("spec"), ("spec",), "spec is not a mapping", problems)
    _parse_replicas(body, spec)
    spec.paused = body.get("paused") is True
    spec.template = body.get("template")
    _parse_timing(body, spec)

    strategy = _mapping(body.get("strategy"), ("spec", "strategy"), "strategy is not a mapping", problems)
    _parse_strategy_type(strategy, spec)
    if spec.strategy == RECREATE:
        spec.max_surge = None
        spec.max_unavailable = None
        if strategy.get("rollingUpdate") is not None:
            problems.append(
                Problem(
                    INVALID_VALUE_RULE,
                    ("spec", "strategy", "rollingUpdate"),
                    "rollingUpdate may not be set when strategy type is Recreate (Forbidden)",
                    at="key",
                )
            )
        return spec
    rolling = _mapping(
        strategy.get("rollingUpdate"), ("spec", "strategy", "rollingUpdate"), "rollingUpdate is not a mapping", problems
    )
    _parse_rolling_update(rolling, spec)
    return spec


def _name_and_namespace(obj: Any) -> tuple[str, str]:
    """The Deployment's name and namespace, or the defaults where they are not usable strings."""
    name = get(obj, "metadata", "name")
    namespace = get(obj, "metadata", "namespace")
    return (
        name if isinstance(name, str) and name else DeploymentSpec.name,
        namespace if isinstance(namespace, str) and namespace else DeploymentSpec.namespace,
    )


def _mapping(value: Any, path: tuple, complaint: str, problems: list) -> dict:
    """``value`` when it is a mapping; absent is empty; anything else is reported and read as empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(INVALID_VALUE_RULE, path, complaint))
        return {}
    return value


def _parse_replicas(body: dict, spec: DeploymentSpec) -> None:
    replicas = body.get("replicas")
    if replicas is None:
        spec.replicas = 1
    elif isinstance(replicas, bool) or not isinstance(replicas, int):
        spec.problems.append(
            Problem(INVALID_VALUE_RULE, ("spec", "replicas"), f"replicas {replicas!r} is not an integer; assuming 1")
        )
    elif replicas < 0:
        spec.problems.append(
            Problem(INVALID_VALUE_RULE, ("spec", "replicas"), f"replicas {replicas} is negative; assuming 0")
        )
        spec.replicas = 0
    else:
        spec.replicas = replicas


def _parse_strategy_type(strategy: dict, spec: DeploymentSpec) -> None:
    stype = strategy.get("type")
    if stype is None or stype == ROLLING:
        spec.strategy = ROLLING
    elif stype == RECREATE:
        spec.strategy = RECREATE
    else:
        spec.problems.append(
            Problem(
                INVALID_VALUE_RULE,
                ("spec", "strategy", "type"),
                f"strategy type {stype!r} is neither RollingUpdate nor Recreate; assuming RollingUpdate",
            )
        )
        spec.strategy = ROLLING


def _parse_rolling_update(rolling: dict, spec: DeploymentSpec) -> None:
    """maxSurge and maxUnavailable, each validated as the API server does, and never both 0."""
    spec.max_surge = _surge_or_unavailable(rolling, "maxSurge", spec.problems)
    spec.max_unavailable = _surge_or_unavailable(rolling, "maxUnavailable", spec.problems)
    if _is_zero(spec.max_surge) and _is_zero(spec.max_unavailable):
        spec.problems.append(
            Problem(
                INVALID_VALUE_RULE,
                ("spec", "strategy", "rollingUpdate", "maxUnavailable"),
                "maxUnavailable may not be 0 when maxSurge is 0 (the API server rejects this Deployment)",
            )
        )


def _is_zero(value: Any) -> bool:
    """A maxSurge / maxUnavailable of 0 (or 0%); _surge_or_unavailable only returns values that parse."""
    parsed = _parse_int_or_percent(value)
    return not isinstance(parsed, IntOrPercentError) and parsed[0] == 0


def _surge_or_unavailable(rolling: dict, key: str, problems: list) -> Any:
    value = rolling.get(key)
    if value is None:
        return DEFAULT_PERCENT
    parsed = _parse_int_or_percent(value)
    bad = None
    if isinstance(parsed, IntOrPercentError):
        bad = str(parsed)
    elif parsed[0] < 0:
        bad = f"{value!r} must be greater than or equal to 0"
    elif key == "maxUnavailable" and parsed[1] and parsed[0] > 100:
        bad = f"{value!r} must not be greater than 100%"
    if bad is None:
        return value
    problems.append(
        Problem(
            INVALID_VALUE_RULE,
            ("spec", "strategy", "rollingUpdate", key),
            f"{key}: {bad}; simulating with the default {DEFAULT_PERCENT}",
        )
    )
    return DEFAULT_PERCENT


def _parse_timing(body: dict, spec: DeploymentSpec) -> None:
    """minReadySeconds, progressDeadlineSeconds, revisionHistoryLimit, and their validation.

    ValidateDeploymentSpec: ``spec.progressDeadlineSeconds: Invalid value: N: must be
    greater than minReadySeconds`` when both are set and the deadline is not larger.
    """
    ready = body.get("minReadySeconds")
    spec.min_ready_seconds = ready if isinstance(ready, int) and not isinstance(ready, bool) and ready >= 0 else 0
    deadline = body.get("progressDeadlineSeconds")
    if isinstance(deadline, int) and not isinstance(deadline, bool):
        spec.progress_deadline = None if deadline >= _INT32_MAX else deadline
        if deadline <= spec.min_ready_seconds:
            spec.problems.append(
                Problem(
                    INVALID_VALUE_RULE,
                    ("spec", "progressDeadlineSeconds"),
                    f"spec.progressDeadlineSeconds: Invalid value: {deadline}: must be greater than minReadySeconds "
                    f"({spec.min_ready_seconds}); the API server rejects this Deployment",
                )
            )
    limit = body.get("revisionHistoryLimit")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0:
        spec.history_limit = limit


def _spec(deployment: Any) -> DeploymentSpec:
    return deployment if isinstance(deployment, DeploymentSpec) else parse_deployment(deployment)


def max_unavailable(deployment: Any) -> int:
    """MaxUnavailable: 0 unless RollingUpdate with replicas > 0; never more than replicas."""
    d = _spec(deployment)
    if d.strategy != ROLLING or d.replicas == 0:
        return 0
    fence = resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas)
    if isinstance(fence, IntOrPercentError):  # "Error caught by validation": Go returns 0
        return 0
    return min(fence[1], d.replicas)


def max_surge(deployment: Any) -> int:
    """MaxSurge: 0 unless RollingUpdate; the resolved surge fencepost otherwise."""
    d = _spec(deployment)
    if d.strategy != ROLLING:
        return 0
    fence = resolve_fenceposts(d.max_surge, d.max_unavailable, d.replicas)
    if isinstance(fence, IntOrPercentError):
        return 0
    return fence[0]


def min_available(deployment: Any) -> int:
    """MinAvailable: replicas - MaxUnavailable for RollingUpdate, 0 for Recreate."""
    d = _spec(deployment)
    if d.strategy != ROLLING:
        return 0
    return d.replicas - max_unavailable(d)


def new_rs_new_replicas(
    deployment: Any, all_rs_replicas: Iterable[int] | int, new_rs_replicas: int
) -> int | IntOrPercentError:
    """NewRSNewReplicas: how big the new ReplicaSet may be now.

    ``all_rs_replicas`` is the spec.replicas of every ReplicaSet the controller passes in
    (or their sum).  Recreate: always ``replicas``.  RollingUpdate: grow the new RS into
    the room left under ``replicas + maxSurge`` (surge scaled directly, rounding up),
    never past ``replicas``.
    """
    d = _spec(deployment)
    if d.strategy == RECREATE:
        return d.replicas
    surge = scaled_value(d.max_surge, d.replicas, True)
    if isinstance(surge, IntOrPercentError):
        return surge
    current = all_rs_replicas if isinstance(all_rs_replicas, int) else sum(all_rs_replicas)
    max_total = d.replicas + surge
    if current >= max_total:
        return new_rs_replicas
    scale_up = min(max_total - current, d.replicas - new_rs_replicas)
    return new_rs_replicas + scale_up


# --------------------------------------------------------------------------------------
# Event texts
# --------------------------------------------------------------------------------------


def parse_kube_version(kube_version: Any) -> tuple[int, int]:
    """``"1.29"``, ``"v1.32.3"`` -> (1, 29), (1, 32); anything else -> the latest modelled."""
    if isinstance(kube_version, str):
        match = re.match(r"^v?(\d+)\.(\d+)", kube_version.strip())
        if match:
            return int(match.group(1)), int(match.group(2))
    return LATEST_KUBE_VERSION


def scaling_event(
    kube_version: Any, rs_name: str, old: int, new: int, *, created: bool = False, op: str | None = None
) -> str:
    """The ScalingReplicaSet message for one scale, in the text of ``kube_version``.

    Before 1.32: ``Scaled up replica set X to N`` (creation), ``Scaled up|down replica set
    X to N from M``.  From 1.32: ``Scaled up replica set X from 0 to N`` and ``Scaled
    up|down replica set X from M to N``.  ``op`` overrides up/down (``scale()`` in sync.go
    words every event of a proportional scale with the overall direction).
    """
    if op is None:
        op = "up" if new > old else "down"
    modern = parse_kube_version(kube_version) >= FROM_TO_SINCE
    if created:
        return (
            f"Scaled up replica set {rs_name} from 0 to {new}"
            if modern
            else f"Scaled up replica set {rs_name} to {new}"
        )
    if modern:
        return f"Scaled {op} replica set {rs_name} from {old} to {new}"
    return f"Scaled {op} replica set {rs_name} to {new} from {old}"


# --------------------------------------------------------------------------------------
# ReplicaSet state and the controller passes
# --------------------------------------------------------------------------------------


@dataclass
class ReplicaSetState:
    """One ReplicaSet as the controller sees it.

    ``created`` orders creation (larger = newer).  ``healthy`` says whether its pods
    become available (between passes).  ``desired_replicas``/``max_replicas`` are the
    ``deployment.kubernetes.io/desired-replicas`` / ``max-replicas`` annotations.
    """

    name: str
    replicas: int
    available: int = 0
    created: int = 0
    revision: int = 0
    desired_replicas: int | None = None
    max_replicas: int | None = None
    healthy: bool = True
    template_hash: str | None = None


def _annotation_int(annotations: Any, key: str) -> int | None:
    if not isinstance(annotations, dict):
        return None
    value = annotations.get(key)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def replicaset_from_manifest(obj: Any, index: int = 0) -> ReplicaSetState | None:
    """A ReplicaSet manifest (``kubectl get rs -o yaml`` item) -> state; None if unusable."""
    if isinstance(obj, ReplicaSetState):
        return obj
    if not isinstance(obj, dict):
        return None
    name = get(obj, "metadata", "name")
    if not isinstance(name, str) or not name:
        return None
    replicas = non_negative(get(obj, "spec", "replicas"), 1)
    status_available = get(obj, "status", "availableReplicas")
    available = non_negative(status_available, replicas) if status_available is not None else replicas
    annotations = get(obj, "metadata", "annotations")
    template = get(obj, "spec", "template")
    return ReplicaSetState(
        name=name,
        replicas=replicas,
        available=min(available, replicas),
        created=index,
        revision=_annotation_int(annotations, "deployment.kubernetes.io/revision") or 0,
        desired_replicas=_annotation_int(annotations, "deployment.kubernetes.io/desired-replicas"),
        max_replicas=_annotation_int(annotations, "deployment.kubernetes.io/max-replicas"),
        healthy=min(available, replicas) == replicas,
        template_hash=template_hash(template) if template is not None else None,
    )


def _round_half_away(x: float) -> int:
    """Go math.Round (integer.RoundToInt32): halves round away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


class _Controller:
    """The deployment controller's decisions over an in-memory list of ReplicaSets."""

    def __init__(
        self,
        d: DeploymentSpec,
        rss: list[ReplicaSetState],
        kube_version: Any,
        new_hash: str,
        new_rs_name: str,
        new_pods_ready: bool,
    ):
        self.d = d
        self.rss = rss
        self.kube_version = kube_version
        self.new_hash = new_hash
        self.new_rs_name = new_rs_name
        self.new_pods_ready = new_pods_ready
        self.events: list[str] = []

    # -- helpers ------------------------------------------------------------------
    def new_rs(self) -> ReplicaSetState | None:
        matches = [rs for rs in self.rss if rs.template_hash == self.new_hash]
        return min(matches, key=lambda rs: rs.created) if matches else None  # oldest wins

    def old_rss(self) -> list[ReplicaSetState]:
        new = self.new_rs()
        return sorted((rs for rs in self.rss if rs is not new), key=lambda rs: rs.created)

    def _annotate(self, rs: ReplicaSetState) -> None:
        rs.desired_replicas = self.d.replicas
        rs.max_replicas = self.d.replicas + max_surge(self.d)

    def _scale(self, rs: ReplicaSetState, new_size: int, op: str | None = None) -> bool:
        """scaleReplicaSet: set size and replica annotations; event when the size changes."""
        old_size = rs.replicas
        self._annotate(rs)
        if old_size == new_size:
            return False
        rs.replicas = new_size
        rs.available = min(rs.available, new_size)  # pods go at once, unavailable first
        self.events.append(scaling_event(self.kube_version, rs.name, old_size, new_size, op=op))
        return True

    def _scale_and_record(self, rs: ReplicaSetState, new_size: int) -> bool:
        """scaleReplicaSetAndRecordEvent: nothing at all when the size is unchanged."""
        if rs.replicas == new_size:
            return False
        return self._scale(rs, new_size)

    def _create_new_rs(self) -> ReplicaSetState:
        """getNewReplicaSet(createIfNotExisted=true) for a template with no ReplicaSet yet."""
        olds = self.old_rss()
        count = new_rs_new_replicas(self.d, [rs.replicas for rs in olds], 0)
        if isinstance(count, IntOrPercentError):  # parse_deployment already replaced bad values
            count = 0
        rs = ReplicaSetState(
            name=self.new_rs_name,
            replicas=count,
            available=0,
            created=max((r.created for r in self.rss), default=0) + 1,
            revision=max((r.revision for r in olds), default=0) + 1,
            healthy=self.new_pods_ready,
            template_hash=self.new_hash,
        )
        self._annotate(rs)
        self.rss.append(rs)
        if count > 0:
            self.events.append(scaling_event(self.kube_version, rs.name, 0, count, created=True))
        return rs

    # -- syncDeployment -----------------------------------------------------------
    def sync(self) -> bool:
        """One syncDeployment pass; True when it scaled or created something."""
        if self.d.paused or self.is_scaling_event():
            return self.scale()
        if self.d.strategy == RECREATE:
            return self.rollout_recreate()
        return self.rollout_rolling()

    def is_scaling_event(self) -> bool:
        for rs in self.rss:
            if rs.replicas > 0 and rs.desired_replicas is not None and rs.desired_replicas != self.d.replicas:
                return True
        return False

    # -- sync.go scale() ----------------------------------------------------------
    def scale(self) -> bool:
        d = self.d
        new = self.new_rs()
        olds = self.old_rss()
        active = [rs for rs in ([*olds, new] if new else olds) if rs.replicas > 0]

        # FindActiveOrLatest: one active RS (or none: the newest) takes all replicas.
        if len(active) <= 1:
            if active:
                target = active[0]
            elif new is not None:
                target = new
            elif olds:
                target = olds[-1]
            else:
                return False
            if target.replicas == d.replicas:
                return False
            return self._scale_and_record(target, d.replicas)

        # A saturated new RS: the old ones go to zero.
        if (
            new is not None
            and new.replicas == d.replicas
            and new.desired_replicas == d.replicas
            and new.available == d.replicas
        ):
            changed = False
            for rs in olds:
                if rs.replicas > 0:
                    changed = self._scale_and_record(rs, 0) or changed
            return changed

        if d.strategy != ROLLING:
            return False

        surge = max_surge(d)
        allowed = d.replicas + surge if d.replicas > 0 else 0
        to_add = allowed - sum(rs.replicas for rs in active)
        if to_add > 0:  # larger first; ties: newer first
            ordered = sorted(active, key=lambda rs: (-rs.replicas, -rs.created))
            op = "up"
        elif to_add < 0:  # larger first; ties: older first
            ordered = sorted(active, key=lambda rs: (-rs.replicas, rs.created))
            op = "down"
        else:
            ordered = list(active)
            op = ""
        status_replicas = sum(rs.replicas for rs in self.rss)
        sizes: dict[int, int] = {}
        added = 0
        for rs in ordered:
            if to_add != 0:
                proportion = _proportion(rs, d, surge, to_add, added, status_replicas)
                sizes[id(rs)] = rs.replicas + proportion
                added += proportion
            else:
                sizes[id(rs)] = rs.replicas
        changed = False
        for i, rs in enumerate(ordered):
            if i == 0 and to_add != 0:
                sizes[id(rs)] = max(0, sizes[id(rs)] + (to_add - added))
            changed = self._scale(rs, sizes[id(rs)], op=op or None) or changed
        return changed

    # -- rolling.go ---------------------------------------------------------------
    def rollout_rolling(self) -> bool:
        changed = False
        new = self.new_rs()
        if new is None:
            new = self._create_new_rs()
            changed = new.replicas > 0
        if self.reconcile_new(new):
            return True
        if self.reconcile_old(new):
            return True
        return changed

    def reconcile_new(self, new: ReplicaSetState) -> bool:
        d = self.d
        if new.replicas == d.replicas:
            return False
        if new.replicas > d.replicas:
            return self._scale_and_record(new, d.replicas)
        count = new_rs_new_replicas(d, [rs.replicas for rs in self.rss], new.replicas)
        if isinstance(count, IntOrPercentError):
            return False
        return self._scale_and_record(new, count)

    def reconcile_old(self, new: ReplicaSetState) -> bool:
        d = self.d
        olds = [rs for rs in self.old_rss() if rs.replicas > 0]
        if sum(rs.replicas for rs in olds) == 0:
            return False
        all_pods = sum(rs.replicas for rs in self.rss)
        min_avail = d.replicas - max_unavailable(d)
        new_unavailable = new.replicas - new.available
        max_scaled_down = all_pods - min_avail - new_unavailable
        if max_scaled_down <= 0:
            return False
        cleaned = self.cleanup_unhealthy(olds, max_scaled_down)
        scaled = self.scale_down_old_for_rolling(olds)
        return cleaned + scaled > 0

    def cleanup_unhealthy(self, olds: list[ReplicaSetState], max_cleanup: int) -> int:
        """cleanupUnhealthyReplicas: oldest first, drop pods that are not available."""
        cleaned = 0
        for rs in sorted(olds, key=lambda r: r.created):
            if cleaned >= max_cleanup:
                break
            if rs.replicas == 0 or rs.replicas == rs.available:
                continue
            count = min(max_cleanup - cleaned, rs.replicas - rs.available)
            self._scale_and_record(rs, rs.replicas - count)
            cleaned += count
        return cleaned

    def scale_down_old_for_rolling(self, olds: list[ReplicaSetState]) -> int:
        """scaleDownOldReplicaSetsForRollingUpdate: keep replicas - maxUnavailable available."""
        min_avail = self.d.replicas - max_unavailable(self.d)
        available = sum(rs.available for rs in self.rss)
        if available <= min_avail:
            return 0
        budget = available - min_avail
        scaled = 0
        for rs in sorted(olds, key=lambda r: r.created):
            if scaled >= budget:
                break
            if rs.replicas == 0:
                continue
            count = min(rs.replicas, budget - scaled)
            self._scale_and_record(rs, rs.replicas - count)
            scaled += count
        return scaled

    # -- recreate.go --------------------------------------------------------------
    def rollout_recreate(self) -> bool:
        new = self.new_rs()
        changed = False
        for rs in self.old_rss():  # scaleDownOldReplicaSetsForRecreate
            if rs.replicas > 0:
                changed = self._scale_and_record(rs, 0) or changed
        if changed:
            return True
        # oldPodsRunning: pods terminate instantly in this model, so nothing waits here.
        if new is None:
            new = self._create_new_rs()
            changed = new.replicas > 0
        return self._scale_and_record(new, self.d.replicas) or changed  # scaleUpNewReplicaSetForRecreate

    # -- the world between passes -------------------------------------------------
    def settle(self) -> bool:
        """Pods that can become available do; True if anything changed."""
        changed = False
        for rs in self.rss:
            target = rs.replicas if rs.healthy else min(rs.available, rs.replicas)
            if target != rs.available:
                rs.available = target
                changed = True
        return changed


def _proportion(
    rs: ReplicaSetState, d: DeploymentSpec, surge: int, to_add: int, added: int, status_replicas: int
) -> int:
    """GetReplicaSetProportion / getReplicaSetFraction."""
    if rs.replicas == 0 or to_add == 0 or to_add == added:
        return 0
    if d.replicas == 0:
        fraction = -rs.replicas
    else:
        deployment_max = d.replicas + surge
        annotated = rs.max_replicas
        if not annotated:
            # No annotation: Kubernetes falls back to the Deployment's status.replicas,
            # the pods that exist; with instant pods that is the sum of the RS sizes.
            annotated = status_replicas
        if not annotated:
            fraction = 0
        else:
            fraction = _round_half_away(rs.replicas * deployment_max / annotated) - rs.replicas
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


# --------------------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One controller pass that changed something, and the state right after it."""

    events: list
    old: int  # sum of spec.replicas of the old ReplicaSets
    new: int  # spec.replicas of the new ReplicaSet
    available: int  # available pods (all ReplicaSets) right after the pass


@dataclass(frozen=True)
class KubectlDeployment:
    """What ``kubectl get deploy`` shows (READY, UP-TO-DATE, AVAILABLE)."""

    name: str
    ready: str
    up_to_date: int
    available: int


@dataclass(frozen=True)
class KubectlReplicaSet:
    """What ``kubectl get rs`` shows for one ReplicaSet (DESIRED, CURRENT, READY)."""

    name: str
    desired: int
    current: int
    ready: int


@dataclass
class RolloutResult:
    """What the simulator predicts for one apply.

    ``outcome``: ``"outage"`` when a step leaves 0 pods available although pods were
    available before and ``replicas > 0`` (first step index in ``outage_step``; a
    Recreate always has one); otherwise ``"stuck"`` when the rollout stops short of
    ``replicas`` available new pods with no old ones left (``stuck``), else
    ``"complete"``.  ``min_available`` is the lowest ``Step.available`` (the initial
    availability when there are no steps) - compare it with a PodDisruptionBudget.
    ``kubectl_*`` are the ``kubectl get deploy`` / ``kubectl get rs`` rows once the
    controller has nothing left to do (the stuck picture when stuck).
    """

    name: str
    namespace: str
    strategy: str
    replicas: int
    max_surge: int  # resolved (0 for Recreate)
    max_unavailable: int  # resolved (0 for Recreate)
    steps: list = field(default_factory=list)
    events: list = field(default_factory=list)
    outcome: Outcome = "complete"
    min_available: int = 0
    initial_available: int = 0
    final_available: int = 0
    complete: bool = False
    stuck: bool = False
    old_rs_names: list = field(default_factory=list)
    new_rs_name: str = ""
    new_replicaset_created: bool = False
    kubectl_deployment: KubectlDeployment | None = None
    kubectl_replicasets: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    outage_step: int | None = None  # 1-based index of the first step with 0 available
    progress_deadline: int | None = None  # seconds after which a stuck Deployment reports ProgressDeadlineExceeded
    deleted_replicasets: list = field(default_factory=list)  # cleanupDeployment (revisionHistoryLimit)
    new_revision: int = 0  # deployment.kubernetes.io/revision of the new ReplicaSet

    def to_dict(self) -> dict:
        """Plain JSON-ready data (problems as dicts, tuples as lists)."""
        data = asdict(self)
        data["problems"] = [{"rule": p.rule, "path": list(p.path), "message": p.message} for p in self.problems]
        return data


def _kubectl_views(name: str, replicas: int, rss: list[ReplicaSetState], new: ReplicaSetState | None):
    ready = sum(rs.available for rs in rss)
    dep = KubectlDeployment(
        name=name,
        ready=f"{ready}/{replicas}",
        up_to_date=new.replicas if new is not None else 0,
        available=ready,
    )
    rows = [
        KubectlReplicaSet(rs.name, rs.replicas, rs.replicas, rs.available) for rs in sorted(rss, key=lambda r: r.name)
    ]
    return dep, rows


def render_kubectl(result: RolloutResult) -> str:
    """The two tables as kubectl prints them (without the AGE column)."""
    lines = []
    dep = result.kubectl_deployment
    if dep is not None:
        width = max(len("NAME"), len(dep.name))
        lines.append(f"{'NAME':<{width}}   READY   UP-TO-DATE   AVAILABLE")
        lines.append(f"{dep.name:<{width}}   {dep.ready:<7} {dep.up_to_date:<12} {dep.available}")
        lines.append("")
    if result.kubectl_replicasets:
        width = max(len("NAME"), *(len(r.name) for r in result.kubectl_replicasets))
        lines.append(f"{'NAME':<{width}}   DESIRED   CURRENT   READY")
        for r in result.kubectl_replicasets:
            lines.append(f"{r.name:<{width}}   {r.desired:<9} {r.current:<9} {r.ready}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def simulate_rollout(
    old: dict | None,
    new: dict,
    *,
    new_pods: str = "ready",
    kube_version: str = NEWEST_KUBE_VERSION,
    old_replicasets: list | None = None,
    old_rs_name: str | None = None,
    new_rs_name: str | None = None,
    change_replicas_at_step: tuple | None = None,
    max_steps: int = 1000,
) -> RolloutResult:
    """Predict the controller's passes when ``new`` replaces ``old`` (None: first creation).

    ``old_replicasets`` (ReplicaSet manifests or :class:`ReplicaSetState`, oldest first)
    replaces the single settled ReplicaSet otherwise assumed for ``old``.
    ``change_replicas_at_step=(k, n)`` sets spec.replicas to ``n`` after step ``k``
    (``k = 0``: together with the apply), as ``kubectl scale`` during the rollout would.
    """
    d = parse_deployment(new)
    problems = list(d.problems)
    notes: list[str] = []
    if new_pods not in ("ready", "fail"):
        notes.append(f"new_pods {new_pods!r} is neither 'ready' nor 'fail'; assuming 'ready'")
    new_pods_ready = new_pods != "fail"

    new_template = identify(d.template)
    new_hash = new_template.hash
    rss, rs_new_name = _starting_replicasets(
        old, d, old_replicasets, old_rs_name, new_rs_name, new_template, new_pods_ready, notes
    )
    ctl = _Controller(d, rss, kube_version, new_hash, rs_new_name, new_pods_ready)
    created_new = _reuse_for_rollback(ctl) is None
    initial_available = sum(rs.available for rs in rss)
    initial_names = [rs.name for rs in ctl.old_rss()]

    pending_change = _replica_change(change_replicas_at_step, notes)
    if d.paused:
        notes.append("deployment is paused: the controller only scales, it does not roll out")
    steps = _run_passes(ctl, d, pending_change, notes, max_steps)

    new_final = ctl.new_rs()
    deleted = (
        _cleanup(ctl, d) if new_final is not None and new_final.available == d.replicas == new_final.replicas else []
    )
    final_available = sum(rs.available for rs in ctl.rss)
    complete = _is_complete(ctl, d, new_final)
    min_avail = min((s.available for s in steps), default=initial_available)
    outage_step = _outage_step(steps, initial_available, d.replicas)
    outcome = _outcome(outage_step, d.paused, complete, notes)
    dep_view, rs_view = _kubectl_views(d.name, d.replicas, ctl.rss, new_final)
    return RolloutResult(
        name=d.name,
        namespace=d.namespace,
        strategy=d.strategy,
        replicas=d.replicas,
        max_surge=max_surge(d),
        max_unavailable=max_unavailable(d),
        steps=steps,
        events=[e for s in steps for e in s.events],
        outcome=outcome,
        min_available=min_avail,
        initial_available=initial_available,
        final_available=final_available,
        complete=complete,
        stuck=not complete,
        old_rs_names=initial_names,
        new_rs_name=new_final.name if new_final is not None else rs_new_name,
        new_replicaset_created=created_new and new_final is not None,
        kubectl_deployment=dep_view,
        kubectl_replicasets=rs_view,
        problems=problems,
        notes=notes,
        outage_step=outage_step,
        progress_deadline=d.progress_deadline if not complete and not d.paused else None,
        deleted_replicasets=deleted,
        new_revision=new_final.revision if new_final is not None else 0,
    )


def renamed(result: RolloutResult, old: Any, new: Any) -> RolloutResult | None:
    """``result`` as the rollout of another Deployment of the same shape, from ``old`` to ``new``.

    ``result`` is ``simulate_rollout(o, n)`` (no other argument) for a Deployment whose
    spec, but for the pod template and the selector, is ``old``'s, with ``n``'s template
    different from ``o``'s. Such a rollout's steps and numbers depend on that spec alone
    (one settled ReplicaSet, one new): only the names differ, those of the Deployment, its
    namespace and the two ReplicaSets, which are replaced here, in the events too.
    Thousands of apps share a handful of shapes. None when a name is ambiguous (two
    ReplicaSets of the same name): the caller simulates.
    """
    if len(result.old_rs_names) != 1 or result.old_rs_names[0] == result.new_rs_name:
        return None
    name, namespace = _name_and_namespace(new)
    old_name = replicaset_name_of(_name_and_namespace(old)[0], identify(get(old, "spec", "template")).hash)
    new_name = replicaset_name_of(name, identify(get(new, "spec", "template")).hash)
    if old_name == new_name:
        return None
    names = {result.old_rs_names[0]: old_name, result.new_rs_name: new_name}

    def event(text: str) -> str:
        # scaling_event's grammar: "Scaled <up|down> replica set <name> <rest>"; a name has no space.
        words = text.split(" ", 5)
        words[4] = names[words[4]]
        return " ".join(words)

    try:
        steps = [Step([event(e) for e in s.events], s.old, s.new, s.available) for s in result.steps]
        replicasets = [
            KubectlReplicaSet(names[r.name], r.desired, r.current, r.ready) for r in result.kubectl_replicasets
        ]
        deleted = [names[n] for n in result.deleted_replicasets]
    except (KeyError, IndexError):  # a name or an event this function does not know: simulate instead
        return None
    dep = result.kubectl_deployment
    return RolloutResult(
        **{
            **result.__dict__,
            "name": name,
            "namespace": namespace,
            "steps": steps,
            "events": [e for s in steps for e in s.events],
            "old_rs_names": [old_name],
            "new_rs_name": new_name,
            "kubectl_deployment": KubectlDeployment(name, dep.ready, dep.up_to_date, dep.available) if dep else None,
            "kubectl_replicasets": sorted(replicasets, key=lambda r: r.name),
            "problems": list(result.problems),
            "notes": list(result.notes),
            "deleted_replicasets": deleted,
        }
    )


def _reuse_for_rollback(ctl: _Controller) -> ReplicaSetState | None:
    """The existing ReplicaSet of the new template, if any (None: the rollout creates one).

    A rollback: getNewReplicaSet reuses the ReplicaSet of that template (scaled, not
    created) and gives it the next revision (MaxRevision(oldRSs) + 1).
    """
    existing_new = ctl.new_rs()
    if existing_new is not None and ctl.old_rss():
        existing_new.revision = max(existing_new.revision, max(rs.revision for rs in ctl.old_rss()) + 1)
    return existing_new


def _is_complete(ctl: _Controller, d: DeploymentSpec, new_final: ReplicaSetState | None) -> bool:
    """Every wanted pod is new and available and no old pod is left (or nothing is wanted at all)."""
    return (
        new_final is not None
        and new_final.replicas == d.replicas
        and new_final.available == d.replicas
        and all(rs.replicas == 0 for rs in ctl.old_rss())
    ) or (new_final is None and d.replicas == 0 and all(rs.replicas == 0 for rs in ctl.rss))


def _starting_replicasets(
    old, d, old_replicasets, old_rs_name, new_rs_name, new_template: TemplateIdentity, new_pods_ready, notes
) -> tuple[list, str]:
    """The ReplicaSets before the apply, and the name of the new template's ReplicaSet."""
    rs_new_name = new_rs_name or replicaset_name_of(d.name, new_template.hash)
    if old_replicasets:
        return _given_replicasets(old_replicasets, new_template.hash, new_rs_name, new_pods_ready, notes), rs_new_name
    if old is None:
        return [], rs_new_name
    settled, same_template = _settled_replicaset(parse_deployment(old), new_template, old_rs_name, new_rs_name)
    if same_template:
        rs_new_name = settled.name
        notes.append("pod template unchanged: no new ReplicaSet, only a scale of the existing one")
    return [settled], rs_new_name


def _given_replicasets(old_replicasets, new_hash, new_rs_name, new_pods_ready, notes) -> list[ReplicaSetState]:
    """The caller's ReplicaSets as states (copies), the new template's marked by its readiness."""
    rss = []
    for index, item in enumerate(old_replicasets):
        state = replicaset_from_manifest(item, index)
        if state is None:
            notes.append(f"old_replicasets[{index}] is not a usable ReplicaSet; ignored")
            continue
        state = ReplicaSetState(**{**state.__dict__})  # never mutate the caller's objects
        if isinstance(item, ReplicaSetState):
            state.created = item.created if item.created else index
        if state.template_hash == new_hash or state.name == new_rs_name:
            state.template_hash = new_hash
            state.healthy = new_pods_ready
        rss.append(state)
    return rss


def _settled_replicaset(
    od: DeploymentSpec, new_template: TemplateIdentity, old_rs_name, new_rs_name
) -> tuple[ReplicaSetState, bool]:
    """The one settled ReplicaSet of the old Deployment, and whether its template is the new one."""
    old_template = identify(od.template)
    same_template = old_template.text == new_template.text
    if same_template:
        name = old_rs_name or new_rs_name or replicaset_name_of(od.name, old_template.hash)
    else:
        name = old_rs_name or replicaset_name_of(od.name, old_template.hash)
    state = ReplicaSetState(
        name=name,
        replicas=od.replicas,
        available=od.replicas,
        created=0,
        revision=1,
        desired_replicas=od.replicas,
        max_replicas=od.replicas + max_surge(od),
        healthy=True,  # the running pods of the current template are fine
        template_hash=old_template.hash,
    )
    return state, same_template


def _replica_change(change_replicas_at_step, notes) -> tuple | None:
    """``(step, replicas)`` when usable, else None (noted)."""
    if change_replicas_at_step is None:
        return None
    try:
        at, to = change_replicas_at_step
        if isinstance(at, int) and isinstance(to, int) and not isinstance(to, bool) and to >= 0 and at >= 0:
            return (at, to)
        raise ValueError
    except (TypeError, ValueError):
        notes.append(f"change_replicas_at_step {change_replicas_at_step!r} is not (step, replicas); ignored")
        return None


def _run_passes(ctl: _Controller, d: DeploymentSpec, pending_change, notes, max_steps: int) -> list[Step]:
    """The controller's sync passes until nothing changes: a Step per pass that did something."""
    steps: list[Step] = []

    def apply_change() -> None:
        nonlocal pending_change
        if pending_change is not None and len(steps) >= pending_change[0]:
            d.replicas = pending_change[1]
            notes.append(f"spec.replicas changed to {pending_change[1]} after step {len(steps)}")
            pending_change = None

    apply_change()
    for _ in range(max_steps):
        before = len(ctl.events)
        changed = ctl.sync()
        if changed or len(ctl.events) != before:
            new_now = ctl.new_rs()
            steps.append(
                Step(
                    events=ctl.events[before:],
                    old=sum(rs.replicas for rs in ctl.old_rss()),
                    new=new_now.replicas if new_now is not None else 0,
                    available=sum(rs.available for rs in ctl.rss),
                )
            )
            apply_change()
        settled = ctl.settle()
        if not changed and not settled:
            if pending_change is not None:  # the rollout ended before the requested step
                pending_change = (len(steps), pending_change[1])
                apply_change()
                continue
            break
    else:
        notes.append(f"stopped after {max_steps} passes")
    return steps


def _outage_step(steps: list[Step], initial_available: int, replicas: int) -> int | None:
    """The first step (1-based) with no pod available, when some were available before."""
    if initial_available > 0:
        for index, step in enumerate(steps, start=1):
            if step.available == 0 and replicas > 0:
                return index
    return None


def _outcome(outage_step, paused: bool, complete: bool, notes) -> Outcome:
    if outage_step is not None:
        return "outage"
    if paused and not complete:
        notes.append(
            "progress.go: a paused Deployment reports Progressing=Unknown (DeploymentPaused) and no deadline runs"
        )
        return "paused"
    return "complete" if complete else "stuck"


def _cleanup(ctl: _Controller, d: DeploymentSpec) -> list:
    """sync.go cleanupDeployment: delete the oldest scaled-down old ReplicaSets beyond revisionHistoryLimit."""
    candidates = sorted(
        (rs for rs in ctl.old_rss() if rs.replicas == 0 and rs.available == 0), key=lambda rs: (rs.revision, rs.created)
    )
    doomed = candidates[: max(0, len(candidates) - d.history_limit)]
    for rs in doomed:
        ctl.rss.remove(rs)
    return [rs.name for rs in doomed]


def scale_replicasets(
    deployment: Any,
    replicasets: list,
    *,
    new_rs_name: str | None = None,
    kube_version: str = NEWEST_KUBE_VERSION,
) -> tuple[dict, list]:
    """One ``scale()`` pass of sync.go (a scaling event or a paused Deployment).

    ``replicasets``: ReplicaSet manifests or :class:`ReplicaSetState` (oldest first unless
    ``created`` says otherwise); ``new_rs_name`` marks the one whose template matches the
    Deployment (None: there is no new ReplicaSet yet).  Returns ``({name: size}, events)``.
    """
    d = parse_deployment(deployment)
    rss = []
    for index, item in enumerate(replicasets or []):
        state = replicaset_from_manifest(item, index)
        if state is None:
            continue
        state = ReplicaSetState(**{**state.__dict__})
        if not isinstance(item, ReplicaSetState) or not item.created:
            state.created = index
        state.template_hash = "new" if state.name == new_rs_name else f"old-{index}"
        rss.append(state)
    ctl = _Controller(d, rss, kube_version, "new", new_rs_name or "", True)
    ctl.scale()
    return {rs.name: rs.replicas for rs in rss}, list(ctl.events)


def simulate_scale(
    deployment: Any, replicasets: list, *, new_rs_name: str | None = None, kube_version: str = NEWEST_KUBE_VERSION
) -> list:
    """The ScalingReplicaSet events of one proportional ``scale()`` pass."""
    return scale_replicasets(deployment, replicasets, new_rs_name=new_rs_name, kube_version=kube_version)[1]
