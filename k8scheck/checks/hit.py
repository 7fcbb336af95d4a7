"""What checks yield."""

from __future__ import annotations

from typing import Literal

from ..model import Manifest
from ..problem import Hit, Problem

__all__ = ["Hit", "hit"]


def hit(
    manifest: Manifest,
    rule: str,
    path: tuple,
    message: str,
    *,
    at: Literal["key", "value"] = "value",
    fix: str | None = None,
    related=(),
    severity: str | None = None,
    consequence=None,
) -> Hit:
    """A Hit. ``severity`` overrides the rule's for this finding only; ``consequence`` is
    kept when the finding is merged into its root cause's (see Problem)."""
    return Hit(
        manifest, Problem(rule, tuple(path), message, at, fix, tuple(related), severity, consequence=consequence)
    )
