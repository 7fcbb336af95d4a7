"""Rules about the text itself, found while reading."""

from __future__ import annotations

import dataclasses


def diagnostics(ctx, rule):
    """The reading stage's diagnostics with this rule's slug (yaml-syntax, duplicate-key, document-not-object)."""
    for diagnostic in ctx.loaded.diagnostics:
        if diagnostic.rule != rule.slug:
            continue
        if diagnostic.variant == "same-value":  # a key written twice with one value: kubectl loses nothing
            diagnostic = dataclasses.replace(diagnostic, severity=rule.severity_of("same-value"))
        yield diagnostic
