"""Rules about the text itself, found while reading."""

from __future__ import annotations


def diagnostics(ctx, rule):
    """The reading stage's diagnostics with this rule's slug (yaml-syntax, duplicate-key, document-not-object)."""
    return (diagnostic for diagnostic in ctx.loaded.diagnostics if diagnostic.rule == rule.slug)
