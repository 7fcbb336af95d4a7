"""The unit every analysis stage hands to the rule engine.

A stage (schema validation, semantic checks, graph rules, the simulator) says
*what* is wrong and *where inside the object*; the engine turns the field path
into file:line:column in one place (``k8scheck.positions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

PathPart = Union[str, int]
FieldPath = tuple  # tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one object.

    ``path`` is the field path inside the object (``("spec", "replicas")``);
    ``at`` says whether the finding points at the key or at its value.
    ``severity``, when set, is this finding's own severity in place of the rule's
    (a missing reference with a near miss in the inputs is an error); a severity
    the user sets for the rule (config or command line) still wins.
    """

    rule: str
    path: FieldPath
    message: str
    at: Literal["key", "value"] = "value"
    fix: str | None = None
    related: tuple = field(default=())
    severity: str | None = None


def dotted(path: FieldPath) -> str:
    """``("spec", "containers", 0, "image")`` -> ``spec.containers[0].image``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
