"""API-server checks beyond the schema: removed/deprecated APIs, names, labels, ports, quantities."""

from __future__ import annotations

from .. import apilifecycle
from .hit import Hit


def api_lifecycle(ctx, rule):
    version = ctx.kube_version
    for manifest in ctx.manifests:
        for problem in apilifecycle.check(manifest.obj, version):
            if problem.rule == rule.slug:
                yield Hit(manifest, problem)


def semantic(ctx, rule):
    for manifest, problem in ctx.semantic_problems:
        if problem.rule == rule.slug:
            yield Hit(manifest, problem)
