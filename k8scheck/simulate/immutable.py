"""Fields the API server refuses to change: such an apply is rejected, it starts no rollout.

Follows pkg/apis/apps/validation/validation.go (ValidateDeploymentUpdate,
ValidateReplicaSetUpdate, ValidateDaemonSetUpdate: ``spec.selector`` through
ValidateImmutableField, "field is immutable"; ValidateStatefulSetUpdate: every spec field
but replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
persistentVolumeClaimRetentionPolicy and minReadySeconds is Forbidden),
pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate (``spec.template`` and
``spec.selector`` immutable) and pkg/apis/core/validation/validation.go
ValidateServiceUpdate (a set ``spec.clusterIP`` may not change).

Values are compared the way ``apiequality.Semantic.DeepEqual`` sees decoded objects:
absent, null and empty are the same (the canonical form of ``podtemplate``).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from ..kinds import get
from .podtemplate import _prune

STATEFULSET_MUTABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)
STATEFULSET_FORBIDDEN = (
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
    "forbidden"
)
_SELECTOR_IMMUTABLE = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1", "DaemonSet": "apps/v1"}


class Rejection(NamedTuple):
    """One field the API server will not let this apply change."""

    path: tuple  # where the change is, in the new manifest
    message: str  # the API server's error, as kubectl prints it


def _same(a, b) -> bool:
    return json.dumps(_prune(a), sort_keys=True, default=repr) == json.dumps(_prune(b), sort_keys=True, default=repr)


def _go(value) -> str:
    return json.dumps(_prune(value), sort_keys=True, separators=(",", ":"), default=repr)


def rejections(kind: str, api_version: str, old: dict, new: dict) -> list[Rejection]:
    """What the API server refuses when ``new`` replaces ``old`` (same kind, namespace, name)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    name = get(new, "metadata", "name")
    head = f'The {kind} "{name}" is invalid: '
    old_spec, new_spec = old.get("spec"), new.get("spec")
    if not isinstance(old_spec, dict):
        old_spec = {}
    if not isinstance(new_spec, dict):
        new_spec = {}
    out = []
    if kind in _SELECTOR_IMMUTABLE and api_version == _SELECTOR_IMMUTABLE[kind] or kind == "Job":
        if not _same(old_spec.get("selector"), new_spec.get("selector")) and new_spec.get("selector") is not None:
            out.append(
                Rejection(
                    ("spec", "selector"),
                    f"{head}spec.selector: Invalid value: {_go(new_spec.get('selector'))}: field is immutable",
                )
            )
    if kind == "Job" and not _same(old_spec.get("template"), new_spec.get("template")):
        out.append(
            Rejection(
                ("spec", "template"),
                f"{head}spec.template: Invalid value: {_go(new_spec.get('template'))[:80]}...: field is immutable",
            )
        )
    if kind == "StatefulSet":
        changed = sorted(
            k
            for k in set(old_spec) | set(new_spec)
            if k not in STATEFULSET_MUTABLE and not _same(old_spec.get(k), new_spec.get(k))
        )
        if changed:
            out.append(
                Rejection(
                    ("spec", changed[0]) if changed[0] in new_spec else ("spec",),
                    f"{head}{STATEFULSET_FORBIDDEN} (changed: {', '.join('spec.' + k for k in changed)})",
                )
            )
    if kind == "Service":
        before, after = old_spec.get("clusterIP"), new_spec.get("clusterIP")
        if isinstance(before, str) and before and after is not None and after != before:
            out.append(
                Rejection(
                    ("spec", "clusterIP"),
                    f'{head}spec.clusterIPs[0]: Invalid value: []string{{"{after}"}}: may not change once set',
                )
            )
    return out
