"""One mistake, one finding: the step after the rules and the suppressions.

Findings are grouped by place: location, object and the field they are about
(``Finding.subject``, else ``Finding.path``); a covering finding about a field also
covers what is inside it (about the whole object: every field). The catalogue declares how rules
relate at one place (``rules/<slug>.yaml``):

- ``covered-by: [rule, ...]``: those rules report the same fact better (a missing
  ``spec.selector`` is ``selector-template-mismatch``'s, with the labels to add),
  so this rule's finding is dropped;
- ``consequence-of: [rule, ...]``: those rules report the root cause (a missing
  ConfigMap key), this rule what it leads to (a stuck rollout), so this rule's
  finding becomes a related note of the root cause's finding, which keeps the
  higher of the two severities.

Relations are one level deep (a rule named in them declares none itself; tested),
so the result does not depend on the order of the findings. Last, exact duplicates
(rule, location, message) are dropped.

It runs after the suppressions: a suppressed root cause no longer hides its
consequence (the rollout is still stuck), and a comment that ignores the
consequence keeps being used.
"""

from __future__ import annotations

import dataclasses

from .model import SEVERITY_RANK, Finding, Related


def _place(finding: Finding) -> tuple:
    loc = finding.location
    return (loc.file, loc.line, loc.column, finding.object, finding.subject or finding.path)


def _subject(finding: Finding) -> str:
    return finding.subject or finding.path


def _within(subject: str, cover: str) -> bool:
    """``subject`` is the field ``cover`` is about, or inside it (the whole object covers every field)."""
    return not cover or subject == cover or subject.startswith((cover + ".", cover + "["))


def _note(finding: Finding) -> Related:
    if finding.consequence is not None:
        return Related(finding.consequence.location, f"{finding.rule}: {finding.consequence.message}")
    return Related(finding.location, f"{finding.rule}: {finding.message}")


def merge(findings: list[Finding], catalogue: dict) -> list[Finding]:
    """The findings with covered ones dropped, consequences folded in, duplicates removed."""
    relating = {slug for slug, rule in catalogue.items() if rule.covered_by or rule.consequence_of}
    involved = relating | {other for slug in relating for other in _related_slugs(catalogue[slug])}
    # Only the findings of rules in a relation are grouped by place (most findings are not).
    rules_at: dict[tuple, dict[str, Finding]] = {}
    subjects_at: dict[tuple, list[tuple[str, str]]] = {}  # spot -> (rule, subject)
    for finding in findings:
        if finding.rule in involved:
            place = _place(finding)
            rules_at.setdefault(place, {}).setdefault(finding.rule, finding)
            subjects_at.setdefault(place[:4], []).append((finding.rule, _subject(finding)))
    notes: dict[int, list[Finding]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.rule not in relating:
            kept.append(finding)
            continue
        rule = catalogue[finding.rule]
        place = _place(finding)
        if rule.covered_by:
            mine = _subject(finding)
            if any(slug in rule.covered_by and _within(mine, theirs) for slug, theirs in subjects_at[place[:4]]):
                continue
        if rule.consequence_of:
            here = rules_at[place]
            root = next((here[slug] for slug in rule.consequence_of if slug in here), None)
            if root is not None:
                notes.setdefault(id(root), []).append(finding)
                continue
        kept.append(finding)
    return _unique([_with_notes(f, notes.get(id(f), ())) for f in kept])


def _related_slugs(rule) -> tuple:
    return tuple(rule.covered_by) + tuple(rule.consequence_of)


def _with_notes(finding: Finding, consequences) -> Finding:
    if not consequences:
        return finding
    related = list(finding.related)
    severity = finding.severity
    for consequence in consequences:
        note = _note(consequence)
        if note not in related:
            related.append(note)
        if SEVERITY_RANK[consequence.severity] > SEVERITY_RANK[severity]:
            severity = consequence.severity
    return dataclasses.replace(finding, severity=severity, related=tuple(related))


def _unique(findings: list[Finding]) -> list[Finding]:
    """A safety net: the same rule, place and message is one finding, however often a check yields it."""
    seen = set()
    out = []
    for finding in findings:
        key = (finding.rule, finding.location, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
