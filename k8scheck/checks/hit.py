"""What checks yield."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Manifest
from ..problem import Problem


@dataclass(frozen=True)
class Hit:
    """A problem at a field path of one manifest.

    ``problem.related`` holds ``(manifest, path, message)`` triples for the
    other ends of cross-object problems; the engine locates them.
    """

    manifest: Manifest
    problem: Problem


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
