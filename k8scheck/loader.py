"""Paths -> Kubernetes objects, and everything that kept a file from being read.

Nothing here is fatal to the run: an unreadable file becomes a ``LoadError``,
a broken document a ``Diagnostic``, and every other file is still read.
"""

from __future__ import annotations

import codecs
import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import harness, layout, runcache
from .kinds import CLUSTER_SCOPED, containers, pod_template
from .model import Diagnostic, LoadError, Manifest, Related, SourceFile
from .positions import Location, SpanCache, locate

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
STDIN = "-"

# Files a directory walk passes over: they are YAML but not Kubernetes objects.
# (Named explicitly on the command line, they are read like any other file.)
NOT_MANIFESTS = ("kustomization.yaml", "kustomization.yml", "Chart.yaml", "Chart.lock")


@dataclass
class LoadResult:
    files: list[SourceFile] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    skipped: list[layout.Skipped] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)  # path -> text of a template the walk passed over
    span_cache: SpanCache = field(default_factory=SpanCache, repr=False)  # this run's resolved position indexes
    cache: object = field(default=None, repr=False)  # runcache.FileCache of this run, if any

    def source(self, path: str) -> SourceFile | None:
        for file in self.files:
            if file.path == path:
                return file
        return None


class _Texts:
    """The texts of ``sources`` as a sequence, each read only when indexed (the parse cache may have it)."""

    def __init__(self, sources: list[SourceFile]):
        self.sources = sources

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index: int) -> str:
        return self.sources[index].text


def _is_values_file(name: str) -> bool:
    return name.startswith("values") and name.endswith((".yaml", ".yml"))


def discover(paths: list[str], errors: list[LoadError], exclude=()) -> list[str]:
    """The plain files ``paths`` name or hold (what is read raw; see ``discover_layout``)."""
    return discover_layout(paths, errors, exclude).files


def discover_layout(paths: list[str], errors: list[LoadError], exclude=()) -> layout.Layout:
    """Expand directories into the units they are applied as: recursive, sorted, deterministic.

    Hidden entries are skipped, and a symlink is followed only when its target
    stays inside one of the given directories (no escaping the tree a user named).
    A chart directory is not walked into; kustomization directories are found so
    that what they consume is rendered through them, not read raw.
    """
    named: list[str] = []
    found = _Walk(exclude)
    for raw in paths:
        if raw == STDIN:
            named.append(STDIN)
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            errors.append(LoadError(raw, "no such file or directory"))
            continue
        if path.is_dir():
            root = os.path.realpath(raw)
            found.root = raw
            found.walk(raw, root, {root}, errors, root)
            continue
        rendering, looked = _rendered_for(raw, found.kustomizations_read)
        found.whole_repository = found.whole_repository or looked
        if rendering:
            found.skipped.append(
                layout.Skipped(raw, f"used by a kustomization: checked by rendering {', '.join(rendering)}")
            )
            found.rendered_for_named += rendering
        else:
            named.append(raw)
    units = layout.plan_units(
        _unique(found.files), _unique(found.kustomizations), _unique(found.charts), found.kustomizations_read
    )
    # A file reached twice (named and inside a named directory) is read once, and
    # the order the paths were given in never changes the result.
    units.walked = {os.path.normpath(p) for p in units.files} - {os.path.normpath(p) for p in named}
    units.files = _unique(named + units.files)
    units.kustomizations = _unique(
        units.kustomizations
        + [
            d
            for d in found.rendered_for_named
            if os.path.realpath(d) not in {os.path.realpath(k) for k in units.kustomizations}
        ]
    )
    units.skipped += found.skipped
    units.directories = found.directories
    units.whole_repository = found.whole_repository
    return units


def _rendered_for(path: str, kustomizations: layout.Kustomizations) -> tuple[list[str], bool]:
    """(the kustomizations to render for a file named on the command line (none: read it raw), whether
    the whole repository was looked through for them).

    A kustomization file stands for its directory: the directory is rendered, or
    the overlays that consume it.
    """
    if os.path.basename(path) in layout.KUSTOMIZATION_NAMES:
        directory = os.path.dirname(path) or "."
        return layout.consuming_units(directory, kustomizations) or [directory], True
    if path.endswith(MANIFEST_SUFFIXES):
        units = layout.consuming_units(path, kustomizations)
        return units or [], units is not None
    return [], False


def _unique(items: list[str]) -> list[str]:
    """``items`` once each (by normalised path), sorted by it: stdin first."""
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item if item == STDIN else os.path.normpath(item), item)
    return [seen[key] for key in sorted(seen, key=lambda key: (key != STDIN, key))]


class _Walk:
    """One directory walk: plain files, kustomization and chart directories, exclusions."""

    def __init__(self, exclude=()):
        self.exclude = tuple(exclude)
        self.root = ""
        self.files: list[str] = []
        self.kustomizations: list[str] = []
        self.charts: list[str] = []
        self.skipped: list[layout.Skipped] = []
        self.kustomizations_read = layout.Kustomizations()
        self.rendered_for_named: list[str] = []  # kustomizations that render a file named on the command line
        self.directories: list[str] = []  # every directory listed (or that could not be)
        self.whole_repository = False

    def walk(self, directory: str, root: str, visited: set[str], errors: list[LoadError], real: str = "") -> None:
        """Walk ``directory`` (its real path ``real``, when known without asking the file system)."""
        self.directories.append(directory)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if layout.is_chart(directory):
                self.charts.append(directory)
            else:
                errors.append(LoadError(directory, f"cannot list directory: {exc.strerror or exc}"))
            return
        # The listing says whether a chart or kustomization file may be here: most
        # directories need no further look (lower case: a file system may ignore case).
        names = {entry.name.lower() for entry in entries}
        if layout.CHART_FILE.lower() in names and layout.is_chart(directory):
            self.charts.append(directory)
            return
        if any(name.lower() in names for name in layout.KUSTOMIZATION_NAMES) and layout.is_kustomization(directory):
            self.kustomizations.append(directory)
        real = real or os.path.realpath(directory)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            display = os.path.join(directory, entry.name)
            if layout.excluded(display, self.root, self.exclude):
                self.skipped.append(layout.Skipped(display, "excluded (--exclude / exclude:)"))
                continue
            reason = layout.not_applied_directory(display)
            if reason is not None and entry.is_dir():
                self.skipped.append(layout.Skipped(display, reason))
                continue
            try:
                self._entry(entry, display, root, visited, errors, real)
            except OSError as exc:
                errors.append(LoadError(display, f"cannot read: {exc.strerror or exc}"))

    def _entry(self, entry, display: str, root: str, visited: set[str], errors: list[LoadError], parent: str) -> None:
        is_link = entry.is_symlink()
        real = os.path.realpath(display) if is_link else None
        if real is not None and not (real == root or real.startswith(root + os.sep)):  # real: only for a link
            errors.append(LoadError(display, f"symlink to {real} leaves {root}; not followed", severity="warning"))
            return
        if entry.is_dir():
            real = real or os.path.join(parent, entry.name)  # not a link: its real path is its parent's plus its name
            if real in visited:
                errors.append(
                    LoadError(
                        display, "symlink loop: this directory was already read; not followed", severity="warning"
                    )
                )
                return
            self.walk(display, root, visited | {real}, errors, real)
        elif entry.is_file():
            if (
                entry.name.endswith(MANIFEST_SUFFIXES)
                and entry.name not in NOT_MANIFESTS
                and not _is_values_file(entry.name)
            ):
                self.files.append(display)
        elif is_link:
            errors.append(LoadError(display, "broken symlink", severity="warning"))


def _decode(data: bytes, path: str, errors: list[LoadError]) -> str | None:
    """Bytes -> text as kubectl would accept it (UTF-8, or UTF-16/32 with a BOM)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                errors.append(LoadError(path, f"not valid {encoding.upper()} text: {exc.reason} at byte {exc.start}"))
                return None
    if b"\x00" in data[:8192]:
        errors.append(LoadError(path, "binary file (contains NUL bytes), not a manifest"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.append(
            LoadError(
                path, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {exc.start} ({exc.reason})", line, column
            )
        )
        return None


def read_text(path: str, max_size: int, errors: list[LoadError], stdin_name: str) -> tuple[str, str] | None:
    """(display name, text) of one input, or None with the reason in ``errors``."""
    display = stdin_name if path == STDIN else path
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(max_size + 1)
        else:
            size = os.path.getsize(path)
            if size > max_size:
                errors.append(
                    LoadError(display, f"file is {_mib(size)}, above the {_mib(max_size)} limit (--max-file-size)")
                )
                return None
            with open(path, "rb") as handle:
                data = handle.read(max_size + 1)
    except OSError as exc:
        errors.append(LoadError(display, f"cannot read: {exc.strerror or exc}"))
        return None
    if len(data) > max_size:
        errors.append(LoadError(display, f"input is above the {_mib(max_size)} limit (--max-file-size)"))
        return None
    text = _decode(data, display, errors)
    if text is None:
        return None
    if text.lstrip()[:1] in ("{", "["):
        # JSON: a tab outside a string is whitespace to JSON but not to YAML's
        # indentation; inside a JSON string a raw tab is invalid anyway. Same
        # width, so every column stays right.
        text = text.replace("\t", " ")
    return display, text


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size % (1024 * 1024) else f"{size // (1024 * 1024)} MiB"


def _not_an_object(value) -> str:
    if isinstance(value, list):
        return "a sequence"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a scalar"


def _is_list(obj: dict) -> bool:
    kind = obj.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and isinstance(obj.get("items"), list)


def load(
    paths: list[str],
    *,
    namespace: str = "default",
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    stdin_name: str = "<stdin>",
    discovery: Discovery | None = None,
) -> LoadResult:
    """Read every input; objects keep the position of every field."""
    inputs = read_inputs(paths, max_file_size=max_file_size, stdin_name=stdin_name, discovery=discovery)
    return parse_inputs(inputs, namespace=namespace)


@dataclass(frozen=True)
class Discovery:
    """How paths become units: what a walk passes over and what rendering may do."""

    exclude: tuple = ()
    skip_non_manifests: bool = False  # also for files named explicitly (the pre-commit hook)
    allow_remote: bool = False  # let kustomize fetch remote bases


@dataclass
class Inputs:
    """Everything read from the paths, before any parsing (what the run cache keys on)."""

    sources: list[SourceFile] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    kustomizations: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    skipped: list[layout.Skipped] = field(default_factory=list)
    walked: set = field(default_factory=set)  # normalised paths a directory walk found
    files: list[str] = field(default_factory=list)  # every plain file to read, as discovered (read or not)
    directories: list[str] = field(default_factory=list)  # every directory the discovery listed
    whole_repository: bool = False  # the discovery looked through the whole repository (layout.Layout)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    from_stdin: bool = False
    discovery: Discovery = field(default_factory=lambda: Discovery())


def read_inputs(
    paths: list[str],
    *,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    stdin_name: str = "<stdin>",
    discovery: Discovery | None = None,
    stat_index=None,
) -> Inputs:
    """Discover and read the inputs.

    With a ``runcache.StatIndex``, every file gets its text digest, and a file the
    index knows unchanged is not read now: its text is read only if asked for.
    """
    discovery = discovery or Discovery()
    inputs = Inputs(max_file_size=max_file_size, discovery=discovery)
    units = discover_layout(list(paths), inputs.errors, discovery.exclude)
    if discovery.skip_non_manifests:  # a hook names changed files: a file of an e2e test brings the test along
        named = [p for p in units.files if p != STDIN and os.path.normpath(p) not in units.walked]
        units.files = _unique(units.files + harness.tests_of(named))
    inputs.kustomizations, inputs.charts, inputs.skipped, inputs.walked = (
        units.kustomizations,
        units.charts,
        units.skipped,
        units.walked,
    )
    inputs.files, inputs.directories, inputs.whole_repository = units.files, units.directories, units.whole_repository
    for path in units.files:
        inputs.from_stdin = inputs.from_stdin or path == STDIN
        if stat_index is None or path == STDIN:
            read = read_text(path, max_file_size, inputs.errors, stdin_name)
            if read is not None:
                inputs.sources.append(SourceFile(*read))
            continue
        stat = stat_index.stat(path)
        digest = stat_index.digest(path, stat) if stat is not None and stat.st_size <= max_file_size else None
        if digest is not None:
            inputs.sources.append(
                SourceFile(path, digest=digest, reader=functools.partial(_reread, path, max_file_size))
            )
            continue
        read = read_text(path, max_file_size, inputs.errors, stdin_name)
        if read is not None:
            source = SourceFile(*read, digest=runcache.text_digest(read[1]))
            stat_index.record(path, stat, source.digest)
            inputs.sources.append(source)
    return inputs


def _reread(path: str, max_file_size: int) -> str:
    """The text of a file the stat index knew unchanged, read when something needs it."""
    read = read_text(path, max_file_size, [], path)
    return read[1] if read is not None else ""


def parse_inputs(inputs: Inputs, *, namespace: str = "default", jobs: int | None = None, cache=None) -> LoadResult:
    """Objects of every input, each file parsed once (or taken from ``cache``, a ``runcache.FileCache``)."""
    result = LoadResult(errors=list(inputs.errors), skipped=list(inputs.skipped))
    for directory in inputs.kustomizations:
        load_kustomization(directory, result, inputs.max_file_size, inputs.discovery)
    for directory in inputs.charts:
        from . import helm  # runs helm: only a chart imports subprocess

        helm.load_chart(directory, result, inputs.max_file_size, inputs.discovery.allow_remote)
    result.cache = cache
    keys = (
        [cache.key(source.digest or runcache.text_digest(source.text)) for source in inputs.sources]
        if cache is not None
        else None
    )
    from . import parallel  # (and the parser: a run answered from the run cache never needs them)

    parsed = parallel.parse_all(_Texts(inputs.sources), jobs, cache, keys)
    tests = _Tests(inputs, parsed)
    rendered_beside = _RenderedBeside()
    for number, (source, (documents, problems, comments, placeholder_hint)) in enumerate(zip(inputs.sources, parsed)):
        source.comments = comments
        walked = os.path.normpath(source.path) in inputs.walked
        may_skip = inputs.discovery.skip_non_manifests or walked
        reason = not_a_manifest(source, documents, problems, placeholder_hint) if may_skip else None
        if reason is None and may_skip:
            reason = tests.reason(source.path, documents)
        if reason is None and walked:
            reason = rendered_beside.patch_reason(source.path, documents)
        if reason is not None:
            result.skipped.append(layout.Skipped(source.path, reason))
            if reason.startswith(TEMPLATE_REASONS):
                result.templates[source.path] = source.text  # what it may define once rendered
            continue
        if problems and not documents_with_objects(documents) and looks_like_template(source.text):
            result.errors.append(
                LoadError(
                    source.path,
                    "a Go/Helm template (it holds {{ }} actions), not YAML: render it first, e.g. `helm template CHART "
                    "| k8scheck lint -`",
                )
            )
            continue
        result.files.append(source)
        first = len(result.manifests)
        load_text(source, result, documents, problems)
        if keys is not None:
            for manifest in result.manifests[first:]:
                manifest.digest = keys[number]
    assign_namespaces(result.manifests, namespace)
    assign_gitops_units(result.manifests)
    return result


class _Tests:
    """What the end-to-end tests among the walked files (chainsaw, kuttl: ``harness``) do with each of them."""

    def __init__(self, inputs: Inputs, parsed: list) -> None:
        self.uses: dict[str, list[harness.Use]] = {}
        # The walked files; with --skip-non-manifests (the pre-commit hook) the named ones too.
        considered = inputs.walked if not inputs.discovery.skip_non_manifests else None
        if considered is not None and (not considered or not harness.may_hold_tests(considered)):
            return  # (most runs: no file is named as a test's)
        documents = {
            os.path.normpath(source.path): result[0]
            for source, result in zip(inputs.sources, parsed)
            if considered is None or os.path.normpath(source.path) in considered
        }
        if considered is None and not harness.may_hold_tests(documents):
            return
        self.uses = harness.uses({path: [d.value for d in docs] for path, docs in documents.items()})
        self.made = harness.MadeElsewhere(self.uses, lambda path: _identities_in(documents.get(path, ())))

    def reason(self, path: str, documents) -> str | None:
        """Why a walked file is passed over as a test's: an assertion, an error expectation, a patch; a file
        chainsaw fills in before applying it; an update of objects the test never creates. None: applied."""
        uses = self.uses.get(os.path.normpath(path)) if self.uses else None
        if not uses:
            return None
        reason = harness.never_applied(uses)
        if reason is None and harness.applied_with_templating(uses):
            found = (template_placeholder(o, CHAINSAW_EXPRESSIONS) for o in _objects_in(documents))
            placeholder = next(filter(None, found), None)
            if placeholder is not None:
                reason = (
                    f"{TEMPLATE_REASONS[1]} ({placeholder.syntax} in {placeholder.field}, an expression chainsaw "
                    "fills in when its test applies the file), not a manifest until rendered"
                )
        return reason or self.made.update_reason(_identities_in(documents), uses)


class _RenderedBeside:
    """What the kustomization beside a walked file renders from other directories, read once per directory.

    A file beside a kustomization that does not list it, whose every object the
    kustomization already renders from a file elsewhere, is a patch of those objects
    (one a Makefile adds with `kustomize edit add patch`), or a copy: `kubectl apply -k`
    never applies it, and on its own it lacks what the base gives (a selector, an image).
    """

    def __init__(self) -> None:
        self._objects: dict[str, dict[tuple, str]] = {}  # directory -> (kind, name) -> the file defining it
        self._kustomizations = layout.Kustomizations()

    def patch_reason(self, path: str, documents) -> str | None:
        rendered = self._rendered_elsewhere(os.path.dirname(path) or ".")
        if not rendered:  # (most directories: no kustomization, so the file's objects are never listed)
            return None
        objects = _kinds_and_names_in(documents)
        sources = [rendered.get(key) for key in objects]
        if not objects or not all(sources):
            return None
        kind, name = objects[0]
        return (
            f"redefines {kind} {name}, which the kustomization beside it renders from {sources[0]}, and it does not "
            "list this file: a patch or a copy `kubectl apply -k` never applies on its own (name it to check it)"
        )

    def _rendered_elsewhere(self, directory: str) -> dict[tuple, str]:
        if directory not in self._objects:
            self._objects[directory] = {}
            if layout.find_kustomization_file(directory) is not None:
                here = os.path.realpath(directory)
                files = {f for info in self._kustomizations.chain(directory) for f in info.files}
                for real in sorted(f for f in files if os.path.dirname(f) != here and f.endswith(MANIFEST_SUFFIXES)):
                    self._objects[directory].update(dict.fromkeys(_kinds_and_names(real), layout.shown_path(real)))
        return self._objects[directory]


def _kinds_and_names(path: str) -> list[tuple]:
    """(kind, name) of every object a file defines (a kustomization's source, read for ``_RenderedBeside``)."""
    from .yamlsource import parse_stream

    read = read_text(path, DEFAULT_MAX_FILE_SIZE, [], path)
    if read is None:
        return []
    documents, _problems = parse_stream(read[1], with_spans=False)
    return _kinds_and_names_in(documents)


def _identities_in(documents) -> list[tuple]:
    """(kind, name) of every object of a test's file; an assertion without a name selects objects by their
    labels, and its ``app.kubernetes.io/name`` label names the object an operator made (harness.MadeElsewhere)."""
    out = []
    for obj in _objects_in(documents):
        metadata = obj.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        labels = metadata.get("labels")
        name = metadata.get("name")
        if name is None and isinstance(labels, dict):
            name = labels.get("app.kubernetes.io/name")
        if isinstance(obj.get("kind"), str) and isinstance(name, str):
            out.append((obj["kind"], name))
    return out


def _kinds_and_names_in(documents) -> list[tuple]:
    out = []
    for obj in _objects_in(documents):
        metadata = obj.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        if isinstance(obj.get("kind"), str) and isinstance(name, str):
            out.append((obj["kind"], name))
    return out


@dataclass(frozen=True)
class GitopsPath:
    """A directory of this repository that a GitOps object applies as one unit, and which of its files."""

    path: str  # relative to the repository root
    recurse: bool = True  # subdirectories too (a Flux path; an Argo CD path with directory.recurse)
    include: str = ""  # Argo CD directory.include / exclude: globs on the path below ``path``
    exclude: str = ""

    def applies(self, relative: str) -> bool:
        """Whether a file at ``relative`` (below ``path``, with "/") is one this unit applies."""
        if not self.recurse and "/" in relative:
            return False
        if self.exclude and _glob_matches(self.exclude, relative):
            return False
        return not self.include or _glob_matches(self.include, relative)


def _glob_matches(pattern: str, relative: str) -> bool:
    """Argo CD's directory globs: ``*`` and ``?`` also match "/", ``{a,b}`` is one of its alternatives."""
    import fnmatch

    return any(fnmatch.fnmatchcase(relative, p) for p in _brace_alternatives(pattern))


def _brace_alternatives(pattern: str) -> list[str]:
    """``a{b,c}d`` -> ``abd``, ``acd`` (every group expanded; an unmatched brace stays as written)."""
    group = re.search(r"\{([^{}]*)\}", pattern)
    if group is None:
        return [pattern]
    head, tail = pattern[: group.start()], pattern[group.end() :]
    return [p for choice in group.group(1).split(",") for p in _brace_alternatives(head + choice + tail)]


# GitOps objects that apply a directory of the repository as one unit (``GitopsPath``).
# A path is relative to the object's source, so only a source that can be this repository names one of its
# directories: a Flux GitRepository, an Argo CD git source. A Flux OCIRepository, Bucket or ExternalArtifact and
# an Argo CD Helm chart (`chart:`) or OCI artifact (`oci://`) are artifacts built elsewhere; their path names a
# directory inside that artifact. Which git repository a GitRepository or repoURL names is not judged (forks and
# mirrors spell this repository's URL many ways). Flux applies every manifest below its path (it generates a
# kustomization of them); an Argo CD directory source only the files of the directory itself unless
# `directory.recurse` is set, minus `exclude` and, with `include`, only those.
def _gitops_paths(manifest: Manifest) -> list[GitopsPath]:
    spec = manifest.obj.get("spec")
    if not isinstance(spec, dict):
        return []
    if manifest.group == "argoproj.io" and manifest.kind in ("Application", "ApplicationSet"):
        if manifest.kind == "ApplicationSet":
            spec = spec.get("template", {}).get("spec", {}) if isinstance(spec.get("template"), dict) else {}
        source = spec.get("source")
        sources = ([source] if isinstance(source, dict) else []) + [
            s for s in spec.get("sources") or [] if isinstance(s, dict)
        ]
        return [
            _argo_directory(s)
            for s in sources
            if isinstance(s.get("path"), str) and "{{" not in s["path"] and _argo_source_may_be_git(s)
        ]
    if manifest.group == "kustomize.toolkit.fluxcd.io" and manifest.kind == "Kustomization":
        source_ref = spec.get("sourceRef")
        from_git = isinstance(source_ref, dict) and source_ref.get("kind") == "GitRepository"
        return [GitopsPath(spec["path"])] if from_git and isinstance(spec.get("path"), str) else []
    return []


def _argo_directory(source: dict) -> GitopsPath:
    directory = source.get("directory")
    directory = directory if isinstance(directory, dict) else {}

    def glob(name: str) -> str:
        value = directory.get(name)
        return value if isinstance(value, str) else ""

    return GitopsPath(source["path"], directory.get("recurse") is True, glob("include"), glob("exclude"))


def _argo_source_may_be_git(source: dict) -> bool:
    """An Argo CD source that is not a Helm chart (`chart:`) nor an OCI artifact (`repoURL: oci://...`)."""
    repo_url = source.get("repoURL")
    return source.get("chart") is None and not (isinstance(repo_url, str) and repo_url.startswith("oci://"))


def assign_gitops_units(manifests: list[Manifest]) -> None:
    """Plain files an Argo CD Application or Flux Kustomization applies form its unit (the directory it names)."""
    roots: dict[str, list[GitopsPath]] = {}
    for manifest in manifests:
        for gitops_path in _gitops_paths(manifest):
            root = os.path.normpath(os.path.join(layout.repository_root(manifest.file), gitops_path.path.lstrip("/")))
            roots.setdefault(root, []).append(gitops_path)
    if not roots:
        return
    for manifest in manifests:
        if manifest.unit is not None or manifest.file == "-":
            continue
        real = os.path.abspath(manifest.file)
        owners = [
            root
            for root, paths in roots.items()
            if real.startswith(root + os.sep)
            and any(p.applies(os.path.relpath(real, root).replace(os.sep, "/")) for p in paths)
        ]
        if owners:
            manifest.unit = max(owners, key=len)


TOOL_CONFIGS = Path(__file__).parent / "data" / "tool_configs.yaml"
_TOOL_CONFIG = "configuration for a tool ({}), not applied to a cluster"


@functools.lru_cache(maxsize=1)
def _tool_configs() -> tuple:
    from .yamlsource import load_single

    entries = load_single(TOOL_CONFIGS.read_text(encoding="utf-8")) or []
    return tuple((e["apiVersion"], e.get("kind"), e.get("reason")) for e in entries)


def tool_config_reason(api_version, kind) -> str | None:
    """Why apiVersion/kind is a tool's own configuration file (kustomize, skaffold, kind...), or None."""
    if not isinstance(api_version, str) or not isinstance(kind, str | None):
        return None
    return _tool_config_reason(api_version, kind)


@functools.lru_cache(maxsize=256)  # a run holds a handful of apiVersion/kind pairs, thousands of objects
def _tool_config_reason(api_version: str, kind: str | None) -> str | None:
    for version, only_kind, reason in _tool_configs():
        if (api_version == version or api_version.startswith(version + "/")) and only_kind in (None, kind):
            return _TOOL_CONFIG.format(reason or "kustomize, skaffold, kind, kubeconfig...")
    return None


def _objects_in(documents):
    for document in documents:
        value = document.value
        if isinstance(value, dict) and _is_list(value):
            yield from (item for item in value["items"] if isinstance(item, dict))
        elif isinstance(value, dict):
            yield value


def documents_with_objects(documents) -> bool:
    return any(True for _ in _objects_in(documents))


_TEMPLATE_ACTION = re.compile(r"\{\{.*?\}\}", re.S)
_MANIFEST_KEYS = (
    re.compile(r"(?:^|[{,])\s*(?:-\s+)?[\"']?apiVersion[\"']?\s*:", re.M),
    re.compile(r"(?:^|[{,])\s*(?:-\s+)?[\"']?kind[\"']?\s*:", re.M),
)


TEMPLATE_REASONS = ("a Go/Helm template", "a template")  # how the reasons of a skipped template begin


def looks_like_template(text: str) -> bool:
    return _TEMPLATE_ACTION.search(text) is not None


# Placeholders of scripts that fill a file in before kubectl sees it (sed, Python's format, envsubst):
# upper-case words, so that a broken manifest's own braces are not taken for one.
_SCRIPT_PLACEHOLDERS = (
    ("@VAR@", re.compile(r"@[A-Z][A-Z0-9_]*@")),
    ("{VAR}", re.compile(r"(?<![{$])\{[A-Z][A-Z0-9_]*\}")),
)


def script_placeholder(text: str) -> str | None:
    """The syntax of the script placeholders that make a file's text unparsable, if any."""
    return next((syntax for syntax, pattern in _SCRIPT_PLACEHOLDERS if pattern.search(text)), None)


# Fields whose syntax the API server checks and that never hold a brace or a "$" (names, namespaces, label keys and
# values, annotation keys). A {{ }} placeholder there shows a file a template engine fills in (Helm, Go templates,
# sed), a ${VAR} one a file envsubst or Flux's post-build substitution fills in, before the API server sees it. Other
# strings may hold either for a controller or a container to read (alert and workflow templates, shell commands).
_BRACELESS = (
    ("apiVersion",),
    ("kind",),
    ("metadata", "name"),
    ("metadata", "generateName"),
    ("metadata", "namespace"),
    ("spec", "replicas"),  # a count
)
_SHELL_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}]*)?\}")
_PLACEHOLDER_SYNTAXES = (("{{ }}", _TEMPLATE_ACTION), ("${VAR}", _SHELL_VARIABLE), *_SCRIPT_PLACEHOLDERS)


class Placeholder(NamedTuple):
    """Where a template's placeholder sits, and its syntax ("{{ }}", "${VAR}", "@VAR@" or "{VAR}"; in a file
    named as a template, the word to fill in itself: ``named_template_placeholder``)."""

    field: str
    syntax: str


# A value chainsaw evaluates before it applies a file of its tests: a JMESPath expression in parentheses,
# such as ($namespace), the test's namespace (harness.py).
CHAINSAW_EXPRESSIONS = (("($binding)", re.compile(r"^\(.+\)$", re.S)),)


def _placeholder_syntax(value, syntaxes=_PLACEHOLDER_SYNTAXES) -> str | None:
    if not isinstance(value, str):
        return None
    return next((syntax for syntax, pattern in syntaxes if pattern.search(value)), None)


def template_placeholder(obj: dict, syntaxes=_PLACEHOLDER_SYNTAXES) -> Placeholder | None:
    """The first field of ``obj`` that holds a placeholder (of ``syntaxes``) where no brace can ever be
    valid, or None."""
    for path in _BRACELESS:
        value = obj.get(path[0])
        for key in path[1:]:
            value = value.get(key) if isinstance(value, dict) else None
        syntax = _placeholder_syntax(value, syntaxes)
        if syntax is not None:
            return Placeholder(".".join(path), syntax)
    metadata = obj.get("metadata")
    for part in ("labels", "annotations"):
        mapping = metadata.get(part) if isinstance(metadata, dict) else None
        for key, value in mapping.items() if isinstance(mapping, dict) else ():
            syntax = _placeholder_syntax(key, syntaxes) or (
                _placeholder_syntax(value, syntaxes) if part == "labels" else None
            )
            if syntax is not None:
                return Placeholder(f"metadata.{part}.{key}", syntax)
    template = pod_template(obj)
    if template is None:
        return None
    for list_name, index, container in containers(template.spec):
        at = (*template.spec_path, list_name, index)
        image = container.get("image")
        syntax = _placeholder_syntax(image, syntaxes)  # an image reference never holds "{", "$" or "@X@"
        if syntax is not None:
            return Placeholder(".".join(str(part) for part in (*at, "image")), syntax)
        resources = container.get("resources")
        for bound in ("requests", "limits"):  # nor does a quantity
            amounts = resources.get(bound) if isinstance(resources, dict) else None
            for resource, amount in amounts.items() if isinstance(amounts, dict) else ():
                syntax = _placeholder_syntax(amount, syntaxes)
                if syntax is not None:
                    return Placeholder(".".join(str(part) for part in (*at, "resources", bound, resource)), syntax)
    return None


# A file whose name says it is a template (`nginx-template.yaml`, `template-rollout.yaml`, `job.x.tmpl.yaml`), or
# that sits in a directory of templates (`ci/cluster-api/templates/`, `manifest-templates/`: a script copies them
# and fills them in), and whose object names hold a word a test harness or a script replaces: NAME_HERE (upper
# case, never valid in a name), $$name$$, __MONTH__. Outside such a file an upper-case name stays what it is, a
# name the API server rejects.
_TEMPLATE_FILE_NAME = re.compile(r"(?:^|[-_.])(?:template|tmpl|tpl)(?:[-_.]|$)", re.I)
_TEMPLATE_DIRECTORY = re.compile(r"(?:^|[-_.])(?:templates?|tmpl|tpl)$", re.I)
_FILLED_IN = re.compile(r"\$\$\w+\$\$|__[A-Za-z][A-Za-z0-9_]*__|(?<![A-Za-z0-9])[A-Z][A-Z0-9_]*[A-Z](?![A-Za-z0-9])")
_NAMES = (("metadata", "name"), ("metadata", "generateName"), ("metadata", "namespace"))


def _named_as_template(path: str) -> str | None:
    """How the file at ``path`` is named as a template ("named a template", "in templates/, a directory of
    templates"), or None."""
    lowered = path.lower()
    if "templ" not in lowered and "tmpl" not in lowered and "tpl" not in lowered:
        return None  # (every file of every walk asks: most paths say nothing of templates)
    directory, name = os.path.split(path)
    if _TEMPLATE_FILE_NAME.search(name.rsplit(".", 1)[0]):
        return "named a template"
    parent = os.path.basename(directory)
    if _TEMPLATE_DIRECTORY.search(parent):
        return f"in {parent}/, a directory of templates"
    return None


def named_template_placeholder(path: str, objects) -> Placeholder | None:
    """The first name or namespace among ``objects`` holding a word to fill in (that word as the syntax), when
    the file at ``path`` is named a template or lies in a directory of templates."""
    if _named_as_template(path) is None:
        return None
    for obj in objects:
        metadata = obj.get("metadata")
        for field_path in _NAMES:
            value = metadata.get(field_path[1]) if isinstance(metadata, dict) else None
            word = _FILLED_IN.search(value) if isinstance(value, str) else None
            if word is not None:
                return Placeholder(".".join(field_path), word.group())
    return None


def not_a_manifest(source: SourceFile, documents, problems, placeholder_hint: bool | None = None) -> str | None:
    """Why a walked file is not a Kubernetes manifest, or None when it is one.

    A manifest has a document with both apiVersion and kind. A file that does
    not parse is a broken manifest when its text has both keys (it is reported),
    a template when it holds ``{{ }}`` actions, and otherwise not a manifest. A
    file that parses is a template when a ``{{ }}`` or ``${VAR}`` placeholder sits in
    a name, namespace, label or annotation key (``template_placeholder``), or, in a
    file named as a template, a word to fill in sits in a name or namespace
    (``named_template_placeholder``).
    """
    typed = [
        o for o in _objects_in(documents) if isinstance(o.get("apiVersion"), str) and isinstance(o.get("kind"), str)
    ]
    if placeholder_hint is None:
        from .yamlsource import may_hold_placeholder

        placeholder_hint = may_hold_placeholder(source.text)
    if placeholder_hint:
        placeholder = next((found for found in map(template_placeholder, typed) if found), None)
        if placeholder is not None:
            where = f"{placeholder.syntax} in {placeholder.field}, where no placeholder is valid"
            return f"{TEMPLATE_REASONS[1]} ({where}), not a manifest until rendered"
    placeholder = named_template_placeholder(source.path, typed)
    if placeholder is not None:
        return (
            f"{TEMPLATE_REASONS[1]} ({_named_as_template(source.path)}, with {placeholder.syntax} in "
            f"{placeholder.field}: a word a script or a test harness replaces), not a manifest until filled in"
        )
    broken_by = _placeholder_where_parsing_failed(source.text, problems) if problems else None
    if broken_by is not None:  # the documents before it parse; the template is the file, not them
        return _unrendered(broken_by)
    reasons: set[str] = set()
    for o in typed:
        reason = tool_config_reason(o["apiVersion"], o["kind"])
        if reason is None:
            return None  # an object the API server takes: a manifest
        reasons.add(reason)
    if reasons:
        return "; ".join(sorted(reasons))
    if problems and looks_like_template(source.text):
        return _unrendered("{{ }}")
    syntax = script_placeholder(source.text) if problems else None
    if syntax is not None:
        return _unrendered(syntax)
    if problems and all(pattern.search(source.text) for pattern in _MANIFEST_KEYS):
        return None  # a broken manifest: its syntax error is the finding
    return "not a Kubernetes manifest (no document has both apiVersion and kind)"


def _unrendered(syntax: str) -> str:
    """Why a file whose ``syntax`` placeholders keep it from parsing is passed over."""
    if syntax == "{{ }}":
        return f"{TEMPLATE_REASONS[0]} ({{{{ }}}} actions), not a manifest until rendered"
    return f"{TEMPLATE_REASONS[1]} ({syntax} placeholders a script fills in), not a manifest until rendered"


def _placeholder_where_parsing_failed(text: str, problems) -> str | None:
    """The syntax of a template placeholder on a line where the text stops parsing, if any.

    An unquoted ``{{IMAGE}}`` is a YAML flow mapping with a mapping for a key, which kubectl
    rejects: a sed template's first documents may parse while a later one does not.
    """
    lines = text.splitlines()
    for problem in problems:
        line = lines[problem.line] if problem.rule == "yaml-syntax" and 0 <= problem.line < len(lines) else ""
        if _TEMPLATE_ACTION.search(line):
            return "{{ }}"
        syntax = script_placeholder(line) if line else None
        if syntax is not None:
            return syntax
    return None


def load_text(source: SourceFile, result: LoadResult, documents=None, problems=None) -> None:
    """Objects and diagnostics of one file; ``documents``/``problems`` when already parsed (in a worker).

    The one parse keeps each document's position tape; positions are resolved from
    it when a finding needs them, through the run's span cache (``result.span_cache``).
    """
    if documents is None:
        from .yamlsource import parse_stream

        documents, problems = parse_stream(source.text)
    for document in documents:
        if document.positions is not None:
            document.positions.cache = result.span_cache
    source.documents = len(documents)
    last_line = source.text.count("\n") + (0 if source.text.endswith("\n") else 1) if problems else 0
    for problem in problems:
        related: tuple[Related, ...] = ()
        if problem.related_line is not None:
            related = (
                Related(
                    Location(source.path, problem.related_line + 1, (problem.related_column or 0) + 1),
                    "first defined here",
                ),
            )
        line, column = problem.line + 1, problem.column + 1
        if line > last_line >= 1:
            # libyaml reports errors at end of input one line past the text.
            line, column = last_line, len(source.line(last_line) or "") + 1
        end = problem.end_column + 1 if problem.end_column is not None else None
        result.diagnostics.append(
            Diagnostic(
                problem.rule,
                problem.message,
                Location(source.path, line, column, line if end else None, end),
                related,
                problem.variant,
            )
        )
    for document in documents:
        value = document.value
        if value is None:
            continue  # an empty document: kubectl skips it too
        if not isinstance(value, dict):
            result.diagnostics.append(
                Diagnostic(
                    "document-not-object",
                    f"document {document.index + 1} is {_not_an_object(value)}, not a Kubernetes object "
                    "(a mapping with apiVersion, kind and metadata)",
                    locate(source.path, document.spans, ()),
                )
            )
            continue
        if _is_list(value):
            for i, item in enumerate(value["items"]):
                if isinstance(item, dict):
                    result.manifests.append(
                        Manifest(item, source.path, document.index, ("items", i), document.positions, None)
                    )
                else:
                    result.diagnostics.append(
                        Diagnostic(
                            "document-not-object",
                            f"items[{i}] of this {value['kind']} is {_not_an_object(item)}, not a Kubernetes object",
                            locate(source.path, document.spans, ("items", i)),
                        )
                    )
            continue
        result.manifests.append(Manifest(value, source.path, document.index, (), document.positions, None))


def assign_namespaces(manifests: list[Manifest], default_namespace: str) -> None:
    """Namespaced objects without metadata.namespace land in the default namespace.

    Custom kinds take their scope from a CustomResourceDefinition in the inputs.
    """
    cluster_kinds = set(CLUSTER_SCOPED)
    for manifest in manifests:
        if manifest.kind == "CustomResourceDefinition":
            spec = manifest.obj.get("spec")
            if isinstance(spec, dict) and spec.get("scope") == "Cluster":
                names = spec.get("names")
                if isinstance(names, dict) and isinstance(names.get("kind"), str):
                    cluster_kinds.add(names["kind"])
    for manifest in manifests:
        if manifest.kind in cluster_kinds:
            manifest.namespace = None
            continue
        namespace = manifest.metadata.get("namespace")
        manifest.namespace = namespace if isinstance(namespace, str) and namespace else default_namespace


def load_kustomization(
    directory: str, result: LoadResult, max_file_size: int, discovery: Discovery | None = None
) -> None:
    """Render a kustomization as one unit and point each rendered object back at its source file."""
    from . import kustomize  # runs kustomize: only a kustomization imports subprocess

    discovery = discovery or Discovery()
    kustomizations = layout.Kustomizations()
    shown = layout.find_kustomization_file(directory) or directory
    remote = kustomizations.remote_entries(directory)
    if remote and not discovery.allow_remote:
        result.errors.append(
            LoadError(
                shown,
                f"not rendered: needs the network for {remote[0]} (pass --allow-remote to fetch it)",
                severity="warning",
            )
        )
        return
    bundle = kustomizations.get(directory).bundle_base
    if bundle is not None:  # named through a file only it uses (a pre-commit hook); a walk passes it over
        result.skipped.append(
            layout.Skipped(
                shown,
                f"renders the input of `operator-sdk generate bundle` ({bundle} is a ClusterServiceVersion without "
                "install deployments, which the generator fills in), never applied",
            )
        )
        return
    if kustomizations.uses_helm(directory):
        result.errors.append(
            LoadError(
                shown,
                "not rendered: helmCharts needs `kustomize build --enable-helm`, which runs helm and fetches charts; "
                "render it yourself and pipe it into `k8scheck lint -`",
                severity="warning",
            )
        )
        return
    try:
        text, overlay = kustomize.render(directory, max_file_size, discovery.allow_remote)
    except kustomize.RenderError as exc:
        result.errors.append(_render_failure(shown, directory, str(exc)))
        return
    display = os.path.join(directory, "kustomization.yaml (rendered)")
    rendered = SourceFile(display, text)
    scratch = LoadResult(span_cache=result.span_cache)
    load_text(rendered, scratch)
    from .yamlsource import may_hold_placeholder

    found = (template_placeholder(m.obj) for m in scratch.manifests) if may_hold_placeholder(text) else ()
    placeholder = next(filter(None, found), None)
    if placeholder is not None:  # its output feeds a generator (helmify, a chart), never kubectl
        where = f"{placeholder.syntax} in {placeholder.field}, where no placeholder is valid"
        result.skipped.append(layout.Skipped(shown, f"renders a template ({where}), not manifests"))
        return
    result.diagnostics.extend(scratch.diagnostics)
    sources: dict[str, LoadResult | None] = {}
    patches = _patches(kustomizations.chain(directory), sources, result, max_file_size)
    used_rendered = False
    for manifest in scratch.manifests:
        manifest.unit = directory
        annotations = manifest.metadata.get("annotations")
        origin = (
            kustomize.origin_path(annotations.pop(kustomize.ORIGIN, None), overlay)
            if isinstance(annotations, dict)
            else None
        )
        if isinstance(annotations, dict) and not annotations:
            del manifest.metadata["annotations"]
        source = _source_document(origin, manifest, sources, result, max_file_size) if origin else None
        if source is None:
            used_rendered = True
        else:
            manifest.file, manifest.document, manifest.prefix, manifest.positions = (
                source.file,
                source.document,
                source.prefix,
                source.positions,
            )
            manifest.overlays = tuple(p for p in patches if p.kind == manifest.kind and p.name == source.name)
        result.manifests.append(manifest)
    if used_rendered or not scratch.manifests:
        result.files.append(rendered)  # (a render of no object still counts as read: it checked clean)


# kustomize's default load restrictor (LoadRestrictionsRootOnly) refusing a file outside the kustomization's directory.
_OUTSIDE_ROOT = re.compile(r"security; file '([^']+)' is not in or below '[^']+'")


def _render_failure(shown: str, directory: str, message: str) -> LoadError:
    """The input error of a kustomization that does not render; a warning when the only trouble is

    - a file of this repository outside its directory, which kustomize's default load restrictor
      refuses but Flux (its kustomize-controller builds without that restriction inside the source)
      and `kustomize build --load-restrictor LoadRestrictionsNone` (scripts, Argo CD's build options)
      read; k8scheck keeps the restriction (rendering stays safe on a hostile pull request), so it
      says how to check it instead;
    - files .gitignore ignores, which a step before the build makes;
    - files a Go program that embeds the kustomization writes beside it;
    - files a script makes (a template beside each), or every file it lists (it is copied elsewhere).
    """
    match = _OUTSIDE_ROOT.search(message)
    if match is not None:
        root = os.path.realpath(layout.repository_root(os.path.join(directory, "kustomization.yaml")))
        outside = os.path.realpath(match.group(1))
        if outside.startswith(root + os.sep):
            return LoadError(
                shown,
                f"not rendered: it reads {layout.shown_path(outside)}, outside its directory, which kustomize's "
                "default load restrictor refuses (`kubectl apply -k` fails); Flux and `--load-restrictor "
                "LoadRestrictionsNone` read it: check it with `kustomize build --load-restrictor LoadRestrictionsNone "
                f"{directory} | k8scheck lint -`",
                severity="warning",
            )
    generated = _ignored_missing_file(message, directory)
    if generated is not None:
        missing, rule = generated
        where = f"{layout.shown_path(rule.file)}:{rule.line}"
        return LoadError(
            shown,
            f"not rendered: {missing} is not in the checkout, and {where} ignores it (`{rule.pattern}`): a file made "
            "before the build (generate it, then check the directory)",
            severity="warning",
        )
    embedded = _embedding_program(message, directory)
    if embedded is not None:
        missing, go_file, pattern = embedded
        return LoadError(
            shown,
            f"not rendered: {missing} is not in the checkout, and {go_file} embeds this kustomization (`//go:embed "
            f"{pattern}`): the program writes it out beside the files it generates, so it never builds where it is",
            severity="warning",
        )
    made = _missing_inputs_a_script_makes(message, directory)
    if made is not None:
        return LoadError(shown, f"not rendered: {made}", severity="warning")
    return LoadError(shown, message)


_GO_EMBED = re.compile(r"^[ \t]*//go:embed[ \t]+(.+)$", re.M)


def _embedding_program(message: str, directory: str):
    """(the missing path, the Go file, its embed pattern) when a render failed only for want of files and a Go
    file of the repository embeds the kustomization: the program copies it next to the files it writes (Cluster
    API's e2e framework), so its directory was never meant to build. Looked for only after such a failure."""
    missing = sorted(set(_MISSING.findall(message)))
    if not missing or any(os.path.lexists(path) for path in missing):
        return None
    kustomization = os.path.abspath(layout.find_kustomization_file(directory) or directory)
    root = os.path.abspath(layout.repository_root(kustomization))
    here = os.path.dirname(kustomization)
    while here == root or here.startswith(root + os.sep):  # embed patterns never climb: the Go file is above
        for go_file in _go_files(here):
            for pattern in _embed_patterns(go_file):
                target = os.path.normpath(os.path.join(here, pattern))
                if fnmatch.fnmatchcase(kustomization, target) or kustomization.startswith(target + os.sep):
                    return layout.shown_path(missing[0]), layout.shown_path(go_file), pattern
        if here == root:
            break
        here = os.path.dirname(here)
    return None


def _go_files(directory: str) -> list[str]:
    try:
        return sorted(e.path for e in os.scandir(directory) if e.name.endswith(".go") and e.is_file())
    except OSError:
        return []


def _embed_patterns(go_file: str) -> list[str]:
    try:
        with open(go_file, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 20)
    except OSError:
        return []
    if "//go:embed" not in text:
        return []
    patterns = []
    for line in _GO_EMBED.findall(text):
        for word in re.findall(r'"[^"]*"|`[^`]*`|\S+', line):
            word = word.strip('"`')
            patterns.append(word[4:] if word.startswith("all:") else word)
    return patterns


# How kustomize names a local file or directory it cannot find.
_MISSING = re.compile(r"(?:lstat|open) (/[^\n]*?): no such file or directory")


def _ignored_missing_file(message: str, directory: str):
    """(the missing path, the .gitignore line ignoring it) when a render failed only for want of files the
    repository ignores on purpose (made before the build: a deploy tool's .env, downloaded CRDs), else None."""
    from .gitignore import ignored_by

    missing = sorted(set(_MISSING.findall(message)))
    if not missing or any(os.path.lexists(path) for path in missing):
        return None
    root = layout.repository_root(os.path.join(directory, "kustomization.yaml"))
    rules = [ignored_by(path, root) for path in missing]
    if not all(rules):
        return None
    return layout.shown_path(missing[0]), rules[0]


# What a file a script fills in from a template is named beside it (`sriovdp-config.yaml.in`, `x.yaml.tmpl`).
_TEMPLATE_SUFFIXES = (".in", ".tmpl", ".tpl", ".template", ".j2")


def _missing_inputs_a_script_makes(message: str, directory: str) -> str | None:
    """Why a render that failed for want of local files fails only in the checkout, or None.

    - every file the kustomizations list that is missing has a template beside it (``X.yaml.in``): a script
      fills it in, as KubeVirt's kubevirtci does with envsubst before `kubectl kustomize`;
    - none of the files the kustomization itself lists is there (all named as manifest files, and it lists no
      directory): it is copied beside them (KubeVirt's whereabouts kustomization, which a bump script copies
      into a downloaded release).
    A file missing without either sign stays an input error.
    """
    reported = _MISSING.findall(message)
    if not reported or any(os.path.lexists(path) for path in reported):
        return None
    chain = layout.Kustomizations().chain(directory)
    missing = sorted({path for info in chain for path in info.files if not os.path.lexists(path)})
    templates = [next((path + s for s in _TEMPLATE_SUFFIXES if os.path.isfile(path + s)), None) for path in missing]
    if missing and all(templates):
        shown = ", ".join(os.path.basename(t) for t in templates if t)
        return (
            f"the files it lacks in the checkout are made from the templates beside them, which a script fills in "
            f"({shown}): generate them, then check the directory"
        )
    own = chain[-1] if chain else None
    if own is None or not own.files or own.directories:
        return None
    if any(os.path.lexists(path) or not path.endswith(MANIFEST_SUFFIXES) for path in own.files):
        return None  # (a missing directory-like entry, `../base`, is a base gone missing: an error)
    listed = ", ".join(sorted(os.path.basename(path) for path in own.files))
    return (
        f"none of the files it lists ({listed}) is in the checkout: a kustomization a script copies beside the "
        "files it lists, or writes them for; check the directory it is built in"
    )


def _read_source(path: str, sources: dict, result: LoadResult, max_file_size: int) -> LoadResult | None:
    """A kustomization's source file, parsed once per render, with its text kept for code frames."""
    if path not in sources:
        loaded = None
        read = read_text(path, max_file_size, [], "<stdin>")
        if read is not None:
            loaded = LoadResult(span_cache=result.span_cache)
            source = SourceFile(read[0], read[1])
            load_text(source, loaded)
            if not any(f.path == source.path for f in result.files):
                result.files.append(source)
        sources[path] = loaded
    return sources[path]


def _patches(chain, sources: dict, result: LoadResult, max_file_size: int) -> list[Manifest]:
    """Every strategic-merge patch the kustomizations apply, in the order kustomize applies them."""
    out = []
    for info in chain:
        for path in info.patches:
            loaded = _read_source(layout.shown_path(path), sources, result, max_file_size)
            if loaded is not None:
                out += [m for m in loaded.manifests if m.kind and m.name]
    return out


def _source_document(origin, manifest, sources, result, max_file_size) -> Manifest | None:
    """The object ``manifest`` was rendered from, in its source file."""
    loaded = _read_source(origin, sources, result, max_file_size)
    if loaded is None:
        return None
    same_kind = [m for m in loaded.manifests if m.kind == manifest.kind]
    name = manifest.name or ""
    # namePrefix / nameSuffix change names: the source name is inside the rendered one.
    candidates = [m for m in same_kind if m.name and m.name in name] or (same_kind if len(same_kind) == 1 else [])
    if not candidates:
        return None
    return max(candidates, key=lambda m: len(m.name or ""))
