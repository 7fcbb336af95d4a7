"""Schema stage: every object validated once against the target Kubernetes version's schema."""

from __future__ import annotations

from .basic import implicit_type_candidates
from .hit import Hit


def _problems_of(ctx, slug):
    for manifest, problem in ctx.schema_problems:
        if problem.rule == slug:
            yield Hit(manifest, problem)


def _explained_by_implicit_type(ctx, manifests) -> set:
    """Values implicit-type reports with a better message (unquoted 8080 where a string is needed)."""
    if "implicit-type" not in ctx.active_rules:
        return set()
    return {(id(m), path) for m in manifests if ctx.reports(m) for path, *_ in implicit_type_candidates(m)}


def schema_check(ctx, rule):
    if rule.slug != "schema-type":
        return _problems_of(ctx, rule.slug)
    hits = list(_problems_of(ctx, rule.slug))
    explained = _explained_by_implicit_type(ctx, list({id(h.manifest): h.manifest for h in hits}.values()))
    return (hit for hit in hits if (id(hit.manifest), hit.problem.path) not in explained)
