"""What exists although no manifest writes it: the cluster's own objects, and what controllers create.

The facts are data, documented where they live (``k8scheck/data/producers.yaml``);
a project adds entries of the same shape under ``producers:`` in its
configuration. This module reads them in one place and answers the object
graph's questions:

- ``Catalogue.builtin``: is ``(kind, namespace, name)`` in every cluster?
- ``made_objects``: which objects do the producers in the inputs create?
- ``made_pods``: which pods do operators create from the custom resources in the inputs?
- ``Catalogue.may_create_pods``: could a controller k8scheck does not know make pods from this object?
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from .kinds import get
from .model import Manifest

DATA_FILE = Path(__file__).parent / "data" / "producers.yaml"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class ProducerError(Exception):
    """A producers catalogue does not follow its schema."""


class MadeObject(NamedTuple):
    """An object a controller creates from ``producer``; ``name`` may be a shell pattern."""

    kind: str
    namespace: str | None
    name: str
    producer: Manifest


class MadePods(NamedTuple):
    """The pods an operator creates from one custom resource.

    ``containers`` lists what the pods serve (``[{name, ports}]``), or is None
    when their ports are unknown.
    """

    producer: Manifest
    labels: dict
    containers: list | None


class Catalogue(NamedTuple):
    """The merged catalogue (bundled data plus the project's), as read from YAML."""

    # (kind, scope) -> name patterns, read-only; scope: None (cluster), EVERY_NAMESPACE or a namespace
    names: Mapping[tuple, tuple]
    objects: tuple  # entries of `objects`
    pods: tuple  # entries of `pods`
    api_groups: frozenset
    quiet_kinds: frozenset  # (kind, group) of custom kinds that create no pods
    cluster_pods: tuple  # (namespace, ((label, value), ...)) of pods the cluster itself runs

    def builtin(self, kind: str, namespace: str | None, name: str) -> bool:
        """Does every cluster have this object (bootstrap RBAC, default ServiceAccount...)?"""
        if not isinstance(name, str):
            return False
        patterns = self.names.get((kind, namespace), ())
        if namespace is not None:
            patterns += self.names.get((kind, EVERY_NAMESPACE), ())
        return any(fnmatch.fnmatchcase(name, p) for p in patterns)

    def may_create_pods(self, m: Manifest) -> bool:
        """Is ``m`` a custom resource whose controller k8scheck does not know (it may create pods)?"""
        if m.group in self.api_groups or (m.kind, m.group) in self.quiet_kinds:
            return False
        return not any(_produces(entry, m) for entry in self.objects + self.pods)


EVERY_NAMESPACE = "*"


def _name_index(parts) -> Mapping[tuple, tuple]:
    """(kind, scope) -> patterns, from the cluster, every-namespace and namespaces sections."""
    index: dict = {}
    for data in parts:
        scoped = [(None, data.get("cluster")), (EVERY_NAMESPACE, data.get("every-namespace"))]
        scoped += list((data.get("namespaces") or {}).items())
        for scope, section in scoped:
            for kind, names in (section or {}).items():
                index[(kind, scope)] = index.get((kind, scope), ()) + tuple(names)
    return MappingProxyType(index)  # the bundled catalogue is shared by every run: read-only


def _read_bundled() -> dict:
    from .yamlsource import load_data_file

    return load_data_file(DATA_FILE)


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    from .config import _schema

    schema = _schema()
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/producers", "$defs": schema["$defs"]})


def validate(data, where: str) -> None:
    """Raise ProducerError naming the first place ``data`` breaks the producers schema."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        path = ".".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise ProducerError(f"{where}: {path}: {errors[0].message}")


@functools.lru_cache(maxsize=1)
def _bundled() -> Catalogue:
    # The bundled file ships with k8scheck: the test suite checks it against the schema
    # (tests/test_producers.py), so runs do not pay for jsonschema (80 ms to import).
    return _catalogue((_read_bundled(),))


def load(extra=()) -> Catalogue:
    """The bundled catalogue, with the project's additions (``producers:`` mappings) appended."""
    if not extra:
        return _bundled()
    return _catalogue((_read_bundled(), *extra))


def _catalogue(parts) -> Catalogue:
    return Catalogue(
        names=_name_index(parts),
        objects=tuple(e for d in parts for e in d.get("objects") or ()),
        pods=tuple(e for d in parts for e in d.get("pods") or ()),
        api_groups=frozenset(g for d in parts for g in d.get("api-groups") or ()),
        quiet_kinds=frozenset((e["kind"], e["group"]) for d in parts for e in d.get("no-pods") or ()),
        cluster_pods=tuple(
            (e["namespace"], tuple(sorted(e["labels"].items()))) for d in parts for e in d.get("cluster-pods") or ()
        ),
    )


# ---------------------------------------------------------------------------
# Templates


def _lookup(path: str, obj, item):
    root, dotted = (item, path[len("item.") :]) if path.startswith("item.") else (obj, path)
    value = get(root, *dotted.split(".")) if isinstance(root, dict) else None
    return value if isinstance(value, str) and value else None


def render(template, obj: dict, item=None, pattern: bool = False) -> str | None:
    """The text of a template (or the first of a list that resolves); None when none does.

    With ``pattern``, the values filled in are escaped as literals of a shell pattern
    (names are matched with fnmatch).
    """
    for text in template if isinstance(template, list) else [template]:
        missing = False

        def fill(match):
            nonlocal missing
            value = _lookup(match.group(1), obj, item)
            if value is None:
                missing = True
                return ""
            return _escape(value) if pattern else value

        out = _PLACEHOLDER.sub(fill, text)
        if not missing and out:
            return out
    return None


def _escape(value: str) -> str:
    """A literal inside a shell pattern."""
    return re.sub(r"([*?\[])", r"[\1]", value)


# ---------------------------------------------------------------------------
# What the inputs' producers make


def _produces(entry: dict, m: Manifest) -> bool:
    origin = entry["from"]
    return m.kind == origin["kind"] and m.group == origin["group"]


def _matches(entries, manifests):
    """(entry, manifest) for every producer entry a manifest matches, one pass over the manifests."""
    by_kind: dict = {}
    for entry in entries:
        by_kind.setdefault(entry["from"]["kind"], []).append(entry)
    for m in manifests:
        for entry in by_kind.get(m.kind, ()):
            if _produces(entry, m):
                yield entry, m


def made_objects(catalogue: Catalogue, manifests) -> list[MadeObject]:
    return [made for entry, m in _matches(catalogue.objects, manifests) for made in _objects_of(entry, m)]


def _objects_of(entry: dict, m: Manifest):
    items: list[dict | None] = [None]  # None: the object itself, no `each` item
    if entry.get("each"):
        listed = get(m.obj, *entry["each"].split("."))
        items = [i for i in listed if isinstance(i, dict)] if isinstance(listed, list) else []
    for item in items:
        name = render(entry["name"], m.obj, item, pattern=True)
        if name:
            yield MadeObject(entry["kind"], m.namespace, name, m)


def made_pods(catalogue: Catalogue, manifests) -> list[MadePods]:
    return [_pods_of(entry, m) for entry, m in _matches(catalogue.pods, manifests) if m.name]


def _pods_of(entry: dict, m: Manifest) -> MadePods:
    labels: dict = {}
    for path in entry.get("labels-from") or ():
        extra = get(m.obj, *path.split("."))
        if isinstance(extra, dict):
            labels.update({k: v for k, v in extra.items() if isinstance(k, str) and isinstance(v, str)})
    for key, template in entry["labels"].items():
        value = render(template, m.obj)
        if value is not None:
            labels[key] = value
    return MadePods(m, labels, _containers(entry, m))


def _containers(entry: dict, m: Manifest) -> list | None:
    """The pods' containers with their ports: the catalogue's, and the ones the resource merges in."""
    if "ports" not in entry:
        return None
    by_name: dict = {}
    for port in entry["ports"]:
        when = port.get("when")
        if when and not get(m.obj, *when.split(".")):
            continue
        name = render(port["name"], m.obj)
        spec = {"name": name, "containerPort": port["containerPort"], "protocol": port.get("protocol", "TCP")}
        by_name.setdefault(port["container"], []).append(spec)
    containers = [{"name": name, "ports": ports} for name, ports in by_name.items()]
    written = get(m.obj, *entry["containers-from"].split(".")) if entry.get("containers-from") else None
    for container in written if isinstance(written, list) else ():
        if not isinstance(container, dict):
            continue
        same = next((c for c in containers if c["name"] == container.get("name")), None)
        ports = (
            [p for p in container.get("ports") or () if isinstance(p, dict)]
            if isinstance(container.get("ports"), list)
            else []
        )
        if same is None:
            containers.append({"name": container.get("name"), "ports": ports})
        else:
            same["ports"] = same["ports"] + ports
    return containers
