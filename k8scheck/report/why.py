"""`k8scheck why` output: one line per hop, the symptom, the fix."""

from __future__ import annotations

import json

from .. import __version__

_MARK = {True: "✓", False: "✗", None: "·"}
WARNING_MARK = "!"


def _mark(hop) -> str:
    return WARNING_MARK if hop.warning and hop.ok is None else _MARK[hop.ok]


def render_why_text(verdict, **_options) -> str:
    rows = []
    for hop in verdict.hops:
        location = hop.location()
        where = f"{location.file}:{location.line}" if location else ""
        rows.append((f"{_mark(hop)} {hop.title}", where, hop))
    width = min(max((len(r[0]) for r in rows), default=0), 90)
    out = []
    first_failure = next((h for h in verdict.hops if h.ok is False), None)
    for text, where, hop in rows:
        out.append(f"{text:<{width}}  {where}".rstrip())
        if hop is first_failure or hop.ok is False or hop.warning:
            if hop.reason:
                out.append(f"    {hop.reason}")
            for evidence, location in hop.evidence:
                out.append(f"    {evidence} ({location.file}:{location.line})")
    if verdict.reachable:
        out.append(verdict.summary or "the request would reach a ready pod")
    else:
        out.append(f"curl would fail: {verdict.symptom}" if verdict.symptom else "the request would fail")
    if verdict.fix:
        out.append("fix:")
        out += ["  " + line for line in verdict.fix.rstrip("\n").splitlines()]
    return "\n".join(out) + "\n"


_BASE_FIELDS = frozenset({"kind", "title", "object", "ok", "file", "line", "reason", "evidence", "warning"})


def why_data(verdict) -> dict:
    """The JSON shape: fields are only ever added (warning, addresses, ports, workloads, policy...), never renamed."""
    hops = []
    for hop in verdict.hops:
        location = hop.location()
        hops.append(
            {
                "kind": hop.kind,
                "title": hop.title,
                "object": hop.manifest.ref.to_json() if hop.manifest is not None else None,
                "ok": hop.ok,
                "file": location.file if location else None,
                "line": location.line if location else None,
                "reason": hop.reason or None,
                "evidence": [{"message": text, "file": loc.file, "line": loc.line} for text, loc in hop.evidence],
                "warning": hop.warning,
                **{k: v for k, v in hop.data.items() if k not in _BASE_FIELDS},
            }
        )
    return {
        "version": __version__,
        "target": verdict.target,
        "reachable": verdict.reachable,
        "hops": hops,
        "symptom": verdict.symptom,
        "fix": verdict.fix,
        "summary": verdict.summary,
    }


def render_why_json(verdict, **_options) -> str:
    return json.dumps(why_data(verdict), indent=2, ensure_ascii=False) + "\n"


WHY_FORMATS = {"text": render_why_text, "json": render_why_json}
