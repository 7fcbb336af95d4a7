"""Rules about the text itself, found while reading."""

from __future__ import annotations


def _diagnostics(ctx, slug):
    for diagnostic in ctx.loaded.diagnostics:
        if diagnostic.rule == slug:
            yield diagnostic


def yaml_syntax(ctx, rule):
    return _diagnostics(ctx, rule.slug)


def duplicate_key(ctx, rule):
    return _diagnostics(ctx, rule.slug)


def document_not_object(ctx, rule):
    return _diagnostics(ctx, rule.slug)
