"""What checks yield."""

from __future__ import annotations

from dataclasses import dataclass

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


def hit(manifest: Manifest, rule: str, path: tuple, message: str, *, at: str = "value", fix: str | None = None, related=(), consequence=None) -> Hit:
    return Hit(manifest, Problem(rule, tuple(path), message, at, fix, tuple(related), consequence=consequence))
