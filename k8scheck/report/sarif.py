"""SARIF 2.1.0, for GitHub code scanning and other CI dashboards."""

from __future__ import annotations

import os
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__, ruledoc
from .jsontext import dumps_indented

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/k8scheck/k8scheck"


def _uri(path: str) -> str:
    """Repository-relative URIs let code scanning map results onto files; percent-encoded (RFC 3986)."""
    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:
            return PurePath(path).as_uri()
        if path.startswith(".."):
            return PurePath(os.path.abspath(path)).as_uri()
    return quote(PurePath(path).as_posix(), safe="/")


def _region(location) -> dict:
    region = {"startLine": location.line, "startColumn": location.column}
    if location.end_line is not None and location.end_column is not None:
        region.update(endLine=location.end_line, endColumn=location.end_column)
    return region


def _physical(location) -> dict:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(location.file), "uriBaseId": "%SRCROOT%"},
            "region": _region(location),
        }
    }


def _rule_descriptor(rule) -> dict:
    return {
        "id": rule.slug,
        "name": "".join(part.capitalize() for part in rule.slug.split("-")),
        **ruledoc.sarif_texts(rule),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "helpUri": f"{INFORMATION_URI}#rules",
    }


def sarif_data(report) -> dict:
    rules = sorted(report.rules.values(), key=lambda r: r.slug)
    index = {rule.slug: i for i, rule in enumerate(rules)}
    results = []
    for finding in report.findings:
        result = {
            "ruleId": finding.rule,
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.message + (f" Fix: {finding.fix}" if finding.fix else "")},
            "locations": [_physical(finding.location)],
            "partialFingerprints": {"k8scheck/v1": finding.fingerprint()},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        if finding.related:
            result["relatedLocations"] = [
                {"id": i + 1, **_physical(r.location), "message": {"text": r.message}}
                for i, r in enumerate(finding.related)
            ]
        results.append(result)
    notifications = [
        {
            "level": _LEVEL[error.severity],
            "message": {"text": error.message},
            "locations": [_physical(_ErrorLocation(error))],
        }
        for error in report.errors
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "k8scheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


class _ErrorLocation:
    def __init__(self, error):
        self.file = error.file
        self.line = error.line or 1
        self.column = error.column or 1
        self.end_line = None
        self.end_column = None


def render_sarif(report, **_options) -> str:
    return dumps_indented(sarif_data(report)) + "\n"
