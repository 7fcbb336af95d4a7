"""GitLab Code Quality: the Code Climate JSON subset GitLab reads for merge requests.

A JSON array of issues, each with ``description``, ``check_name``, ``fingerprint``,
``severity`` (info, minor, major, critical, blocker) and ``location`` (``path``
relative to the repository root, ``lines.begin``). GitLab ignores the other
fields of the Code Climate spec, so none are written.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import PurePath

from .jsontext import dumps_indented

# An error is what kubectl or the cluster will refuse or break on (critical); a
# warning may break depending on what the cluster holds (minor). "blocker" is left
# for nothing: k8scheck has no severity above error.
SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def _path(path: str) -> str:
    """Repository-relative and without "./": GitLab matches it against the diff."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:
            relative = path
        if not relative.startswith(".."):
            path = relative
    path = PurePath(path).as_posix()
    while path.startswith("./"):
        path = path[2:]
    return path


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def codeclimate_data(report) -> list:
    issues = []
    for error in report.errors:
        issues.append(
            {
                "description": error.message,
                "check_name": "input-error",
                "fingerprint": _hash(f"input-error|{_path(error.file)}|{error.message}"),
                "severity": SEVERITY[error.severity],
                "location": {"path": _path(error.file), "lines": {"begin": error.line or 1}},
            }
        )
    for finding in report.findings:
        issues.append(
            {
                "description": finding.message + (f" Fix: {finding.fix}" if finding.fix else ""),
                "check_name": finding.rule,
                # The SARIF fingerprint (rule, object, field path): it survives edits
                # that move the line, so GitLab does not see a fixed-and-new pair.
                "fingerprint": finding.fingerprint(),
                "severity": SEVERITY[finding.severity],
                "location": {"path": _path(finding.location.file), "lines": {"begin": finding.location.line}},
            }
        )
    # GitLab shows one issue per fingerprint. One object defined in two files
    # (duplicate-object) has one identity but two places: keep both, stably.
    seen: dict[str, int] = {}
    for issue in issues:
        fingerprint = issue["fingerprint"]
        if fingerprint in seen:
            seen[fingerprint] += 1
            issue["fingerprint"] = _hash(f"{fingerprint}|{issue['location']['path']}|{seen[fingerprint]}")
        else:
            seen[fingerprint] = 0
    return issues


def render_codeclimate(report, **_options) -> str:
    return dumps_indented(codeclimate_data(report)) + "\n"
