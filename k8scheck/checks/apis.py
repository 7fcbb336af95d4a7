"""API-server checks beyond the schema: removed/deprecated APIs, names, labels, ports, quantities."""

from __future__ import annotations

from .. import apilifecycle
from .hit import Hit


def api_lifecycle(ctx, rule):
    version = ctx.kube_version
    not_served: dict = {}  # (apiVersion, kind) -> Problem or None: it depends on nothing else
    for manifest in ctx.subjects:
        problems = apilifecycle.check(manifest.obj, version)
        for problem in problems:
            if problem.rule == rule.slug:
                yield Hit(manifest, problem)
        if not problems and rule.slug == apilifecycle.RULE_REMOVED:
            obj = manifest.obj
            api_version, kind = obj.get("apiVersion"), obj.get("kind")
            key = (api_version, kind) if isinstance(api_version, str) and isinstance(kind, str) else None
            if key is None or key not in not_served:
                problem = _builtin_group_not_served(ctx, api_version, kind)
                if key is not None:
                    not_served[key] = problem
            else:
                problem = not_served[key]
            if problem is not None:
                yield Hit(manifest, problem)


def _builtin_group_not_served(ctx, api_version, kind):
    """An apiVersion of a built-in API group (admissionregistration.k8s.io/v1alpha1, apps/v1beta3)
    that the chosen version does not serve and the removal table does not list."""
    from ..problem import Problem
    from ..schema import bundle

    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return None
    group = bundle.api_group(api_version)
    if group not in bundle.builtin_groups():
        return None
    validator = ctx.schema_validator
    status = validator.api_status(api_version, kind)
    if status in ("served", "not-yet-added") or validator.has_schema(api_version, kind):
        return None
    if status == "unknown" and not bundle.version_not_served(api_version, validator.kube_version):
        return None  # a served apiVersion without this kind: unknown-kind names where the kind lives
    served = sorted(
        av for av, k in bundle.gvk_index(validator.kube_version) if k == kind and bundle.api_group(av) == group
    )
    if status == "removed":
        when = f"an earlier release served it, Kubernetes {validator.kube_version} does not"
    else:
        when = (
            f"{group or 'the core group'} is a built-in API group and no Kubernetes release k8scheck knows serves this "
            "version of it"
        )
    message = (
        f"{api_version} {kind} is not served by Kubernetes {validator.kube_version} ({when}); kubectl apply fails "
        f'(no matches for kind "{kind}" in version "{api_version}").'
    )
    message += (
        f" Use {', '.join(served)}."
        if served
        else f" No version of {group or 'the core group'} serves {kind} in this release."
    )
    return Problem(
        apilifecycle.RULE_REMOVED,
        ("apiVersion",),
        message,
        fix=served[-1] if len(served) == 1 else None,
    )


def semantic(ctx, rule):
    for manifest, problem in ctx.semantic_problems:
        if problem.rule == rule.slug:
            yield Hit(manifest, problem)
