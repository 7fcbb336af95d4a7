"""Whether a repository's ``.gitignore`` files exclude a path.

A kustomization that cannot render because a file it lists is missing is broken,
unless the repository ignores that file on purpose: a ``.env`` a deploy tool writes
before it builds the directory (azd), CRDs a ``make`` target downloads, a patch
``make`` writes. This reads the ``.gitignore`` files between the repository root and
the path the way git does (the last matching pattern wins, ``!`` re-includes, a
pattern with a slash is anchored to its file's directory, nothing below an ignored
directory is re-included) without running git: a checkout without ``.git`` reads the
same.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple


class IgnoredBy(NamedTuple):
    """The ``.gitignore`` line that ignores a path."""

    file: str
    line: int
    pattern: str


class _Pattern(NamedTuple):
    regex: re.Pattern
    negated: bool
    directory_only: bool
    anchored: bool
    source: IgnoredBy


def ignored_by(path: str, root: str) -> IgnoredBy | None:
    """The ``.gitignore`` line below ``root`` that ignores the missing ``path`` (or a missing directory
    holding it), or None.

    Only the part of the path the checkout lacks is looked up: a directory that exists holds
    committed files whatever a pattern says (``kustomize``, for a binary ``make`` builds, also
    matches a ``kustomize/`` directory of manifests).
    """
    path, root = os.path.abspath(path), os.path.abspath(root)
    if path != root and not path.startswith(root.rstrip(os.sep) + os.sep):
        return None
    parts = os.path.relpath(path, root).split(os.sep)
    for depth in range(1, len(parts) + 1):  # a directory first: nothing below an ignored directory comes back
        if os.path.lexists(os.path.join(root, *parts[:depth])):
            continue
        verdict = _match(root, parts[:depth], is_last=depth == len(parts))
        if verdict is not None:
            return verdict
    return None


def _match(root: str, parts: list[str], is_last: bool) -> IgnoredBy | None:
    """The last pattern of the .gitignore files above ``parts`` that matches it, if it ignores it."""
    found = None
    for depth in range(len(parts)):  # the root's .gitignore first: a deeper one overrides it
        base = os.path.join(root, *parts[:depth])
        relative = "/".join(parts[depth:])
        for pattern in _read(os.path.join(base, ".gitignore")):
            if pattern.directory_only and is_last and os.path.isfile(os.path.join(root, *parts)):
                continue
            subject = relative if pattern.anchored else parts[-1]
            if pattern.regex.fullmatch(subject):
                found = None if pattern.negated else pattern.source
    return found


def _read(gitignore: str):
    try:
        with open(gitignore, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip()
        if not text or text.startswith("#"):
            continue
        negated = text.startswith("!")
        body = text[1:] if negated else text
        body = body[1:] if body.startswith("\\") else body  # "\#", "\!": a literal first character
        directory_only = body.endswith("/")
        body = body.rstrip("/")
        if not body:
            continue
        anchored = "/" in body
        yield _Pattern(
            re.compile(_glob(body.lstrip("/"))), negated, directory_only, anchored, IgnoredBy(gitignore, number, text)
        )


def _glob(pattern: str) -> str:
    """A gitignore glob as a regular expression over a "/"-separated path."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)
