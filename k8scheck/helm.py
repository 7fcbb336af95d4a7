"""Helm charts: rendered with ``helm template`` when helm is installed, else skipped with the command.

Each rendered object points into the template file helm names in its
``# Source:`` comment; the line is found by aligning the rendered text with the
template's (template actions change lines, the YAML around them does not).
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
import shutil

from . import render
from .model import LoadError, SourceFile
from .positions import Location
from .yamlsource import load_single

_SOURCE = re.compile(r"^# Source: (.+?)\s*$")


def skipped_message(directory: str) -> str:
    return (
        f"Helm chart not checked: helm is not installed; check it with "
        f"`helm template {directory} | k8scheck lint - --stdin-filename {directory}`"
    )


def _missing_dependencies(directory: str) -> list[str]:
    """Chart dependencies that are not vendored under charts/ (helm would need the network)."""
    try:
        with open(os.path.join(directory, "Chart.yaml"), encoding="utf-8") as handle:
            chart = load_single(handle.read())
    except (OSError, UnicodeError, ValueError):
        return []
    dependencies = chart.get("dependencies") if isinstance(chart, dict) else None
    if not isinstance(dependencies, list):
        return []
    vendored = os.listdir(os.path.join(directory, "charts")) if os.path.isdir(os.path.join(directory, "charts")) else []
    missing = []
    for dependency in dependencies:
        name = dependency.get("name") if isinstance(dependency, dict) else None
        repository = dependency.get("repository", "") if isinstance(dependency, dict) else ""
        if not isinstance(name, str) or (isinstance(repository, str) and repository.startswith("file://")):
            continue
        if not any(entry == name or entry.startswith(f"{name}-") for entry in vendored):
            missing.append(name)
    return missing


def load_chart(directory: str, result, max_file_size: int, allow_remote: bool = False) -> None:
    """Render one chart into ``result``: objects in the chart's unit, located in their templates."""
    from .loader import load_text

    if shutil.which("helm") is None:
        result.errors.append(LoadError(directory, skipped_message(directory), severity="warning"))
        return
    missing = _missing_dependencies(directory)
    if missing and not allow_remote:
        result.errors.append(
            LoadError(
                directory,
                f"Helm chart not rendered: needs the network for its dependencies {', '.join(missing)} (run `helm "
                "dependency build` first, or pass --allow-remote)",
                severity="warning",
            )
        )
        return
    try:
        text = render.run(
            ["helm", "template", os.path.basename(os.path.abspath(directory)), directory],
            directory,
            max_file_size,
            allow_remote,
        )
    except render.RenderError as exc:
        result.errors.append(LoadError(os.path.join(directory, "Chart.yaml"), str(exc)))
        return
    for template, chunk in split_sources(text, directory):
        rendered = SourceFile(f"{template} (rendered)", chunk)
        scratch = type(result)(span_cache=result.span_cache)
        load_text(rendered, scratch)
        template_source = _template_source(template, max_file_size)
        if template_source is None:
            result.files.append(rendered)
            result.diagnostics.extend(scratch.diagnostics)
            mapper = None
        else:
            if not any(f.path == template for f in result.files):
                result.files.append(template_source)
            mapper = LineMap(chunk, template_source.text, template)
        for manifest in scratch.manifests:
            manifest.unit = directory
            if mapper is not None:
                manifest.file = template
                manifest.relocate = mapper
            result.manifests.append(manifest)


def _template_source(template: str, max_file_size: int) -> SourceFile | None:
    try:
        if os.path.getsize(template) > max_file_size:
            return None
        with open(template, encoding="utf-8") as handle:
            return SourceFile(template, handle.read())
    except (OSError, UnicodeError):
        return None


def split_sources(text: str, directory: str) -> list[tuple[str, str]]:
    """(template path, rendered YAML of the documents it produced), in output order."""
    chunks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = _SOURCE.match(line)
        if match:
            relative = match.group(1).split("/", 1)[1] if "/" in match.group(1) else match.group(1)
            current = chunks.setdefault(os.path.normpath(os.path.join(directory, relative)), [])
            if current:
                current.append("---")
            continue
        if current is not None:
            current.append(line)
    return [(path, "\n".join(lines) + "\n") for path, lines in chunks.items()]


class LineMap:
    """Rendered line -> template line, by aligning the two texts line by line."""

    def __init__(self, rendered: str, template: str, path: str):
        self.path = path
        self.rendered = [line.strip() for line in rendered.splitlines()]
        self.raw_template = template.splitlines()
        self.template = [line.strip() for line in self.raw_template]
        self.exact: dict[int, int] = {}
        matcher = difflib.SequenceMatcher(None, self.rendered, self.template, autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                self.exact[block.a + offset + 1] = block.b + offset + 1
        self._known = sorted(self.exact)

    def _between(self, line: int) -> tuple[int, int]:
        """The template lines strictly between the aligned neighbours of rendered ``line``."""
        index = bisect.bisect_left(self._known, line)
        low = self.exact[self._known[index - 1]] if index > 0 else 0
        high = self.exact[self._known[index]] if index < len(self._known) else len(self.template) + 1
        return low, high

    def __call__(self, location: Location) -> Location:
        line = self.exact.get(location.line)
        if line is not None:
            return Location(
                self.path, line, location.column, line if location.end_line is not None else None, location.end_column
            )
        low, high = self._between(location.line)
        text = self.rendered[location.line - 1] if 0 < location.line <= len(self.rendered) else ""
        key = text.split(":", 1)[0] if ":" in text else None
        # A value the template fills in (`image: {{ .Values.image }}`): the line with the same key.
        for candidate in range(low + 1, high):
            if key and self.template[candidate - 1].split(":", 1)[0] == key:
                raw = self.raw_template[candidate - 1]
                return Location(self.path, candidate, len(raw) - len(raw.lstrip()) + 1)
        # A line an action writes whole: the nearest aligned line above it.
        return Location(self.path, max(low, 1), 1)
