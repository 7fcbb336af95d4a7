"""Paths -> Kubernetes objects, and everything that kept a file from being read.

Nothing here is fatal to the run: an unreadable file becomes a ``LoadError``,
a broken document a ``Diagnostic``, and every other file is still read.
"""

from __future__ import annotations

import codecs
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import kustomize, parallel
from .kinds import CLUSTER_SCOPED
from .model import Diagnostic, LoadError, Manifest, Related, SourceFile
from .positions import Location, locate
from .yamlsource import parse_stream

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

    def source(self, path: str) -> SourceFile | None:
        for file in self.files:
            if file.path == path:
                return file
        return None


def _is_values_file(name: str) -> bool:
    return name.startswith("values") and name.endswith((".yaml", ".yml"))


def discover(paths: list[str], errors: list[LoadError]) -> list[str]:
    """Expand directories into manifest files: recursive, sorted, deterministic.

    Hidden entries are skipped, and a symlink is followed only when its target
    stays inside one of the given directories (no escaping the tree a user named).
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            out.append(STDIN)
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            errors.append(LoadError(raw, "no such file or directory"))
            continue
        if path.is_dir():
            root = os.path.realpath(raw)
            _walk(raw, root, {root}, out, errors)
        else:
            out.append(raw)
    # A file reached twice (named and inside a named directory) is read once, and
    # the order the paths were given in never changes the result.
    unique = []
    for item in out:
        key = item if item == STDIN else os.path.normpath(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return sorted(unique, key=lambda p: (p != STDIN, os.path.normpath(p)))


def _walk(directory: str, root: str, visited: set[str], out: list[str], errors: list[LoadError]) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        errors.append(LoadError(directory, f"cannot list directory: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        display = os.path.join(directory, entry.name)
        try:
            is_link = entry.is_symlink()
            real = os.path.realpath(display) if is_link else None
            if is_link and not (real == root or real.startswith(root + os.sep)):
                errors.append(
                    LoadError(display, f"symlink to {real} leaves {root}; not followed", severity="warning")
                )
                continue
            if entry.is_dir():
                real = real or os.path.realpath(display)
                if real in visited:
                    errors.append(
                        LoadError(display, "symlink loop: this directory was already read; not followed", severity="warning")
                    )
                    continue
                _walk(display, root, visited | {real}, out, errors)
            elif entry.is_file():
                if entry.name.endswith(MANIFEST_SUFFIXES) and entry.name not in NOT_MANIFESTS and not _is_values_file(entry.name):
                    out.append(display)
            elif is_link:
                errors.append(LoadError(display, "broken symlink", severity="warning"))
        except OSError as exc:
            errors.append(LoadError(display, f"cannot read: {exc.strerror or exc}"))


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
            LoadError(path, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {exc.start} ({exc.reason})", line, column)
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
                errors.append(LoadError(display, f"file is {_mib(size)}, above the {_mib(max_size)} limit (--max-file-size)"))
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
) -> LoadResult:
    """Read every input; objects keep the position of every field."""
    return parse_inputs(read_inputs(paths, max_file_size=max_file_size, stdin_name=stdin_name), namespace=namespace)


@dataclass
class Inputs:
    """Everything read from the paths, before any parsing (what the run cache keys on)."""

    sources: list[SourceFile] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    kustomizations: list[str] = field(default_factory=list)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    from_stdin: bool = False


def read_inputs(paths: list[str], *, max_file_size: int = DEFAULT_MAX_FILE_SIZE, stdin_name: str = "<stdin>") -> Inputs:
    inputs = Inputs(max_file_size=max_file_size)
    plain = []
    for path in paths:
        (inputs.kustomizations if path != STDIN and kustomize.is_kustomization(path) else plain).append(path)
    for path in discover(plain, inputs.errors):
        inputs.from_stdin = inputs.from_stdin or path == STDIN
        read = read_text(path, max_file_size, inputs.errors, stdin_name)
        if read is not None:
            inputs.sources.append(SourceFile(*read))
    return inputs


def parse_inputs(inputs: Inputs, *, namespace: str = "default", jobs: int | None = None) -> LoadResult:
    result = LoadResult(errors=list(inputs.errors))
    for directory in inputs.kustomizations:
        load_kustomization(directory, result, inputs.max_file_size)
    parsed = parallel.parse_all([source.text for source in inputs.sources], jobs)
    for source, (documents, problems) in zip(inputs.sources, parsed):
        result.files.append(source)
        load_text(source, result, documents, problems)
    assign_namespaces(result.manifests, namespace)
    return result


def _needs_spans_now(documents) -> bool:
    """Documents that are not objects are reported while loading, at their position."""
    for document in documents:
        value = document.value
        if value is not None and not isinstance(value, dict):
            return True
        if isinstance(value, dict) and _is_list(value) and not all(isinstance(item, dict) for item in value["items"]):
            return True
    return False


def load_text(source: SourceFile, result: LoadResult, documents=None, problems=None) -> None:
    """Objects and diagnostics of one file; ``documents``/``problems`` when already parsed (in a worker)."""
    if documents is None:
        documents, problems = parse_stream(source.text, with_spans=False)
    if _needs_spans_now(documents):
        documents, problems = parse_stream(source.text, with_spans=True)
    source.documents = len(documents)
    last_line = source.text.count("\n") + (0 if source.text.endswith("\n") else 1)
    for problem in problems:
        related = ()
        if problem.related_line is not None:
            related = (Related(Location(source.path, problem.related_line + 1, (problem.related_column or 0) + 1), "first defined here"),)
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
                    result.manifests.append(Manifest(item, source.path, document.index, ("items", i), document.spans, None, source))
                else:
                    result.diagnostics.append(
                        Diagnostic(
                            "document-not-object",
                            f"items[{i}] of this {value['kind']} is {_not_an_object(item)}, not a Kubernetes object",
                            locate(source.path, document.spans, ("items", i)),
                        )
                    )
            continue
        result.manifests.append(Manifest(value, source.path, document.index, (), document.spans, None, source))


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


def load_kustomization(directory: str, result: LoadResult, max_file_size: int) -> None:
    """Render a kustomization and point each rendered object back at its source file."""
    try:
        text, overlay = kustomize.render(directory)
    except kustomize.RenderError as exc:
        result.errors.append(LoadError(directory, str(exc)))
        return
    display = os.path.join(directory, "kustomization.yaml (rendered)")
    rendered = SourceFile(display, text)
    scratch = LoadResult()
    load_text(rendered, scratch)
    result.diagnostics.extend(scratch.diagnostics)
    sources: dict[str, LoadResult | None] = {}
    used_rendered = False
    for manifest in scratch.manifests:
        annotations = manifest.metadata.get("annotations")
        origin = kustomize.origin_path(annotations.pop(kustomize.ORIGIN, None), overlay) if isinstance(annotations, dict) else None
        if isinstance(annotations, dict) and not annotations:
            del manifest.metadata["annotations"]
        source = _source_document(origin, manifest, sources, result, max_file_size) if origin else None
        if source is None:
            used_rendered = True
        else:
            manifest.file, manifest.document, manifest.prefix, manifest.spans = source
        result.manifests.append(manifest)
    if used_rendered:
        result.files.append(rendered)


def _source_document(origin, manifest, sources, result, max_file_size):
    """(file, document, prefix, spans) of the object ``manifest`` was rendered from."""
    if origin not in sources:
        loaded = None
        read = read_text(origin, max_file_size, [], "<stdin>")
        if read is not None:
            loaded = LoadResult()
            source = SourceFile(read[0], read[1])
            load_text(source, loaded)
            if not any(f.path == source.path for f in result.files):
                result.files.append(source)
        sources[origin] = loaded
    loaded = sources[origin]
    if loaded is None:
        return None
    same_kind = [m for m in loaded.manifests if m.kind == manifest.kind]
    name = manifest.name or ""
    # namePrefix / nameSuffix change names: the source name is inside the rendered one.
    candidates = [m for m in same_kind if m.name and m.name in name] or (same_kind if len(same_kind) == 1 else [])
    if not candidates:
        return None
    best = max(candidates, key=lambda m: len(m.name or ""))
    return best.file, best.document, best.prefix, best.spans
