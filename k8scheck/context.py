"""What a check sees: the inputs, the run's options, and derived views built once on demand."""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from .loader import LoadResult
from .model import Manifest
from .runcache import FileCache


@dataclass(frozen=True)
class Options:
    namespace: str = "default"
    kube_version: str | None = None
    params: dict = field(default_factory=dict)  # slug -> {param: value}
    assume_exists: tuple = ()
    producers: tuple = ()  # the project's producers catalogues (``producers:`` in the config)
    assume_pods: tuple = ()  # (namespace, {label: value}) of pods stated to exist
    schema_dirs: tuple = ()
    old_manifests: list | None = None  # the applied state (--diff-base); None: predict the next rollout
    check_images: bool = False  # ask the registries (--check-images)
    image_catalog: str | None = None  # answer from this file instead (--image-catalog)
    registry_mirrors: tuple = ()  # (registry, mirror) pairs
    insecure_registries: tuple = ()


class Context:
    def __init__(
        self,
        loaded: LoadResult,
        options: Options,
        active_rules=frozenset(),
        reported: set | None = None,
        jobs: int | None = None,
    ):
        self.loaded = loaded
        self.jobs = jobs  # processes for per-object stages (None: every core)
        self.options = options
        self.active_rules = frozenset(active_rules)
        self.reported = reported  # files whose findings are reported (None: every file); the rest is --context

    def reports(self, manifest: Manifest) -> bool:
        """Whether a finding on ``manifest`` is reported (a check may skip work on the others)."""
        return (
            self.reported is None
            or manifest.file in self.reported
            or bool(manifest.overlays)
            or manifest.relocate is not None
        )

    @functools.cached_property
    def _sources(self) -> dict:
        return {source.path: source for source in self.loaded.files}

    def source_of(self, path: str):
        """The SourceFile read from ``path`` (its text, for what a finding's span holds), or None."""
        return self._sources.get(path)

    @property
    def manifests(self) -> list[Manifest]:
        return self.loaded.manifests

    @functools.cached_property
    def subjects(self) -> list[Manifest]:
        """The manifests whose own findings are reported: every one, unless --context named the rest.

        A per-object analysis (schema, API-server checks, image references, rollouts)
        only looks at these: what it found on the others would be dropped unseen.
        """
        if self.reported is None:
            return self.loaded.manifests
        return [m for m in self.loaded.manifests if self.reports(m)]

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

    @property
    def kube_version(self) -> str:
        from .schema import newest_version

        return self.options.kube_version or newest_version()

    @functools.cached_property
    def schema_validator(self):
        from .schema import SchemaValidator

        crds = [m.obj for m in self.by_kind.get("CustomResourceDefinition", ())]
        return SchemaValidator(self.kube_version, schema_dirs=self.options.schema_dirs, crds=crds)

    @functools.cached_property
    def schema_problems(self) -> list:
        """(manifest, Problem) for every schema violation, computed once for all schema rules."""
        import marshal

        validator = self.schema_validator
        for api_version, kind in {(m.api_version, m.kind) for m in self.subjects}:
            if api_version and kind:
                validator.has_schema(api_version, kind)  # compiled once, before any worker forks
        validate = validator.validate
        crds = [m.obj for m in self.by_kind.get("CustomResourceDefinition", ())]
        stage = (
            None if self.options.schema_dirs else b"schema\0" + self.kube_version.encode() + b"\0" + marshal.dumps(crds)
        )
        found = self._pairs(self._per_object(stage, lambda manifest: list(validate(manifest.obj))))
        return _with_schema_source(found, self.by_kind.get("CustomResourceDefinition", ()))

    def _pairs(self, found: list) -> list:
        """(manifest, problem) for the per-subject problem lists ``found``."""
        return [(manifest, problem) for manifest, problems in zip(self.subjects, found) for problem in problems]

    def _per_object(self, stage: bytes | None, function) -> list:
        """``[function(m) for m in self.subjects]``: per file from the run's cache where it has them,
        the rest on every core.

        ``stage`` names the stage and everything that configures it (None: never cached).
        """
        import pickle

        from .parallel import map_objects

        manifests = self.subjects
        cache: FileCache | None = None
        stage_name = b""
        if stage is not None and isinstance(self.loaded.cache, FileCache):  # the run's cache, if any
            cache, stage_name = self.loaded.cache, stage
        results: list = [None] * len(manifests)
        by_file: dict[str, list[int]] = defaultdict(list)
        if cache is not None:
            for index, manifest in enumerate(manifests):
                if manifest.digest is not None:
                    by_file[manifest.digest].append(index)
            for digest, indices in by_file.items():
                blob = cache.load(cache.stage_key(digest, stage_name))
                try:
                    stored = pickle.loads(blob) if blob is not None else None
                except Exception:  # noqa: BLE001 - a truncated or foreign entry: compute again
                    stored = None
                if isinstance(stored, list) and len(stored) == len(indices):
                    for index, value in zip(indices, stored):
                        results[index] = value
        missing = [i for i, value in enumerate(results) if value is None]
        for index, value in zip(missing, map_objects(function, [manifests[i] for i in missing], self.jobs)):
            results[index] = value
        if cache is not None and missing:
            changed = {digest for digest in (manifests[i].digest for i in missing) if digest is not None}
            for digest in changed:
                cache.store(
                    cache.stage_key(digest, stage_name),
                    pickle.dumps([results[i] for i in by_file[digest]], protocol=pickle.HIGHEST_PROTOCOL),
                )
        return results

    @functools.cached_property
    def pod_store(self):
        """ConfigMap / Secret / PVC lookups for the kubelet model, indexed once per run."""
        from .simulate.pods import PodStore

        return PodStore(self)

    @functools.cached_property
    def image_static_problems(self) -> list:
        from . import images

        return self._pairs([images.image_problems(m.obj) for m in self.subjects])

    @functools.cached_property
    def image_verdicts(self):
        """Registry (or catalog) answers per image string; None when not asked for."""
        options = self.options
        if not (options.check_images or options.image_catalog):
            return None
        from . import images
        from .cachedir import cache_dir

        references = images.image_references(m.obj for m in self.loaded.manifests)
        return images.check_images(
            references,
            cache_path=cache_dir() / "images.sqlite",
            docker_config=images.default_docker_config() if options.check_images else None,
            mirrors=dict(options.registry_mirrors) or None,
            insecure_registries=set(options.insecure_registries) or None,
            catalog=options.image_catalog,
        )

    @functools.cached_property
    def semantic_problems(self) -> list:
        """(manifest, Problem) for what the API server rejects beyond the schema, computed once."""
        from . import semantic

        return self._pairs(self._per_object(b"semantic", lambda manifest: list(semantic.check(manifest.obj))))

    @functools.cached_property
    def rollout_predictions(self) -> list:
        """Rollouts whose new pods are predicted to fail (every changed Deployment with --diff-base)."""
        from .rolloutplan import plan

        return plan(
            self,
            self.options.old_manifests,
            new_pods="auto",
            kube_version=self.kube_version,
            image_verdicts=self.image_verdicts,
            failing_only=True,
        )

    @functools.cached_property
    def rollout_whatif(self) -> list:
        """The next rollout of every Deployment if its new pods never become ready."""
        from .rolloutplan import plan

        return plan(self, None, new_pods="fail", kube_version=self.kube_version, numbers_only=True)

    @functools.cached_property
    def graph(self):
        """The object graph (k8scheck.graph), built once per run on first use."""
        from . import producers
        from .graph import build_graph

        options = self.options
        return build_graph(
            self.loaded.manifests, options.assume_exists, producers.load(options.producers), options.assume_pods
        )

    @functools.cached_property
    def port_problems(self) -> list:
        """Service ports the selected pods do not serve (graph.PortProblem), computed once for the port rules."""
        from .graph import port_problems

        return port_problems(self.graph, self.of_kind("Service"))

    @property
    def graph_errors(self) -> list[str]:
        """Internal errors met while building the graph; none when no rule asked for it."""
        graph = self.__dict__.get("graph")  # the cached_property's value, if it was built
        return list(graph.internal_errors) if graph is not None else []

    def params(self, rule) -> dict:
        values = rule.param_defaults()
        values.update(self.options.params.get(rule.slug, {}))
        return values

    def source_line(self, file: str, number: int) -> str | None:
        source = self._sources.get(file)
        return source.line(number) if source is not None else None

    def source_slice(self, location) -> str | None:
        """The text written at a single-line location, as the user typed it."""
        source = self._sources.get(location.file)
        if source is None or location.end_column is None or location.end_line != location.line:
            return None
        line = source.line(location.line)
        if line is None:
            return None
        return line[location.column - 1 : location.end_column - 1] or None


def _with_schema_source(pairs: list, crds) -> list:
    """The (manifest, problem) pairs, each custom resource's problems naming the CRD of the inputs whose
    schema found them (the last to serve its apiVersion and kind, as the validator takes it): where that
    CRD lies in an unrelated directory, the finding rests on evidence elsewhere (``engine._only_elsewhere``)."""
    from .schema.crd import served_versions

    source = {}
    for crd in crds:
        for api_version, kind, _schema in served_versions(crd.obj):
            source[(api_version, kind)] = crd
    if not source:
        return pairs
    out = []
    for manifest, problem in pairs:
        crd = source.get((manifest.api_version, manifest.kind))
        if crd is not None and crd is not manifest:
            note = f"{manifest.kind} {manifest.api_version}: the schema of CustomResourceDefinition {crd.name}"
            problem = dataclasses.replace(problem, related=(*problem.related, (crd, ("spec", "names", "kind"), note)))
        out.append((manifest, problem))
    return out
