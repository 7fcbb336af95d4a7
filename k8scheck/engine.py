"""The pipeline: load -> rules -> report data. No I/O beyond reading the inputs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import __version__
from .catalogue import Rule, load_catalogue
from .checks import REGISTRY
from .checks.hit import Hit
from .context import Context, Options
from .loader import DEFAULT_MAX_FILE_SIZE, LoadResult, load
from .model import SEVERITY_RANK, Diagnostic, Finding, LoadError, Related, SourceFile
from .problem import dotted


class UsageError(Exception):
    """Bad options (unknown rule, bad version...): exit code 2."""


@dataclass
class Report:
    findings: list[Finding]
    errors: list[LoadError]
    files: list[SourceFile]
    objects: int
    version: str = __version__
    rules: dict = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity) + sum(
            1 for e in self.errors if e.severity == severity
        )

    def worst_at_or_above(self, threshold: str) -> bool:
        floor = SEVERITY_RANK[threshold]
        return any(SEVERITY_RANK[f.severity] >= floor for f in self.findings) or any(
            SEVERITY_RANK[e.severity] >= floor for e in self.errors
        )

    def source(self, path: str) -> SourceFile | None:
        for source in self.files:
            if source.path == path:
                return source
        return None


def resolve_rule_names(names, catalogue: dict[str, Rule], option: str) -> set[str]:
    chosen = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name not in catalogue:
            close = difflib.get_close_matches(name, list(catalogue), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"{option}: unknown rule {name!r}{hint}; `k8scheck rules` lists them")
        chosen.add(name)
    return chosen


def active_rules(select=(), ignore=()) -> list[Rule]:
    catalogue = load_catalogue()
    selected = resolve_rule_names(select, catalogue, "--select") if select else set(catalogue)
    ignored = resolve_rule_names(ignore, catalogue, "--ignore")
    return [rule for slug, rule in catalogue.items() if slug in selected and slug not in ignored and slug in REGISTRY]


def _to_finding(rule: Rule, severity: str, item) -> Finding:
    if isinstance(item, Diagnostic):
        return Finding(rule.slug, severity, item.message, item.location, None, "", tuple(item.related))
    assert isinstance(item, Hit)
    manifest, problem = item.manifest, item.problem
    related = []
    for entry in problem.related:
        if isinstance(entry, Related):
            related.append(entry)
        else:
            other, path, message = entry
            related.append(Related(other.locate(path, "key" if not path else "value"), message))
    return Finding(
        rule.slug,
        severity,
        problem.message,
        manifest.locate(problem.path, problem.at),
        manifest.ref,
        dotted(problem.path),
        tuple(related),
        problem.fix,
    )


def run_rules(ctx: Context, rules: list[Rule], severities: dict | None = None) -> tuple[list[Finding], list[LoadError]]:
    findings: list[Finding] = []
    errors: list[LoadError] = []
    severities = severities or {}
    for rule in rules:
        check = REGISTRY[rule.slug]
        severity = severities.get(rule.slug, rule.severity)
        try:
            for item in check(ctx, rule):
                findings.append(_to_finding(rule, severity, item))
        except Exception as exc:  # a bug in one rule must not hide the others' findings
            errors.append(
                LoadError("<k8scheck>", f"internal error in rule {rule.slug}: {type(exc).__name__}: {exc} (please report this)")
            )
    findings.sort(key=Finding.sort_key)
    return findings, errors


def lint(
    paths: list[str],
    *,
    options: Options | None = None,
    select=(),
    ignore=(),
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    stdin_name: str = "<stdin>",
    loaded: LoadResult | None = None,
) -> Report:
    options = options or Options()
    rules = active_rules(select, ignore)
    if loaded is None:
        loaded = load(paths, namespace=options.namespace, max_file_size=max_file_size, stdin_name=stdin_name)
    ctx = Context(loaded, options)
    findings, internal = run_rules(ctx, rules)
    errors = sorted(loaded.errors, key=lambda e: (e.file, e.line or 0, e.column or 0, e.message)) + internal
    return Report(findings, errors, loaded.files, len(loaded.manifests), rules={r.slug: r for r in rules})
