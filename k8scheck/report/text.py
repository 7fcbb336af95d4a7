"""The human report: file:line:col, severity, rule, message, and the line itself."""

from __future__ import annotations

import unicodedata

_COLORS = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "caret": "31"}
_MAX_FRAME_WIDTH = 160


def _paint(text: str, style: str, color: bool) -> str:
    return f"\033[{_COLORS[style]}m{text}\033[0m" if color else text


def _frame(report, location, color: bool) -> list[str]:
    source = report.source(location.file)
    line = source.line(location.line) if source else None
    if line is None:
        return []
    line = line.replace("\t", " ")
    number = str(location.line)
    gutter = " " * len(number)
    start = location.column - 1
    if location.end_column is not None and location.end_line == location.line:
        width = max(1, location.end_column - location.column)
    else:
        width = max(1, len(line.rstrip()) - start)
    shown = line
    if len(shown) > _MAX_FRAME_WIDTH:
        # Very long lines (embedded JSON): show a window around the column.
        left = max(0, start - 40)
        shown = ("…" if left else "") + line[left : left + _MAX_FRAME_WIDTH] + "…"
        start = start - left + (1 if left else 0)
        width = min(width, _MAX_FRAME_WIDTH - start)
    # Columns count characters; a terminal draws wide (CJK, emoji) ones in two cells.
    before, under = _cells(shown[:start]), _cells(shown[start : start + width]) if start < len(shown) else width
    return [
        f"  {_paint(number, 'dim', color)} | {shown}",
        f"  {gutter} | {' ' * before}{_paint('^' * max(1, under), 'caret', color)}",
    ]


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_finding(report, finding, color: bool = False, frames: bool = True) -> list[str]:
    loc = finding.location
    head = (
        f"{loc.file}:{loc.line}:{loc.column}: {_paint(finding.severity, finding.severity, color)} "
        f"{_paint(finding.rule, 'bold', color)}  {finding.message}"
    )
    lines = [head]
    if not frames:
        return lines
    lines += _frame(report, loc, color)
    pad = "  " + " " * len(str(loc.line)) + " = "
    for related in finding.related:
        r = related.location
        lines.append(f"{pad}{_paint('see', 'dim', color)} {r.file}:{r.line}:{r.column}: {related.message}")
    if finding.fix:
        lines.append(f"{pad}{_paint('fix', 'dim', color)}: {finding.fix}")
    return lines


def summary_line(report) -> str:
    counts = [report.count(s) for s in ("error", "warning", "info")]
    files = len(report.files)
    where = f"in {files} file{'s' if files != 1 else ''} ({report.objects} object{'s' if report.objects != 1 else ''})"
    if not any(counts):
        return f"No problems found {where}."
    parts = [
        f"{counts[0]} error{'s' if counts[0] != 1 else ''}",
        f"{counts[1]} warning{'s' if counts[1] != 1 else ''}",
        f"{counts[2]} info",
    ]
    return f"Found {', '.join(parts)} {where}."


def _skipped_note(report, verbose: bool) -> list[str]:
    if not report.skipped:
        return []
    count = len(report.skipped)
    if not verbose:
        return [
            f"Skipped {count} input{'s' if count != 1 else ''} that {'are' if count != 1 else 'is'} not applied as "
            "written (--verbose lists them)."
        ]
    return [f"skipped {s.path}: {s.reason}" for s in report.skipped]


def render_text(report, *, color: bool = False, quiet: bool = False, verbose: bool = False, **_options) -> str:
    out: list[str] = []
    for error in report.errors:
        where = error.file + (f":{error.line}:{error.column or 1}" if error.line else "")
        out.append(
            f"{where}: {_paint(error.severity, error.severity, color)} {_paint('input-error', 'bold', color)}  "
            f"{error.message}"
        )
    for finding in report.findings:
        out.extend(render_finding(report, finding, color, frames=not quiet))
    if not quiet:
        if out:
            out.append("")
        out.append(summary_line(report))
        out.extend(_skipped_note(report, verbose))
    return "\n".join(out) + "\n" if out else ""
