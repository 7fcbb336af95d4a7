"""Built-in API versions that Kubernetes deprecated or stopped serving.

The facts live in ``k8scheck/data/api_lifecycle.yaml`` (one entry per
apiVersion and kind, with the release that deprecated it, the release that
removed it, the apiVersion to move to and what changes in the body). This
module answers two questions about one object and a target Kubernetes release:

- ``lookup(api_version, kind, kube_version)``: is this pair deprecated or
  removed at that release? (a ``Verdict``, or ``None`` when it is served and
  not deprecated, or unknown to the table);
- ``check(obj, kube_version)``: the same as ``Problem``s pointing at
  ``apiVersion`` (rule ``api-removed``, an error: ``kubectl apply`` fails with
  ``no matches for kind``; rule ``api-deprecated``, a warning).

Kubernetes versions are ``"1.31"``-style strings (``"v1.31"`` and ``"1.31.2"``
are accepted too) and compare numerically, so 1.9 < 1.22.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from k8scheck import versions
from k8scheck.problem import Problem

DATA_FILE = Path(__file__).parent / "data" / "api_lifecycle.yaml"

#: The newest Kubernetes release k8scheck knows about; callers use it when the
#: user names no target version.
NEWEST_KUBE_VERSION = versions.NEWEST_KUBE_VERSION

RULE_REMOVED = "api-removed"
RULE_DEPRECATED = "api-deprecated"

_VERSION_RE = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?\s*$")


def parse_kube_version(text: object) -> tuple[int, int] | None:
    """``"1.31"`` / ``"v1.31.2"`` -> ``(1, 31)``; anything else -> ``None``."""
    if isinstance(text, bool):
        return None
    if isinstance(text, float):
        # A version read from YAML unquoted ("1.20" -> 1.2) has lost its
        # digits; refuse rather than guess.
        return None
    if not isinstance(text, str):
        return None
    m = _VERSION_RE.match(text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class Entry:
    """One row of the data table."""

    api_version: str
    kind: str
    deprecated_in: str
    removed_in: str
    replacement: str | None
    notes: str | None
    source: str


@dataclass(frozen=True)
class Verdict(Entry):
    """What the table says about an (apiVersion, kind) at one release: its row, a status and the message."""

    status: Literal["deprecated", "removed"]
    message: str


@lru_cache(maxsize=1)
def load_table() -> dict[tuple[str, str], Entry]:
    """The data file as ``{(apiVersion, kind): Entry}`` (read once)."""
    from .yamlsource import load_data_file

    rows = load_data_file(DATA_FILE) or []
    table: dict[tuple[str, str], Entry] = {}
    for row in rows:
        entry = Entry(
            api_version=str(row["apiVersion"]),
            kind=str(row["kind"]),
            deprecated_in=str(row["deprecated_in"]),
            removed_in=str(row["removed_in"]),
            replacement=row.get("replacement"),
            notes=" ".join(str(row["notes"]).split()) if row.get("notes") else None,
            source=str(row.get("source") or ""),
        )
        key = (entry.api_version, entry.kind)
        if key in table:
            raise ValueError(f"{DATA_FILE}: duplicate entry for {key}")
        deprecated_in = parse_kube_version(entry.deprecated_in)
        removed_in = parse_kube_version(entry.removed_in)
        if deprecated_in is None or removed_in is None:
            raise ValueError(f"{DATA_FILE}: bad version in entry {key}")
        if deprecated_in > removed_in:
            raise ValueError(f"{DATA_FILE}: {key} deprecated after its removal")
        table[key] = entry
    return table


def _advice(entry: Entry) -> str:
    if entry.replacement:
        advice = f"use {entry.replacement}"
        if entry.notes:
            advice += f" ({entry.notes})"
        return advice
    if entry.notes:
        return f"it has no replacement; {entry.notes}"
    return "it has no replacement"


def _message(entry: Entry, status: str) -> str:
    what = f"{entry.api_version} {entry.kind}"
    if status == "removed":
        return f"{what} was removed in Kubernetes {entry.removed_in}; {_advice(entry)}"
    return (
        f"{what} is deprecated since Kubernetes {entry.deprecated_in} and is removed in "
        f"{entry.removed_in}; {_advice(entry)}"
    )


def lookup(api_version: object, kind: object, kube_version: str) -> Verdict | None:
    """The verdict for one (apiVersion, kind) at ``kube_version``.

    ``"removed"`` when ``kube_version >= removed_in``; ``"deprecated"`` when
    ``deprecated_in <= kube_version < removed_in``; ``None`` otherwise (served
    and not deprecated, not in the table, or an unreadable version).
    """
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    entry = load_table().get((api_version.strip(), kind.strip()))
    if entry is None:
        return None  # most objects: nothing more to read
    target = parse_kube_version(kube_version)
    if target is None:
        return None
    removed_in = parse_kube_version(entry.removed_in)
    deprecated_in = parse_kube_version(entry.deprecated_in)
    if removed_in is None or deprecated_in is None:  # load_table refuses such entries
        return None
    status: Literal["deprecated", "removed"]
    if target >= removed_in:
        status = "removed"
    elif target >= deprecated_in:
        status = "deprecated"
    else:
        return None
    return Verdict(**asdict(entry), status=status, message=_message(entry, status))


def check(obj: dict, kube_version: str = NEWEST_KUBE_VERSION) -> list[Problem]:
    """``api-removed`` / ``api-deprecated`` findings for one object (at most one)."""
    if not isinstance(obj, dict):
        return []
    verdict = lookup(obj.get("apiVersion"), obj.get("kind"), kube_version)
    if verdict is None:
        return []
    rule = RULE_REMOVED if verdict.status == "removed" else RULE_DEPRECATED
    fix = verdict.replacement or None  # the span is the apiVersion value
    return [Problem(rule, ("apiVersion",), verdict.message, at="value", fix=fix)]
