"""Suppressions: `# k8scheck: ignore[rule-a,rule-b] reason` comments and the
`k8scheck.io/ignore` annotation. An ignore that suppresses nothing is reported
(`unused-suppression`), so suppressions do not rot.

A comment applies to findings on its own line, or, written on an object's first
line, to every finding of that object; `# k8scheck: ignore-next-line[...]` applies
to the line below it. Without a rule list (`# k8scheck: ignore`) a comment
suppresses every rule but the input rules (a syntax error is never hidden). The
annotation applies to its object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Diagnostic, Manifest
from .positions import Location
from .yamlsource import suppression_comments

ANNOTATION = "k8scheck.io/ignore"
RULE = "unused-suppression"  # the slug this stage emits (rules/unused-suppression.yaml: stage: suppress)
EVERY_RULE = frozenset({"*"})  # a bare ignore: every rule


@dataclass
class Suppression:
    rules: frozenset  # slugs, or EVERY_RULE
    location: Location
    kind: str  # "comment" | "annotation" | "directive" (a word after k8scheck: that is not one)
    used: set = field(default_factory=set)
    word: str = ""  # the unknown directive

    def covers(self, rule: str) -> bool:
        from .engine import INPUT_RULES

        return rule in self.rules or (self.rules == EVERY_RULE and rule not in INPUT_RULES)


def _rules(text: str) -> frozenset:
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def collect(files, manifests: list[Manifest]):
    """(comments by (file, line), annotations by id(manifest), every suppression)."""
    by_line: dict[tuple[str, int], Suppression] = {}
    everything: list[Suppression] = []
    for source in files:
        comments = source.comments if source.comments is not None else suppression_comments(source.text)
        for comment in comments:
            if comment.unknown is not None:  # suppresses nothing; reported as unused
                everything.append(
                    Suppression(
                        frozenset(),
                        Location(source.path, comment.line, comment.column),
                        "directive",
                        word=comment.unknown,
                    )
                )
                continue
            rules = _rules(comment.rules) if comment.rules is not None else EVERY_RULE
            item = Suppression(rules, Location(source.path, comment.line, comment.column), "comment")
            by_line[(source.path, comment.line + 1 if comment.next_line else comment.line)] = item
            everything.append(item)
    by_object: dict[int, Suppression] = {}
    for manifest in manifests:
        annotations = manifest.metadata.get("annotations")
        if isinstance(annotations, dict) and isinstance(annotations.get(ANNOTATION), str):
            item = Suppression(
                _rules(annotations[ANNOTATION]),
                manifest.locate(("metadata", "annotations", ANNOTATION)),
                "annotation",
            )
            by_object[id(manifest)] = item
            everything.append(item)
    return by_line, by_object, everything


def _split(checked, by_line: dict, by_object: dict) -> tuple[list, int]:
    """(the findings no suppression covers, how many were suppressed); each suppression notes what it used."""
    kept = []
    suppressed = 0
    for finding, manifest in checked:
        candidates = [by_line.get((finding.location.file, finding.location.line))]
        if manifest is not None:
            candidates.append(by_line.get(manifest.first_line()))
            candidates.append(by_object.get(id(manifest)))
        hit = next((c for c in candidates if c is not None and c.covers(finding.rule)), None)
        if hit is None:
            kept.append(finding)
        else:
            hit.used.add(finding.rule)
            suppressed += 1
    return kept, suppressed


def apply(checked, files, manifests, active_rules: set, unused_rule=None):
    """Split findings into (kept, suppressed count) and report unused suppressions.

    ``checked``: (finding, the manifest it is about or None) pairs, as the engine's rules produce them.
    """
    by_line, by_object, everything = collect(files, manifests)
    if by_line or by_object:
        kept, suppressed = _split(checked, by_line, by_object)
    else:  # no suppression anywhere (most runs): nothing to look up
        kept, suppressed = [finding for finding, _ in checked], 0
    unused = []
    if unused_rule is not None:
        for item in everything:
            if item.kind == "directive":
                unused.append(
                    Diagnostic(
                        RULE,
                        f"# k8scheck: {item.word} is not a k8scheck directive, so it suppresses nothing "
                        "(write ignore[rule,...] or ignore-next-line[rule,...])",
                        item.location,
                    )
                )
                continue
            if item.rules == EVERY_RULE:
                if not item.used and unused_rule.default <= active_rules:  # judged only when every default rule ran
                    unused.append(
                        Diagnostic(
                            RULE,
                            "# k8scheck: ignore suppresses nothing here; remove it",
                            item.location,
                        )
                    )
                continue
            for slug in sorted(item.rules - item.used):
                if slug not in active_rules and slug in unused_rule.known:
                    continue  # the rule did not run (--select/--ignore): no verdict
                reason = "is not a k8scheck rule" if slug not in unused_rule.known else "suppresses nothing here"
                unused.append(
                    Diagnostic(
                        RULE,
                        f"{'# k8scheck: ignore' if item.kind == 'comment' else ANNOTATION} [{slug}] {reason}; remove "
                        "it",
                        item.location,
                    )
                )
    return kept, suppressed, unused
