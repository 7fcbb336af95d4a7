"""Rollout predictions for people (a timeline), tools (JSON) and pull requests (Mermaid)."""

from __future__ import annotations

import json

from .. import __version__
from ..rolloutplan import UNGUARDED

_BAR_WIDTH = 20


def _bar(count: int, replicas: int, char: str) -> str:
    scale = max(replicas, 1)
    cells = count if scale <= _BAR_WIDTH else round(count * _BAR_WIDTH / scale)
    return char * cells


def _fencepost(raw, resolved) -> str:
    return f"{raw if raw is not None else '25%'} → {resolved}"


def _header(p) -> str:
    r = p.result
    if p.rejected or r.strategy.startswith(("StatefulSet", "DaemonSet")):
        where = (
            f"{p.manifest.file}:{p.manifest.locate(p.rejected[0].path if p.rejected else ('metadata', 'name')).line}"
        )
        if p.rejected:
            return f"{p.manifest.ref}  {where}"
        detail = (
            f"replicas {r.replicas}"
            if r.strategy.startswith("StatefulSet")
            else f"{r.replicas} node(s), maxSurge → {r.max_surge}, maxUnavailable → {r.max_unavailable}"
        )
        return f"{p.manifest.ref}  ({r.strategy.split(' ', 1)[1]}, {detail})  {where}"
    spec = p.manifest.obj.get("spec")
    strategy = spec.get("strategy") if isinstance(spec, dict) else None
    rolling = strategy.get("rollingUpdate") if isinstance(strategy, dict) else None
    if not isinstance(rolling, dict):
        rolling = {}
    where = f"{p.manifest.file}:{p.manifest.locate(('metadata', 'name')).line}"
    if r.strategy == "Recreate":
        return f"{p.manifest.ref}  (Recreate, replicas {r.replicas})  {where}"
    return (
        f"{p.manifest.ref}  (RollingUpdate, replicas {r.replicas}, maxSurge "
        f"{_fencepost(rolling.get('maxSurge'), r.max_surge)}, "
        f"maxUnavailable {_fencepost(rolling.get('maxUnavailable'), r.max_unavailable)})  {where}"
    )


def _deadline(p) -> str:
    """progress.go: Progressing=False ProgressDeadlineExceeded after progressDeadlineSeconds without progress."""
    seconds = getattr(p.result, "progress_deadline", None)
    if p.manifest.kind != "Deployment" or seconds is None:
        return ""
    return (
        f"; after progressDeadlineSeconds ({seconds} s) without progress the Deployment reports Progressing=False "
        f'(ProgressDeadlineExceeded) and `kubectl rollout status` prints: error: deployment "{p.manifest.name}" '
        "exceeded its progress deadline"
        " (the controller does not roll back)"
    )


def _outcome_line(p) -> str:
    r = p.result
    outcome = p.outcome
    if outcome == "rejected":
        return (
            "outcome: REJECTED — the API server refuses the apply; nothing rolls out and the running pods stay as they "
            "are (delete and recreate the object to change it)"
        )
    if outcome == "paused":
        return (
            "outcome: PAUSED — spec.paused: no new ReplicaSet is created until `kubectl rollout resume "
            f"deployment/{p.manifest.name}`; only replica counts change"
        )
    if outcome == "on-delete":
        return "outcome: ON DELETE — nothing is replaced until you delete the old pods"
    if r.strategy.startswith(("StatefulSet", "DaemonSet")) and outcome == "stuck":
        return "outcome: STUCK — " + "; ".join(r.notes)
    if outcome == "complete":
        return (
            f"outcome: COMPLETE — {r.replicas} new pod(s) available, availability never below "
            f"{r.min_available}/{r.replicas}"
        )
    if outcome == "stuck":
        dep = r.kubectl_deployment
        tables = ""
        if dep is not None:
            rs = ", ".join(f"{x.name} {x.desired} {x.current} {x.ready}" for x in r.kubectl_replicasets)
            tables = (
                f"; kubectl get deploy shows READY {dep.ready}, UP-TO-DATE {dep.up_to_date}, AVAILABLE {dep.available} "
                f"(rs DESIRED CURRENT READY: {rs})"
            )
        return (
            f"outcome: STUCK — the rollout stops after step {len(r.steps)}; the old pods keep "
            f"serving{tables}{_deadline(p)}"
        )
    if p.pdb is not None and r.min_available > 0:
        return (
            f"outcome: OUTAGE — availability drops to {r.min_available}, below PodDisruptionBudget {p.pdb.name} "
            f"minAvailable {p.pdb_min_available}"
        )
    step = r.outage_step or next((i + 1 for i, s in enumerate(r.steps) if s.available == 0), None)
    hint = ""
    if r.strategy == "RollingUpdate" and r.max_surge == 0:
        hint = "; with maxSurge ≥ 1 the old pod would have kept serving"
    elif r.strategy == "Recreate":
        hint = "; Recreate removes every old pod before creating new ones (use RollingUpdate to keep serving)"
    return f"outcome: OUTAGE — no pod serves from step {step} on{hint}"


def render_rollout_text(predictions, color: bool = False, **_options) -> str:
    if not predictions:
        return "No rollouts: no Deployment, StatefulSet or DaemonSet changed its pod template or replica count.\n"
    out = []
    for p in predictions:
        r = p.result
        out.append(_header(p))
        if p.rejected:
            out.extend(f"   {rejection.message}" for rejection in p.rejected)
            out.append(f"  {_outcome_line(p)}")
            out.append("")
            continue
        out.extend(f"   invalid: {problem.message}" for problem in r.problems)
        if p.old_manifest is None and p.hypothetical:
            out.append("   (no --from: the next rollout, as if the pod template changed)")
        if p.pod_outcome is not None and p.pod_outcome.status == "Running":
            out.append(f"   new pods start but never become Ready ({p.pod_outcome.message})")
        elif p.pod_outcome is not None:
            out.append(f"   new pods will not start: {p.pod_outcome.status} ({p.pod_outcome.message})")
        elif p.new_pods == "fail":
            out.append("   what-if: the new pods never become ready (--new-pods fail)")
        width = max((len(e) for s in r.steps for e in s.events), default=20)
        for number, step in enumerate(r.steps, start=1):
            events = list(step.events) or ["(no scaling)"]
            marker = ""
            if step.available == 0 and r.replicas > 0:
                marker = "  ✗ outage"
            elif p.pdb_min_available is not None and step.available < p.pdb_min_available:
                marker = f"  ✗ below PDB {p.pdb.name}"
            bars = (
                f"old {_bar(step.old, r.replicas, '█'):<{_BAR_WIDTH}} new "
                f"{_bar(step.new, r.replicas, '▓'):<{_BAR_WIDTH}}"
            )
            for i, event in enumerate(events):
                prefix = f"  {number:>2}  " if i == 0 else "      "
                tail = f"  available {step.available}/{r.replicas}  {bars}{marker}" if i == len(events) - 1 else ""
                out.append(f"{prefix}{event:<{width}}{tail}".rstrip())
        out.append(f"  {_outcome_line(p)}")
        out.extend(f"  note: {n}" for n in r.notes if n not in _outcome_line(p))
        if p.unguarded:
            out.append(f"  note: {UNGUARDED}")
        out.append("")
    return "\n".join(out)


def render_rollout_json(predictions, **_options) -> str:
    return (
        json.dumps(
            {"version": __version__, "deployments": [p.to_json() for p in predictions]}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


def render_rollout_mermaid(predictions, **_options) -> str:
    """One xychart per Deployment: pods available (bars), old and new pods (lines) per step."""
    if not predictions:
        return "%% no Deployment rollouts\n"
    blocks = []
    for p in predictions:
        r = p.result
        if p.rejected:
            blocks.append(f"%% {p.manifest.ref}: apply rejected: {p.rejected[0].message}")
            continue
        steps = [("0", r.initial_available, r.replicas if r.initial_available else 0, 0)]
        steps += [(str(i), s.available, s.old, s.new) for i, s in enumerate(r.steps, start=1)]
        title = f"{p.manifest.ref} rollout: {p.outcome}"
        top = max([r.replicas + r.max_surge] + [max(s[1], s[2], s[3]) for s in steps]) or 1
        blocks.append(
            "\n".join(
                [
                    "```mermaid",
                    "xychart-beta",
                    f'    title "{title}"',
                    f'    x-axis "step" [{", ".join(s[0] for s in steps)}]',
                    f'    y-axis "pods" 0 --> {top}',
                    f"    bar [{', '.join(str(s[1]) for s in steps)}]",
                    f"    line [{', '.join(str(s[2]) for s in steps)}]",
                    f"    line [{', '.join(str(s[3]) for s in steps)}]",
                    "```",
                    f"bars: available pods; lines: old pods, new pods. Events: {'; '.join(r.events) or 'none'}",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


ROLLOUT_FORMATS = {"text": render_rollout_text, "json": render_rollout_json, "mermaid": render_rollout_mermaid}
