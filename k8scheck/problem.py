"""The unit every analysis stage hands to the rule engine.

A stage (schema validation, semantic checks, graph rules, the simulator) says
*what* is wrong and *where inside the object*; the engine turns the field path
into file:line:column in one place (``k8scheck.positions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .model import Manifest

PathPart = str | int
FieldPath = tuple  # tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one object.

    ``path`` is the field path inside the object (``("spec", "replicas")``);
    ``at`` says whether the finding points at the key or at its value.
    ``severity``, when set, is this finding's own severity in place of the rule's
    (a missing reference with a near miss in the inputs is an error); a severity
    the user sets for the rule (config or command line) still wins.
    ``subject`` is the field the problem is about when that is not ``path``
    (a missing field, reported at its parent: located at its nearest written
    ancestor, where the object is defined); ``consequence`` is
    ``(path, text)``: what the problem leads to, kept as a note when the
    finding is folded into its root cause's (see ``k8scheck.merge``).
    """

    rule: str
    path: FieldPath
    message: str
    at: Literal["key", "value"] = "value"
    fix: str | None = None
    related: tuple = field(default=())
    severity: str | None = None
    subject: FieldPath | None = field(default=None, compare=False)
    consequence: tuple | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Hit:
    """A problem at a field path of one manifest: what a check yields (``checks.hit.hit`` makes one).

    ``problem.related`` holds ``(manifest, path, message)`` triples for the
    other ends of cross-object problems; the engine locates them.
    """

    manifest: Manifest
    problem: Problem


def dotted(path: FieldPath) -> str:
    """``("spec", "containers", 0, "image")`` -> ``spec.containers[0].image``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
