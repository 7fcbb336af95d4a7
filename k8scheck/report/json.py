"""The JSON report: a stable contract, described by schemas/report.schema.json."""

from __future__ import annotations

from ..model import SEVERITIES
from .jsontext import dumps_indented


def report_data(report) -> dict:
    return {
        "version": report.version,
        "summary": {
            "files": len(report.files),
            "objects": report.objects,
            "findings": len(report.findings),
            "errors": len(report.errors),
            "suppressed": report.suppressed,
            "baselined": report.baselined,
            "skipped": len(report.skipped),
            "by_severity": {
                severity: sum(1 for f in report.findings if f.severity == severity) for severity in SEVERITIES
            },
        },
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.column,
                "end_line": f.location.end_line,
                "end_column": f.location.end_column,
                "object": f.object.to_json() if f.object else None,
                "path": f.path,
                "related": [r.to_json() for r in f.related],
                "fix": f.fix,
            }
            for f in report.findings
        ],
        "errors": [e.to_json() for e in report.errors],
        "skipped": [{"file": s.path, "reason": s.reason} for s in report.skipped],
    }


def render_json(report, **_options) -> str:
    return dumps_indented(report_data(report), allow_nan=False) + "\n"
