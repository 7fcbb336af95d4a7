"""Image rules: the reference grammar (always) and the registry's answer (opt-in)."""

from __future__ import annotations

from .. import images
from .hit import Hit


def static(ctx, rule):
    for manifest, problem in ctx.image_static_problems:
        if problem.rule == rule.slug:
            yield Hit(manifest, problem)


def registry(ctx, rule):
    verdicts = ctx.image_verdicts
    if verdicts is None:
        return
    for manifest in ctx.subjects:
        for problem in images.registry_problems(manifest.obj, verdicts):
            if problem.rule == rule.slug:
                yield Hit(manifest, problem)
