"""What a check sees: the inputs, the run's options, and derived views built once on demand."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from .loader import LoadResult
from .model import Manifest


@dataclass(frozen=True)
class Options:
    namespace: str = "default"
    kube_version: str | None = None
    params: dict = field(default_factory=dict)  # slug -> {param: value}
    assume_exists: tuple = ()


class Context:
    def __init__(self, loaded: LoadResult, options: Options):
        self.loaded = loaded
        self.options = options

    @property
    def manifests(self) -> list[Manifest]:
        return self.loaded.manifests

    @functools.cached_property
    def by_kind(self) -> dict[str, list[Manifest]]:
        index: dict[str, list[Manifest]] = defaultdict(list)
        for manifest in self.loaded.manifests:
            if manifest.kind:
                index[manifest.kind].append(manifest)
        return index

    def of_kind(self, *kinds: str):
        for kind in kinds:
            yield from self.by_kind.get(kind, ())

    @functools.cached_property
    def graph(self):
        """The object graph (k8scheck.graph), built once per run on first use."""
        from .graph import build_graph

        return build_graph(self.loaded.manifests, self.options.assume_exists)

    def params(self, rule) -> dict:
        values = rule.param_defaults()
        values.update(self.options.params.get(rule.slug, {}))
        return values

    @functools.cached_property
    def _sources(self) -> dict:
        return {source.path: source for source in self.loaded.files}

    def source_slice(self, location) -> str | None:
        """The text written at a single-line location, as the user typed it."""
        source = self._sources.get(location.file)
        if source is None or location.end_column is None or location.end_line != location.line:
            return None
        line = source.line(location.line)
        if line is None:
            return None
        return line[location.column - 1 : location.end_column - 1] or None
