"""The pipeline: load -> rules -> report data. No I/O beyond reading the inputs."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import NamedTuple

from . import __version__, apilifecycle, collector, runcache
from .catalogue import DEFAULT, Rule, expand_names, known_names, load_catalogue
from .config import Config
from .context import Context, Options
from .layout import related_directories
from .loader import DEFAULT_MAX_FILE_SIZE, Discovery, LoadResult, discover, parse_inputs, read_inputs
from .model import SEVERITY_RANK, Diagnostic, Finding, LoadError, Manifest, Related, SourceFile
from .problem import Hit, dotted


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
    suppressed: int = 0
    baselined: int = 0
    skipped: list = field(default_factory=list)  # layout.Skipped: inputs passed over on purpose
    cache_key: str | None = None  # the run cache's key of this report (None: not cached)
    watched: tuple[str, ...] | None = None  # the paths whose state decided a cached run (see k8scheck.replay)

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
    """The slugs that rule slugs, group names (k8scheck.catalogue.GROUPS), ``all`` and ``default`` stand for."""
    chosen, unknown = expand_names(names, catalogue)
    if unknown:
        import difflib

        name = unknown[0]
        close = difflib.get_close_matches(name, known_names(catalogue), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"{option}: unknown rule {name!r}{hint}; `k8scheck rules` lists the rules and their groups")
    return chosen


# What kept an input from being read as objects: reported whatever --select/--ignore say.
INPUT_RULES = frozenset({"yaml-syntax", "duplicate-key", "document-not-object"})


def active_rules(select=(), ignore=()) -> list[Rule]:
    """The rules a run checks: the selected ones (by default every rule whose group is on by
    default), minus the ignored; the input rules always run (a parse error is never hidden)."""
    from .checks import check_of  # the checks are imported only when a run is not answered from the cache

    catalogue = load_catalogue()
    selected = (
        resolve_rule_names(select, catalogue, "--select")
        if select
        else resolve_rule_names([DEFAULT], catalogue, "--select")
    )
    ignored = resolve_rule_names(ignore, catalogue, "--ignore") - INPUT_RULES
    chosen = (selected - ignored) | INPUT_RULES
    return [rule for slug, rule in catalogue.items() if slug in chosen and check_of(rule) is not None]


class InputProblem(NamedTuple):
    """An input (or part of one) that could not be read as objects, as every command reports it."""

    file: str
    line: int | None
    column: int | None
    severity: str
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column or 1}" if self.line else self.file


def input_problems(loaded: LoadResult) -> list[InputProblem]:
    """Unreadable files (LoadErrors) and unreadable documents (syntax diagnostics), in file order."""
    catalogue = load_catalogue()
    problems = [InputProblem(e.file, e.line, e.column, e.severity, e.message) for e in loaded.errors]
    for diagnostic in loaded.diagnostics:
        if diagnostic.rule in INPUT_RULES:
            loc = diagnostic.location
            problems.append(
                InputProblem(
                    loc.file,
                    loc.line,
                    loc.column,
                    catalogue[diagnostic.rule].severity,
                    f"{diagnostic.message} [{diagnostic.rule}]",
                )
            )
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.message))


def _holds_no_document(text: str) -> bool:
    return all(
        not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "...")
        for line in text.splitlines()
    )


def refuse_empty_stdin(loaded: LoadResult, inputs, stdin_name: str) -> None:
    """Empty stdin is an input error, not a clean run: `helm template … | k8scheck lint -` may have failed."""
    if not inputs.from_stdin:
        return
    for source in [f for f in loaded.files if f.path == stdin_name and _holds_no_document(f.text)]:
        loaded.files.remove(source)
        loaded.errors.append(
            LoadError(stdin_name, "stdin holds no YAML document (did the command piped into k8scheck fail?)")
        )


def _to_finding(rule: Rule, severity: str, item, source_of=lambda path: None) -> Finding:
    if isinstance(item, Diagnostic):
        return Finding(rule.slug, severity, item.message, item.location, None, "", tuple(item.related))
    assert isinstance(item, Hit)
    manifest, problem = item.manifest, item.problem
    related = []
    for entry in problem.related:
        if isinstance(entry, Related):
            related.append(entry)
        elif entry and isinstance(entry[0], Manifest):
            other, path, message = entry
            related.append(Related(other.locate(path, "key" if not path else "value"), message))
        else:  # a field path in the same object
            related.append(Related(manifest.locate(tuple(entry)), dotted(tuple(entry))))
    consequence = None
    if problem.consequence is not None:
        path, text = problem.consequence
        consequence = Related(manifest.locate(tuple(path)), text)
    # A missing field (``subject``) is pointed at through its own path: at its nearest written
    # ancestor, in the file that defines the object, not in a patch that only sets that ancestor.
    location = manifest.locate(problem.path if problem.subject is None else problem.subject, problem.at)
    return Finding(
        rule.slug,
        severity,
        problem.message,
        location,
        manifest.ref,
        dotted(problem.path),
        tuple(related),
        None if problem.fix is None else _replacement(problem.fix, source_of(location.file), location),
        subject=dotted(problem.subject) if problem.subject is not None else "",
        consequence=consequence,
        stable_path=stable_path(manifest.obj, tuple(problem.path)),
    )


def _replacement(fix: str | None, source: SourceFile | None, location) -> str | None:
    """``fix`` as text that replaces the span: a span written as a quoted string keeps its quotes.

    In a JSON file (and a double-quoted YAML scalar) the span covers the quotes, so
    an unquoted replacement would break the file.
    """
    if (
        fix is None
        or source is None
        or source.path != location.file
        or location.end_column is None
        or location.end_line != location.line
    ):
        return fix
    written = (source.line(location.line) or "")[location.column - 1 : location.end_column - 1]
    if len(written) >= 2 and written[0] == written[-1] == '"' and not (len(fix) >= 2 and fix[0] == fix[-1] == '"'):
        import json

        return json.dumps(fix, ensure_ascii=False)
    return fix


# Keys that name a list item for as long as the item exists (tried in this order).
_NAMING_KEYS = ("name", "containerPort", "port", "mountPath", "key", "path", "ip")


def stable_path(obj, path) -> str:
    """``dotted(path)`` with list items named, not counted: ``containers[name=web].env[name=HOST]``.

    Inserting an item above no longer changes the path (baselines stay valid); an
    item with no unique naming key keeps its index.
    """
    out, node = "", obj
    for part in path:
        if isinstance(part, int):
            out += _item_name(node, part)
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _item_name(items, index: int) -> str:
    item = items[index] if isinstance(items, list) and 0 <= index < len(items) else None
    if isinstance(item, dict):
        for key in _NAMING_KEYS:
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                if sum(1 for other in items if isinstance(other, dict) and other.get(key) == value) == 1:
                    return f"[{key}={value}]"
    return f"[{index}]"


def _own_severity(item) -> str | None:
    """The severity a check gave this one finding (an escalation, a kind of finding of its own), if any."""
    return item.severity if isinstance(item, Diagnostic) else item.problem.severity


class Checked(NamedTuple):
    """A finding and the object it is about (None for file-level findings), for the suppression stage."""

    finding: Finding
    manifest: Manifest | None


def run_rules(ctx: Context, rules: list[Rule], severities: dict | None = None, progress=None):
    """Every active check over the context: (Checked findings, internal errors).

    A finding on an object whose findings are not reported (``ctx.reported``: a
    --context file) is dropped before it is located or formatted. A large run
    checks on every core (``_parallel_rules``); the result never depends on it.
    """
    severities = severities or {}
    checks = list(rules)
    if _parallel_rules(ctx, checks):
        if progress is not None:
            progress(f"checking {len(ctx.manifests)} objects with {len(checks)} rules on every core")
        outcomes = _run_rules_parallel(ctx, checks, severities)
    else:
        outcomes = []
        for number, rule in enumerate(checks, start=1):
            if progress is not None:
                progress(f"checking {len(ctx.manifests)} objects: {rule.slug:<28}", number, len(checks))
            outcomes.append(_run_rule(ctx, rule, severities.get(rule.slug)))
    checked: list[Checked] = []
    errors: list[LoadError] = []
    for outcome in outcomes:
        checked += outcome.checked
        if outcome.error is not None:
            errors.append(outcome.error)
    errors += [LoadError("<k8scheck>", message) for message in ctx.graph_errors]
    return checked, errors


class RuleOutcome(NamedTuple):
    """What one rule found, or the internal error that stopped it."""

    checked: list[Checked]
    error: LoadError | None


def _run_rule(ctx: Context, rule: Rule, override: str | None) -> RuleOutcome:
    from .checks import check_of

    checked: list[Checked] = []
    try:
        for item in check_of(rule)(ctx, rule):
            if isinstance(item, Hit) and not ctx.reports(item.manifest):
                continue
            finding = _to_finding(rule, override or _own_severity(item) or rule.severity, item, ctx.source_of)
            checked.append(Checked(finding, item.manifest if isinstance(item, Hit) else None))
    except Exception as exc:  # a bug in one rule must not hide the others' findings
        message = f"internal error in rule {rule.slug}: {type(exc).__name__}: {exc} (please report this)"
        return RuleOutcome(checked, LoadError("<k8scheck>", message))
    return RuleOutcome(checked, None)


def _parallel_rules(ctx: Context, checks: list[Rule]) -> bool:
    from .parallel import PARALLEL_MIN_OBJECTS, processes

    return len(ctx.manifests) >= PARALLEL_MIN_OBJECTS and len(checks) >= 2 and processes(ctx.jobs) > 1


# The analyses whose rules run in a forked process beside the graph and the rollouts
# (about half of a large run's checking, measured on bench/'s corpus).
BESIDE_THE_GRAPH = ("schema_problems", "semantic_problems")


def _run_rules_parallel(ctx: Context, checks: list[Rule], severities: dict) -> list[RuleOutcome]:
    """``_run_rule`` for every check, shared out between processes; outcomes in the order of ``checks``.

    The rules that read the schema and API-server analyses go to a forked process,
    which computes those analyses as they ask; this one builds the graph and predicts
    the rollouts for the rules that read them. Neither needs the other's analyses. The
    rules that read neither are claimed one unit at a time (rules reading the same
    analysis together) by whichever process is free first: how long each side takes
    depends on the inputs (a run with findings everywhere predicts many more failing
    rollouts), so no split planned ahead comes out even.
    """
    from .checks import shared_reads
    from .parallel import Claims, in_background, map_objects

    reads = {rule.slug: set(shared_reads([rule])) for rule in checks}
    there = [rule for rule in checks if set(BESIDE_THE_GRAPH) & reads[rule.slug]]
    here = [rule for rule in checks if rule not in there and "graph" in reads[rule.slug]]
    index_of = {id(manifest): index for index, manifest in enumerate(ctx.manifests)}

    def portable(rule: Rule):
        # Findings travel back by value; the object a finding is about, by its index.
        outcome = _run_rule(ctx, rule, severities.get(rule.slug))
        return [(c.finding, index_of.get(id(c.manifest))) for c in outcome.checked], outcome.error

    if there and here:
        units: dict[tuple, list[Rule]] = {}
        for rule in checks:
            if rule not in there and rule not in here:
                units.setdefault(tuple(sorted(reads[rule.slug])) or (rule.slug,), []).append(rule)
        claims = Claims(list(units.values()))

        def run(mandatory: list[Rule]) -> dict:
            done = {rule.slug: portable(rule) for rule in mandatory}
            for unit in claims.claimed():
                done.update((rule.slug, portable(rule)) for rule in unit)
            return done

        pending = in_background(lambda: run(there))
        results = run(here)
        results.update(pending.get())
    else:
        # What several rules read is computed once, here, so no process computes it twice.
        for name in shared_reads(checks):
            getattr(ctx, name)
        # Neighbouring rules often cost alike (a module's checks sit together): deal them
        # out alternately so both shares take about as long.
        dealt = checks[0::2] + checks[1::2]
        results = dict(zip((rule.slug for rule in dealt), map_objects(portable, dealt, ctx.jobs, min_items=1)))
    outcomes = []
    for rule in checks:
        found, error = results[rule.slug]
        checked = [Checked(finding, None if i is None else ctx.manifests[i]) for finding, i in found]
        outcomes.append(RuleOutcome(checked, error))
    return outcomes


def run_units(
    loaded: LoadResult,
    options: Options,
    rules: list[Rule],
    severities: dict | None = None,
    progress=None,
    reported: set | None = None,
    jobs: int | None = None,
):
    """``run_rules`` once per apply unit: each kustomization render and chart is checked on its own.

    Objects of different units are never compared (two overlays rendering the same
    base are not duplicates of each other). A finding in a file several units share
    (a base) is reported once.
    """
    active = {r.slug for r in rules}
    units: dict[str | None, list[Manifest]] = {None: []}
    for manifest in loaded.manifests:
        units.setdefault(manifest.unit, []).append(manifest)
    if len(units) == 2 and not units[None] and not loaded.diagnostics:
        del units[None]
    checked: list[Checked] = []
    errors: list[LoadError] = []
    seen: dict = {}
    single = len(units) == 1
    for unit, manifests in units.items():
        view = (
            loaded
            if single
            else LoadResult(
                files=loaded.files,
                manifests=manifests,
                diagnostics=loaded.diagnostics if unit is None else [],
                templates=loaded.templates,
            )
        )
        context = Context(view, options, active, reported, jobs)
        unit_checked, unit_errors = run_rules(context, rules, severities, progress)
        alternatives = _Alternatives(context)
        for item in unit_checked:
            finding = item.finding
            if not single and seen.setdefault((finding.rule, finding.location, finding.path), unit) != unit:
                continue  # a shared base's finding, already reported through an earlier unit
            if unit is None and finding.rule not in (severities or {}):  # a severity the user set stays
                elsewhere = _only_elsewhere(finding, alternatives)
                if elsewhere is not finding:
                    item = Checked(elsewhere, item.manifest)
            checked.append(item)
        errors += [e for e in unit_errors if e not in errors]
    if len(units) > 1 and apilifecycle.RULE_REMOVED not in (severities or {}):
        checked = _legacy_variants(checked, loaded.manifests)
    return checked, errors


def _legacy_variants(checked: list[Checked], manifests: list[Manifest]) -> list[Checked]:
    """A removed apiVersion in one rendering is a warning when another rendering of the same run
    writes the same object in the version that replaces it.

    Repositories ship an overlay per range of cluster versions (``release`` for old clusters,
    ``release-1.21+`` patching the apiVersion): each is applied on its own, to the clusters it is
    for, so the old one is a variant kept for old clusters, not a mistake.
    """
    removed = [
        index
        for index, item in enumerate(checked)
        if item.finding.rule == apilifecycle.RULE_REMOVED
        and item.finding.severity == "error"
        and item.finding.fix
        and item.manifest is not None
        and item.manifest.unit is not None
    ]
    if not removed:
        return checked
    rendered: dict[tuple, str] = {}  # (apiVersion, kind, namespace, name) -> the first unit rendering it
    for manifest in manifests:
        if manifest.unit is not None:
            rendered.setdefault((manifest.api_version, manifest.kind, manifest.namespace, manifest.name), manifest.unit)
    checked = list(checked)
    for index in removed:
        finding, old = checked[index]
        assert old is not None
        newer = rendered.get((finding.fix, old.kind, old.namespace, old.name))
        if newer is None or newer == old.unit:
            continue
        note = (
            f" ({newer} renders the same {old.kind} as {finding.fix}: {old.unit} is "
            "the variant for older clusters, an error only if applied to this version)"
        )
        replaced = dataclasses.replace(finding, severity="warning", message=finding.message + note)
        checked[index] = Checked(replaced, old)
    return checked


class _Alternatives:
    """The pairs of plain files that look like alternatives (``duplicate-object``'s note), found when asked."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._pairs: set[frozenset] | None = None

    def __call__(self, first: str, second: str) -> bool:
        if self._pairs is None:
            from .checks.basic import alternative_files

            threshold = self._context.params(load_catalogue()["duplicate-object"])["alternatives"]
            self._pairs = alternative_files(self._context.manifests, threshold)
        return frozenset((first, second)) in self._pairs


def _only_elsewhere(finding: Finding, alternatives=None) -> Finding:
    """An error whose only evidence lies in an unrelated directory, or in a file that looks like an
    alternative of its own, is a warning that names both places.

    Plain files in sibling directories (another example, another variant), or two files
    defining the same objects (one per credential type, one per provider), may never be
    applied together, so a match or a near miss there proves nothing for sure.
    """
    here = finding.location.file
    elsewhere = [r for r in finding.related if r.location.file != here]
    if finding.severity != "error" or not elsewhere or len(elsewhere) != len(finding.related):
        return finding
    if alternatives is not None and all(alternatives(here, r.location.file) for r in elsewhere):
        note = (
            f" (the evidence is in {elsewhere[0].location.file}, which defines the same objects as this file: "
            "they look like alternatives, an error only if both are applied together)"
        )
        return dataclasses.replace(finding, severity="warning", message=finding.message + note)
    if any(related_directories(here, r.location.file) for r in elsewhere):
        return finding
    where = os.path.dirname(elsewhere[0].location.file) or "."
    note = (
        f" (the evidence is in {where}, a directory unrelated to this one: an error only if both are applied together)"
    )
    return dataclasses.replace(finding, severity="warning", message=finding.message + note)


@dataclass
class Settings:
    """Everything a lint run is told, merged from the config file and the command line."""

    options: Options = field(default_factory=Options)
    select: tuple = ()
    ignore: tuple = ()
    severity: dict = field(default_factory=dict)
    config: Config | None = None
    context: tuple = ()
    baseline: dict | None = None  # fingerprint -> count
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    stdin_name: str = "<stdin>"
    discovery: Discovery = field(default_factory=Discovery)
    use_cache: bool = False  # the CLI turns it on (--no-cache turns it off); library calls stay pure
    jobs: int | None = None  # processes for parsing (None: every core)
    progress: object = None  # callable(text, done, total), e.g. progress.Progress
    # Where the run leaves its large intermediate values (the parsed objects) instead of freeing them
    # one by one on return: the CLI's ``replay.CommandProcess.kept``, which its process never frees.
    retain: list | None = None


class _UnusedRule(NamedTuple):
    """What the suppression stage judges ignores against."""

    known: set  # every slug
    default: set  # the rules a run checks unless told otherwise


def lint(
    paths: list[str], *, options: Options | None = None, select=(), ignore=(), settings: Settings | None = None, **extra
) -> Report:
    """Run the whole pipeline over ``paths``: load, check, suppress, baseline."""
    with collector.paused():
        return _lint(paths, options=options, select=select, ignore=ignore, settings=settings, **extra)


def _lint(paths, *, options=None, select=(), ignore=(), settings=None, **extra) -> Report:
    if settings is None:
        settings = Settings(options=options or Options(), select=tuple(select), ignore=tuple(ignore), **extra)
    options = settings.options
    catalogue = load_catalogue()
    severities = _checked_rule_names(settings, catalogue)
    progress = settings.progress or (lambda *args: None)
    progress("reading files")
    stat_index = runcache.StatIndex() if settings.use_cache else None
    inputs = read_inputs(
        list(paths) + list(settings.context),
        max_file_size=settings.max_file_size,
        stdin_name=settings.stdin_name,
        discovery=settings.discovery,
        stat_index=stat_index,
    )
    if stat_index is not None:
        stat_index.save()
    key = runcache.run_key(inputs, settings) if settings.use_cache else None
    watched = _watched(inputs, list(paths) + list(settings.context), options) if key is not None else None
    if key is not None:
        cached = runcache.load(key)
        if cached is not None:
            report = _report_from_cache(cached, inputs, catalogue, key)
            report.watched = watched
            return report
    rules = active_rules(settings.select, settings.ignore)
    progress(f"parsing {len(inputs.sources)} files")
    files_cache = runcache.FileCache() if settings.use_cache else None
    loaded = parse_inputs(inputs, namespace=options.namespace, jobs=settings.jobs, cache=files_cache)
    if files_cache is not None:
        files_cache.prune()
    refuse_empty_stdin(loaded, inputs, settings.stdin_name)
    primary, context_only = _primary_files(loaded, inputs, paths, settings.context)
    checked, internal = run_units(loaded, options, rules, severities, progress, primary, settings.jobs)
    if primary is not None:
        # --context files are read for references only; their own problems are not reported.
        checked = [c for c in checked if c.finding.location.file in primary]
        loaded.errors = [e for e in loaded.errors if e.file not in context_only]
    if settings.config is not None and settings.config.per_file_ignores:
        config = settings.config
        checked = [c for c in checked if c.finding.rule not in config.ignored_in(c.finding.location.file)]
    from . import merge, suppress

    active = {r.slug for r in rules}
    unused_rule = (
        _UnusedRule(set(catalogue), resolve_rule_names([DEFAULT], catalogue, "--select"))
        if suppress.RULE in active
        else None
    )
    files = [f for f in loaded.files if primary is None or f.path in primary]
    findings, suppressed, unused = suppress.apply(checked, files, loaded.manifests, active, unused_rule)
    findings += [_to_finding(catalogue[d.rule], catalogue[d.rule].severity, d) for d in unused]
    findings = merge.merge(findings, catalogue)
    baselined = 0
    if settings.baseline is not None:
        findings, baselined = apply_baseline(findings, settings.baseline)
    findings.sort(key=Finding.sort_key)
    errors = sorted(loaded.errors, key=lambda e: (e.file, e.line or 0, e.column or 0, e.message)) + internal
    objects = sum(1 for m in loaded.manifests if primary is None or m.file in primary)
    skipped = sorted(loaded.skipped, key=lambda s: s.path)
    report = Report(
        findings,
        errors,
        files,
        objects,
        rules={r.slug: r for r in rules},
        suppressed=suppressed,
        baselined=baselined,
        skipped=skipped,
    )
    if key is not None:
        _store_report(key, report)
        report.cache_key = key
        report.watched = watched
    if settings.retain is not None:
        settings.retain.append((inputs, loaded, checked))
    return report


def _watched(inputs, named: list[str], options: Options) -> tuple[str, ...] | None:
    """What a cached run read from the file system, for ``replay``: k8scheck's code and data, the ancestors of
    every named path (configuration, kustomization files and ``.git`` are looked for there), the directories
    listed, the files read and what the options name. None when the discovery looked through the whole
    repository: its outcome depends on more than these."""
    if inputs.whole_repository:
        return None
    paths = list(runcache.code_paths())
    for name in named:
        path = os.path.abspath(name)
        while True:
            paths.append(path)
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return tuple(paths + inputs.directories + inputs.files + runcache.option_paths(options))


def _store_report(key, report: Report) -> None:
    """The run's report in the run cache, under the key of its inputs and settings."""
    runcache.store(
        key,
        {
            "findings": report.findings,
            "errors": report.errors,
            "files": [f.path for f in report.files],
            "objects": report.objects,
            "rules": sorted(report.rules),
            "suppressed": report.suppressed,
            "baselined": report.baselined,
            "skipped": report.skipped,
        },
    )


def _checked_rule_names(settings: Settings, catalogue) -> dict:
    """Every rule name in --select, --ignore and the severity table must exist; the severities, as a dict."""
    resolve_rule_names(settings.select, catalogue, "--select")
    resolve_rule_names(settings.ignore, catalogue, "--ignore")
    severities = dict(settings.severity)
    for slug in severities:
        resolve_rule_names([slug], catalogue, "severity")
    return severities


def _report_from_cache(cached: dict, inputs, catalogue, key: str) -> Report:
    by_path = {source.path: source for source in inputs.sources}
    files = [by_path[path] for path in cached["files"] if path in by_path]
    return Report(
        cached["findings"],
        cached["errors"],
        files,
        cached["objects"],
        rules={slug: catalogue[slug] for slug in cached["rules"] if slug in catalogue},
        suppressed=cached["suppressed"],
        baselined=cached["baselined"],
        skipped=cached.get("skipped", []),
        cache_key=key,
    )


def _primary_files(loaded: LoadResult, inputs, paths, context) -> tuple[set | None, set]:
    """(the files whose findings are reported, the files only --context named); (None, empty) without --context."""
    if not context:
        return None, set()
    named = set(discover(list(paths), []))
    context_only = set(inputs.files) - named  # read from paths + context: what paths did not name came from context
    return {f.path for f in loaded.files if f.path not in context_only}, context_only


def apply_baseline(findings: list[Finding], baseline: dict) -> tuple[list[Finding], int]:
    """Drop findings recorded in the baseline (by identity, not line), as many times as recorded."""
    remaining = dict(baseline)
    kept = []
    dropped = 0
    for finding in findings:
        # Version 1 baselines keyed list items by index: still read them.
        key = next((k for k in (finding.fingerprint(), finding.index_fingerprint()) if remaining.get(k, 0) > 0), None)
        if key is not None:
            remaining[key] -= 1
            dropped += 1
        else:
            kept.append(finding)
    return kept, dropped


def baseline_data(report: Report) -> dict:
    return {
        "version": 2,  # 2: list items named by a stable key (containers[name=web]); 1: by index
        "tool": f"k8scheck {report.version}",
        "findings": sorted(
            ({"fingerprint": f.fingerprint(), "rule": f.rule, "identity": f.identity()} for f in report.findings),
            key=lambda e: (e["rule"], e["identity"]),
        ),
    }


def read_baseline(path: str) -> dict:
    import json

    try:
        data = json.loads(open(path, encoding="utf-8").read())
        entries = data["findings"]
        counts: dict = {}
        for entry in entries:
            counts[entry["fingerprint"]] = counts.get(entry["fingerprint"], 0) + 1
        return counts
    except FileNotFoundError:
        raise UsageError(f"--baseline: {path} does not exist (create it with --write-baseline {path})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--baseline: {path} is not a k8scheck baseline: {exc}") from None
