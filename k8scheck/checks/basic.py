"""Single-object rules the API server (or the pod) would trip over."""

from __future__ import annotations

import math
import os

from ..kinds import SELECTOR_WORKLOADS, containers, get
from ..layout import related_directories
from ..problem import dotted
from ..selectors import format_labels, is_empty_selector, label_selector_matches
from .hit import hit


def missing_required_field(ctx, rule):
    slug = rule.slug
    for m in ctx.subjects:
        obj = m.obj
        absent = [name for name in ("apiVersion", "kind", "metadata") if name not in obj]
        if len(absent) == 3:
            # One mistake: this document is not a Kubernetes object at all (an app
            # config, a compose file), not three missing fields.
            yield hit(
                m,
                slug,
                (),
                "this document has no apiVersion, kind or metadata: it is not a Kubernetes object (kubectl: "
                '"apiVersion not set, kind not set"); if the file is not a manifest, leave it out or lint with '
                "--skip-non-manifests",
                at="key",
            )
            continue
        yield from _missing_strings(m, slug, obj, (), _OBJECT_STRINGS)
        metadata = obj.get("metadata")
        if "metadata" not in obj and _served_by_no_api(ctx, obj):
            continue  # a tool's own file format that borrows apiVersion/kind (unknown-kind says it went unchecked)
        if not isinstance(metadata, dict):
            yield hit(m, slug, ("metadata",), "metadata is missing; every object needs metadata.name", at="key")
        elif not m.name and not metadata.get("generateName"):
            yield hit(
                m,
                slug,
                ("metadata", "name"),
                'metadata.name is missing; kubectl apply fails with "resource name may not be empty"',
                at="key",
            )
        template = m.template
        if template is None:
            continue
        spec_path = template.spec_path
        listed = template.spec.get("containers")
        if not isinstance(listed, list) or not listed:
            yield hit(
                m,
                slug,
                spec_path + ("containers",),
                f"{dotted(spec_path + ('containers',))} is missing or empty; a pod needs at least one container",
                at="key",
            )
        for list_name, index, container in containers(template.spec, ("initContainers", "containers")):
            yield from _missing_strings(m, slug, container, spec_path + (list_name, index), _CONTAINER_STRINGS)


def _served_by_no_api(ctx, obj: dict) -> bool:
    """Whether no API the run knows serves this apiVersion/kind: neither Kubernetes (this version or any
    other) nor a CRD or schema given. Without metadata too, such a document is a tool's own file that
    borrows the apiVersion/kind convention (a conformance report, a node agent's config, a docs generator's
    index), not an object written for the API server; a custom resource of a known CRD keeps the error."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return False
    validator = ctx.schema_validator
    return not validator.has_schema(api_version, kind) and validator.api_status(api_version, kind) == "unknown"


# Fields that must be non-empty strings, with what their absence leads to.
_OBJECT_STRINGS = (
    ("apiVersion", 'kubectl cannot tell which API this object belongs to ("apiVersion not set")'),
    ("kind", 'kubectl cannot decode this object ("kind not set")'),
)
_CONTAINER_STRINGS = (
    ("name", "every container needs a name"),
    ("image", 'the API server rejects the pod template ("Required value")'),
)


def _missing_strings(m, slug, obj: dict, base: tuple, required):
    """A finding at each field of ``required`` that ``obj`` (at ``base``) lacks or leaves empty."""
    for name, consequence in required:
        value = obj.get(name)
        if not isinstance(value, str) or not value:
            yield hit(m, slug, base + (name,), f"{dotted(base + (name,))} is missing; {consequence}", at="key")


def duplicate_object(ctx, rule):
    """Two definitions of one object: an error when they are certainly applied together.

    Within one file or one rendered unit (a kustomization, a chart, an Argo CD or Flux
    path) both definitions are applied. Plain files may never be applied together: a
    file whose objects are all defined again elsewhere, or two files (or two unrelated
    directories) that share several objects, look like alternatives (per-model or
    per-provider variants, an all-in-one file beside its split files, successive steps
    of a tutorial) of which one is applied: one note per pair. Any other duplicate
    between plain files is a warning that says "if both are applied together".
    """
    duplicates = _Duplicates(ctx.manifests)
    for first, m in duplicates.applied_together:
        if first.api_version != m.api_version:
            # One object written in two API versions of its group (an operator's samples of each version): the
            # API server converts either, and the second apply updates the object the first made.
            yield _redefined(
                rule,
                m,
                first,
                f"{m.ref} is written again in {m.api_version} (first in {first.api_version} at {first.locate(_NAME)}): "
                "the same object in two API versions, so kubectl apply creates it from the first and then updates it "
                "with the second: what only the first says is lost",
                "first definition",
                rule.severity_of("other-version"),
            )
            continue
        yield _redefined(
            rule,
            m,
            first,
            f"{m.ref} is defined twice (first at {first.locate(_NAME)}); kubectl apply keeps only the one applied "
            "last, so one of the two definitions is silently lost",
            "first definition",
        )
    threshold = ctx.params(rule)["alternatives"]
    apart: dict[tuple, list] = {}  # (first directory, second directory) -> duplicates, for unrelated directories
    for second_file, first_file, pairs in duplicates.file_pairs():
        if not related_directories(first_file, second_file):
            apart.setdefault((os.path.dirname(first_file), os.path.dirname(second_file)), []).extend(pairs)
        elif duplicates.alternatives(second_file, first_file, pairs, threshold):
            yield _alternatives(rule, second_file, first_file, pairs, "file")
        else:
            for first, m in pairs:
                yield _redefined(
                    rule,
                    m,
                    first,
                    f"{m.ref} is also defined at {first.locate(_NAME)}; if both files are applied together, "
                    "kubectl apply keeps only the one applied last",
                    "the other definition",
                    rule.severity_of("other-file"),
                )
    for (first_dir, second_dir), pairs in apart.items():
        if len(pairs) >= threshold:
            yield _alternatives(rule, second_dir, first_dir, pairs, "directory")
            continue
        for first, m in pairs:
            yield _redefined(
                rule,
                m,
                first,
                f"{m.ref} is also defined in {first_dir} (at {first.locate(_NAME)}), an unrelated directory; "
                "if both are applied together, kubectl apply keeps only the one applied last",
                "the other definition",
                rule.severity_of("other-directory"),
            )


class _Duplicates:
    """The objects defined twice among ``manifests``: in what is applied together, and between plain files."""

    def __init__(self, manifests) -> None:
        first_seen = {}
        self.defined_in: dict[str, int] = {}  # file -> objects with a kind and a name
        self.between_files: dict[str, list] = {}  # second file -> its duplicates of objects in other plain files
        self.applied_together: list = []  # (first, second): in one file or one rendered unit
        for m in manifests:
            if not m.kind or not m.name:
                continue
            self.defined_in[m.file] = self.defined_in.get(m.file, 0) + 1
            # Identity is API group + kind + namespace + name: istio's Gateway and the
            # Gateway API's Gateway of one name are two objects.
            key = (m.group, m.kind, m.namespace, m.name)
            if key not in first_seen:
                first_seen[key] = m
                continue
            first = first_seen[key]
            if m.unit is None and first.file != m.file:
                self.between_files.setdefault(m.file, []).append((first, m))
            else:
                self.applied_together.append((first, m))

    def file_pairs(self):
        """(second file, first file, duplicate pairs) for every two plain files defining the same objects."""
        for second_file, duplicates in self.between_files.items():
            by_first: dict[str, list] = {}
            for first, m in duplicates:
                by_first.setdefault(first.file, []).append((first, m))
            for first_file, pairs in by_first.items():
                yield second_file, first_file, pairs

    def alternatives(self, second_file: str, first_file: str, pairs: list, threshold: int) -> bool:
        """Two files look like alternatives: one defines only objects defined elsewhere too (a variant), or
        they share ``threshold`` objects, or every object of the first."""
        duplicates = len(self.between_files[second_file])
        variant = duplicates >= threshold or duplicates == self.defined_in[second_file]
        return variant or len(pairs) >= threshold or len(pairs) == self.defined_in[first_file]


def alternative_files(manifests, threshold: int) -> set[frozenset]:
    """The pairs of plain files in related directories that ``duplicate-object`` notes as alternatives,
    of which one is applied: evidence in one proves nothing about the other (``engine._only_elsewhere``)."""
    duplicates = _Duplicates(manifests)
    return {
        frozenset((second_file, first_file))
        for second_file, first_file, pairs in duplicates.file_pairs()
        if related_directories(first_file, second_file)
        and duplicates.alternatives(second_file, first_file, pairs, threshold)
    }


def _alternatives(rule, second: str, first: str, pairs: list, noun: str):
    """One note for two files or directories that define the same objects: alternatives, of which one is applied."""
    names = ", ".join(f"{b.kind} {b.name}" for _a, b in pairs[:3]) + (
        f" and {len(pairs) - 3} more" if len(pairs) > 3 else ""
    )
    what = f"{len(pairs)} of the same objects" if len(pairs) > 1 else "the same object"
    first_m, m = pairs[0]
    return _redefined(
        rule,
        m,
        first_m,
        f"{second} and {first} define {what} ({names}): they look like alternatives (variants, examples, "
        "per-provider installs, steps of a tutorial) of which one is applied; if both are applied together, each "
        "object is silently overwritten",
        f"the same object in the other {noun}",
        rule.severity_of("alternatives"),
    )


_NAME = ("metadata", "name")


def _redefined(rule, m, first, message: str, note: str, severity: str | None = None):
    """A duplicate-object finding at ``m``'s name that points at ``first``'s."""
    return hit(m, rule.slug, _NAME, message, related=((first, _NAME, note),), severity=severity)


def selector_template_mismatch(ctx, rule):
    for m in ctx.of_kind(*sorted(SELECTOR_WORKLOADS)):
        template = m.template
        spec = m.obj.get("spec")
        if template is None or not isinstance(spec, dict):
            continue
        selector = spec.get("selector")
        labels = template.labels
        is_apps_v1 = m.api_version == "apps/v1"
        if selector is None:
            if is_apps_v1:
                yield hit(
                    m,
                    rule.slug,
                    ("spec", "selector"),
                    f"spec.selector is required for apps/v1 {m.kind}; add matchLabels equal to the pod template's "
                    f"labels ({format_labels(labels) or 'none set'})",
                    at="key",
                )
            continue
        if m.kind == "Job" and not spec.get("manualSelector"):
            continue  # the Job controller generates its own selector
        if is_empty_selector(selector):
            if is_apps_v1 or m.kind == "Job":
                yield hit(
                    m,
                    rule.slug,
                    ("spec", "selector"),
                    f"spec.selector is empty; the API server rejects an empty selector for {m.kind} (it would select "
                    f"every pod in the namespace); add matchLabels equal to the pod template's labels "
                    f"({format_labels(labels) or 'none set'})",
                    at="key",
                )
            continue
        matches = label_selector_matches(selector, labels)
        if matches is not False:
            continue
        path, detail = _first_failing_term(selector, labels)
        yield hit(
            m,
            rule.slug,
            path,
            f"spec.selector does not match the pod template's labels: {detail}; the API server rejects it "
            '("selector does not match template labels")',
            related=((m, template.labels_path, "pod template labels"),),
        )


def _first_failing_term(selector: dict, labels: dict):
    match_labels = selector.get("matchLabels") or {}
    for key, value in match_labels.items():
        if labels.get(key) != value:
            have = f"{key}={labels[key]}" if key in labels else f"no label {key}"
            return ("spec", "selector", "matchLabels", key), f"matchLabels {key}={value}, template has {have}"
    for index, expression in enumerate(selector.get("matchExpressions") or []):
        if label_selector_matches({"matchExpressions": [expression]}, labels) is False:
            term = f"{expression.get('key')} {expression.get('operator')} {expression.get('values') or ''}"
            message = f"matchExpressions[{index}] ({term}) is false for {format_labels(labels) or 'no labels'}"
            return ("spec", "selector", "matchExpressions", index), message.replace(" )", ")")
    return ("spec", "selector"), "the selector is false for the template's labels"


def container_port_conflict(ctx, rule):
    for m in ctx.subjects:
        template = m.template
        if template is None:
            continue
        taken = {}
        spec = template.spec
        for list_name, index, container in containers(spec, ("initContainers", "containers")):
            # Plain init containers finish before the app starts; only sidecars
            # (restartPolicy: Always) share the network namespace at run time.
            if list_name == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            ports = container.get("ports")
            if not isinstance(ports, list):
                continue
            seen_here = set()
            for port_index, port in enumerate(ports):
                if not isinstance(port, dict):
                    continue
                number = port.get("containerPort")
                if not isinstance(number, int) or isinstance(number, bool):
                    continue
                protocol = port.get("protocol") or "TCP"
                if not isinstance(protocol, str):
                    continue
                key = (number, protocol)
                path = template.spec_path + (list_name, index, "ports", port_index, "containerPort")
                name = container.get("name") or f"{list_name}[{index}]"
                if key in taken and key not in seen_here:
                    other_name, other_path = taken[key]
                    yield hit(
                        m,
                        rule.slug,
                        path,
                        f"containers {other_name} and {name} both declare containerPort {number}/{protocol}; "
                        "containers of one pod share a network namespace, so the second process cannot bind the port",
                        related=((m, other_path, f"{other_name} declares {number}/{protocol} here"),),
                    )
                else:
                    taken.setdefault(key, (name, path))
                seen_here.add(key)


# Where the API needs strings but YAML 1.1 hands it numbers or booleans.
def _string_fields(m):
    obj = m.obj
    kind = m.kind
    if kind == "ConfigMap":
        yield ("data",), "ConfigMap.data", "ConfigMap data values"
    if kind == "Secret":
        yield ("stringData",), "Secret.stringData", "Secret stringData values"
    yield ("metadata", "labels"), "ObjectMeta.metadata.labels", "label values"
    yield ("metadata", "annotations"), "ObjectMeta.metadata.annotations", "annotation values"
    if kind == "Service":
        yield ("spec", "selector"), "ServiceSpec.spec.selector", "selector values"
    spec = obj.get("spec")
    if isinstance(spec, dict) and isinstance(spec.get("selector"), dict) and kind != "Service":
        yield ("spec", "selector", "matchLabels"), "LabelSelector.matchLabels", "selector values"
    template = m.template
    if template is not None and template.path:
        yield template.labels_path, "ObjectMeta.metadata.labels", "label values"
        yield template.path + ("metadata", "annotations"), "ObjectMeta.metadata.annotations", "annotation values"


def _describe(value) -> tuple[str, str]:
    if isinstance(value, bool):
        return "bool", f"the boolean {'true' if value else 'false'}"
    if isinstance(value, float) and not math.isfinite(value):
        return "number", "a special float"
    return "number", f"the number {value:g}" if isinstance(value, float) else f"the number {value}"


def implicit_type_candidates(m):
    """(path, value, Go field, requirement) for every non-string where the API needs a string."""
    for path, go_field, what in _string_fields(m):
        mapping = get(m.obj, *path)
        if not isinstance(mapping, dict):
            continue
        for key, value in mapping.items():
            if value is not None and not isinstance(value, (str, dict, list)):
                yield path + (key,), value, go_field, f"{what} must be strings"
    template = m.template
    if template is None:
        return
    for list_name, index, container in containers(template.spec):
        base = template.spec_path + (list_name, index)
        env = container.get("env")
        if isinstance(env, list):
            for env_index, var in enumerate(env):
                if isinstance(var, dict) and "value" in var:
                    value = var["value"]
                    if value is not None and not isinstance(value, (str, dict, list)):
                        yield base + ("env", env_index, "value"), value, "EnvVar.value", "env values must be strings"
        for field_name in ("command", "args"):
            items = container.get(field_name)
            if isinstance(items, list):
                for item_index, value in enumerate(items):
                    if value is not None and not isinstance(value, (str, dict, list)):
                        yield (
                            base + (field_name, item_index),
                            value,
                            f"Container.{field_name}",
                            f"{field_name} items must be strings",
                        )


def implicit_type(ctx, rule):
    for m in ctx.subjects:
        for path, value, go_field, requirement in implicit_type_candidates(m):
            yield _implicit_hit(ctx, m, rule, path, value, go_field, requirement)


def _implicit_hit(ctx, m, rule, path, value, go_field, requirement):
    kind, described = _describe(value)
    location = m.locate(path)
    written = ctx.source_slice(location) or str(value)
    return hit(
        m,
        rule.slug,
        path,
        f"{written} is read as {described} (Kubernetes decodes YAML 1.1), but {requirement}; "
        f"the API server rejects the object (json: cannot unmarshal {kind} into Go struct field {go_field} of type "
        "string). "
        f'Quote it: "{written}"',
        fix=f'"{written}"',
    )
