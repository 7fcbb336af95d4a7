"""GitHub Actions workflow commands: findings appear inline on the pull request."""

from __future__ import annotations

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report, **_options) -> str:
    lines = []
    for error in report.errors:
        where = f"file={_property(error.file)}" + (f",line={error.line}" if error.line else "")
        lines.append(f"::{_COMMAND[error.severity]} {where},title=k8scheck input-error::{_data(error.message)}")
    for f in report.findings:
        loc = f.location
        props = [f"file={_property(loc.file)}", f"line={loc.line}", f"col={loc.column}"]
        if loc.end_line == loc.line and loc.end_column is not None:
            props += [f"endLine={loc.end_line}", f"endColumn={loc.end_column}"]
        props.append(f"title={_property('k8scheck ' + f.rule)}")
        message = f.message + (f" Fix: {f.fix}" if f.fix else "")
        lines.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{_data(message)}")
    return "\n".join(lines) + "\n" if lines else ""
