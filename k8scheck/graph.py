"""The object graph: which object refers to, selects or scales which other object.

Built once per run (``ctx.graph``) from the loaded manifests, then frozen: rules
query it and never write to it. Nodes are objects keyed ``(kind, namespace, name)`` (namespace
None for cluster-scoped kinds); a reference to an object that is not in the inputs
gets a placeholder node marked ``missing``. Every edge remembers the manifest and
field path that creates it, so a rule can point at the YAML a person edits.

Relations (``Edge.relation``):

- ``selects``      Service / PodDisruptionBudget / NetworkPolicy -> workload whose pod template it selects
- ``exposes-port`` Service -> workload, one per Service port whose targetPort a container of the template declares
- ``routes-to``    Ingress -> Service (``port`` holds the backend port, int or name)
- ``reads-key``    workload -> ConfigMap/Secret, one key (env valueFrom, volume/projected items)
- ``reads``        workload -> ConfigMap/Secret, every key (envFrom)
- ``mounts``       workload -> ConfigMap/Secret (volume, projected source), Ingress -> TLS Secret
- ``uses-account`` workload -> ServiceAccount
- ``claims``       workload -> PersistentVolumeClaim
- ``scales``       HorizontalPodAutoscaler -> its scaleTargetRef
- ``budgets``      PodDisruptionBudget -> workload (same pairs as its ``selects``)
- ``binds``        RoleBinding / ClusterRoleBinding -> Role / ClusterRole
- ``allows``       RoleBinding / ClusterRoleBinding -> subject ServiceAccount
- ``governs``      StatefulSet -> its governing Service (spec.serviceName)

What exists without a manifest (every cluster's own objects, what controllers
create from the inputs, pods operators make) comes from ``k8scheck.producers``.

Selectors never cross a namespace. Pod templates are indexed by namespace and by
label pair, so a selector is answered from its rarest label, not by a scan.

networkx is an optional extra (``pip install k8scheck-lint[graph]``), imported only
by ``ObjectGraph.nx``. Every question the rules ask is a one-hop lookup (out/in
edges by relation, a selector through the label index, a typo through NearIndex);
no rule needs a graph algorithm, so a runtime dependency (and its import time in a
pre-commit hook) would buy nothing. When a rule needs one (reachability, cycles,
components), it belongs here, and networkx becomes a dependency again.
"""

from __future__ import annotations

import enum
import fnmatch
import itertools
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from . import producers
from .kinds import PodTemplate, containers, get, is_int, text
from .model import Manifest
from .selectors import label_selector_matches
from .similarity import edit_distance

# Kinds whose pod template produces pods (PodTemplate objects do not).
TEMPLATE_KINDS = (
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicationController",
)
# Controllers that own the pods their selector matches.
CONTROLLER_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController")

Key = tuple  # (kind, namespace | None, name)


def key_str(key: Key) -> str:
    kind, namespace, name = key
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


@dataclass(frozen=True)
class Workload:
    """A pod template inside an object, with the object it came from.

    ``origin`` says who writes the template: ``"manifest"`` (a workload in the
    inputs), ``"operator"`` (pods an operator makes from a custom resource, from
    the producers catalogue) or ``"assumed"`` (pods stated to exist, --assume-pods).
    Only manifest templates are in ``ObjectGraph.workloads``; all of them satisfy
    selectors. ``ports_known`` is False when nothing says which ports the pods serve.
    """

    manifest: Manifest
    template: PodTemplate
    order: int  # input order, for deterministic answers
    added: dict = field(default_factory=dict)  # label -> values the controller adds to its pods
    origin: str = "manifest"
    ports_known: bool = True

    @property
    def key(self) -> Key:
        return (self.manifest.kind, self.manifest.namespace, self.manifest.name)

    def has(self, label, value) -> bool:
        """Do (some of) this template's pods carry ``label=value``, counting controller-added labels?"""
        return self.template.labels.get(label) == value or value in self.added.get(label, ())


# Labels controllers put on pods with values no manifest can predict (hashes, uids):
# a selector using them cannot be judged before apply.
UNPREDICTABLE_LABELS = frozenset(
    {"pod-template-hash", "controller-revision-hash", "controller-uid", "batch.kubernetes.io/controller-uid"}
)


def _controller_labels(m: Manifest) -> dict:
    """Labels (with their possible values) a controller adds to the pods it creates."""
    name = m.name
    if m.kind == "StatefulSet":
        replicas = get(m.obj, "spec", "replicas")
        count = replicas if is_int(replicas) and 0 <= replicas <= 1000 else 1
        start = get(m.obj, "spec", "ordinals", "start")
        start = start if is_int(start) and start >= 0 else 0
        ordinals = range(start, start + count)
        return {
            "statefulset.kubernetes.io/pod-name": frozenset(f"{name}-{i}" for i in ordinals),
            "apps.kubernetes.io/pod-index": frozenset(str(i) for i in ordinals),
        }
    if m.kind == "Job":
        return {"job-name": frozenset({name}), "batch.kubernetes.io/job-name": frozenset({name})}
    return {}


@dataclass(eq=False, slots=True)
class Edge:
    relation: str
    source: Key
    target: Key
    manifest: Manifest  # the manifest in which the reference is written
    path: tuple  # field path of the reference inside ``manifest``
    key: str | None = None  # reads-key: the key read
    optional: bool = False
    via: str = ""  # env, envFrom, volume, projected, items, tls, backend...
    port: object = None  # routes-to / exposes-port: the port involved
    container: str | None = None
    key_path: tuple | None = None  # reads-key: path of the key's name (env valueFrom key, volume item key)
    volume: str | None = None  # mounts / claims / volume reads-key: the pod volume's name
    port_path: tuple | None = None  # routes-to: path of the backend port
    protocol: str | None = None  # exposes-port: the Service port's protocol
    container_port_path: tuple | None = None  # exposes-port: the container port it lands on


class ObjectGraph:
    """Objects and the references between them. Query it; do not mutate it.

    ``build_graph`` fills it (the ``add_*`` methods) and then freezes it: every index
    a query reads is complete before the first rule runs, and no query writes to the
    graph (tested by running every rule over a built graph). Answers several rules
    share but the graph does not hold (port problems, ...) live on the run's Context.
    """

    def __init__(self, assume_exists=(), catalogue: producers.Catalogue | None = None):
        self._nx = None
        self.objects: dict[Key, Manifest] = {}  # the first definition of each object
        self._definitions: dict[Key, list[Manifest]] = {}  # every definition, when there are several
        self.assume_exists = tuple(p for p in assume_exists if isinstance(p, str))
        self.catalogue = catalogue if catalogue is not None else producers.load()
        self._made: dict[tuple, list[producers.MadeObject]] = defaultdict(list)  # (kind, ns) -> made objects
        # ns -> custom resources of kinds k8scheck does not know: their controllers may create pods
        self.custom_resources: dict[str | None, list[Manifest]] = {}
        self._edges: dict[str, list[Edge]] = defaultdict(list)
        self._out: dict[Key, list[Edge]] = defaultdict(list)
        self._in: dict[Key, list[Edge]] = defaultdict(list)
        self.workloads: list[Workload] = []
        self._by_namespace: dict[str | None, list[Workload]] = defaultdict(list)
        self._by_label: dict[tuple, list[Workload]] = defaultdict(list)  # (ns, key, value) -> workloads
        self._workload_of: dict[int, Workload] = {}
        self._values: dict[tuple, dict] = {}  # (ns, label) -> {value: first workload carrying it}
        self._keys: dict[str | None, set] = {}  # ns -> label keys used by its templates
        # Objects whose references could not be read (a bug): reported like a crashing rule.
        self.internal_errors: list[str] = []
        # Typo lookups, indexed by ``freeze`` once every object and template is in.
        self._names: dict[tuple, dict[str, Manifest]] = {}  # (kind, ns) -> name -> manifest
        self._name_index: dict[tuple, NearIndex] = {}  # (kind, ns) -> names
        self._label_index: dict[tuple, NearIndex] = {}  # (ns, label) -> values

    @property
    def nx(self):
        """The graph as a networkx MultiDiGraph, built on first use (no rule needs it; for exploring).

        Nodes are keys with ``missing`` (and ``manifest`` when present); each edge has
        ``relation`` and ``edge`` (the Edge).
        """
        if self._nx is None:
            try:
                import networkx as nx  # an optional extra: no rule needs it
            except ImportError:
                raise ImportError(
                    "ObjectGraph.nx needs networkx, an optional extra: pip install 'k8scheck-lint[graph]'"
                ) from None

            graph = nx.MultiDiGraph()
            graph.add_nodes_from((key, {"missing": False, "manifest": m}) for key, m in self.objects.items())
            for edges in self._edges.values():
                for edge in edges:
                    for node in (edge.source, edge.target):
                        if node not in graph:
                            graph.add_node(node, missing=True)
                    graph.add_edge(edge.source, edge.target, relation=edge.relation, edge=edge)
            self._nx = graph
        return self._nx

    def nodes(self):
        """Every node key: the objects, then placeholders for referenced objects not in the inputs."""
        seen = dict.fromkeys(self.objects)
        for edges in self._edges.values():
            for edge in edges:
                seen.setdefault(edge.source)
                seen.setdefault(edge.target)
        return list(seen)

    # -- nodes ------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> Manifest | None:
        return self.objects.get((kind, namespace, name))

    def target(self, edge: Edge) -> Manifest | None:
        """The definition of ``edge.target`` the referring object sees: the nearest one.

        When several plain directories define one object (variants, examples), a
        reference resolves in the same file, then the same directory, then up the tree.
        Among equally near definitions (alternative installs side by side, one with
        the key and one without), a reference to a key resolves to one that holds it:
        which of them is applied with the referring file is not in the files, and the
        repository's own pairing is the one that works.
        """
        definitions = self._definitions.get(edge.target)
        if definitions is None:
            return self.objects.get(edge.target)
        distances = [_distance(edge.manifest.file, m.file) for m in definitions]
        nearest = min(distances)
        tied = [m for m, distance in zip(definitions, distances) if distance == nearest]
        if edge.key and len(tied) > 1:
            return next((m for m in tied if _holds_key(m, edge.key)), tied[0])
        return tied[0]

    def exists(self, kind: str, namespace: str | None, name: str) -> bool:
        """In the inputs, in every cluster, made by a controller from the inputs, or assumed (``--assume-exists``)."""
        return (
            (kind, namespace, name) in self.objects
            or self.implicit(kind, namespace, name)
            or self.made_by(kind, namespace, name) is not None
            or self.assumed(kind, namespace, name)
        )

    def implicit(self, kind: str, namespace: str | None, name: str) -> bool:
        """Present in every cluster (the producers catalogue: bootstrap RBAC, default ServiceAccount...)."""
        return self.catalogue.builtin(kind, namespace, name)

    def add_made(self, made: producers.MadeObject) -> None:
        """An object a controller (or a generator such as kustomize) creates; its name may be a pattern."""
        self._made[(made.kind, made.namespace)].append(made)

    def made_by(self, kind: str, namespace: str | None, name: str) -> producers.MadeObject | None:
        """The record of the controller-made object this name matches, if any."""
        if not isinstance(name, str):
            return None
        return next(
            (made for made in self._made.get((kind, namespace), ()) if fnmatch.fnmatchcase(name, made.name)), None
        )

    def assumed(self, kind: str, namespace: str | None, name: str) -> bool:
        if not self.assume_exists:
            return False
        full = f"{kind}/{namespace or ''}/{name}"
        short = f"{kind}/{name}"
        return any(
            fnmatch.fnmatchcase(full, p) or (namespace is None and fnmatch.fnmatchcase(short, p))
            for p in self.assume_exists
        )

    def is_missing(self, key: Key) -> bool:
        return key not in self.objects

    # -- edges ------------------------------------------------------------
    def add_edge(self, edge: Edge) -> None:
        self._nx = None
        self._edges[edge.relation].append(edge)
        self._out[edge.source].append(edge)
        self._in[edge.target].append(edge)

    def edges(self, *relations: str):
        """Edges of these relations (all when none given), in input order."""
        if not relations:
            for edges in self._edges.values():
                yield from edges
            return
        for relation in relations:
            yield from self._edges.get(relation, ())

    def out_edges(self, key: Key, *relations: str) -> list[Edge]:
        return [e for e in self._out.get(key, ()) if not relations or e.relation in relations]

    def in_edges(self, key: Key, *relations: str) -> list[Edge]:
        return [e for e in self._in.get(key, ()) if not relations or e.relation in relations]

    def broken(self, *relations: str):
        """Edges whose target is neither in the inputs nor known to exist."""
        for edge in self.edges(*relations):
            kind, namespace, name = edge.target
            if not self.exists(kind, namespace, name):
                yield edge

    # -- pod templates and selectors ----------------------------------------
    def add_workload(self, workload: Workload) -> None:
        """Index a pod template for selectors; a manifest's own template is also a workload of the inputs."""
        if workload.origin == "manifest":
            self.workloads.append(workload)
            self._workload_of[id(workload.manifest)] = workload
        namespace = workload.manifest.namespace
        self._by_namespace[namespace].append(workload)
        for label, values in workload.added.items():
            for value in sorted(values):
                self._by_label[(namespace, label, value)].append(workload)
                self._values.setdefault((namespace, label), {}).setdefault(value, workload)
                self._keys.setdefault(namespace, set()).add(label)
        for label, value in workload.template.labels.items():
            if isinstance(value, str) and isinstance(label, str):
                self._by_label[(namespace, label, value)].append(workload)
                self._values.setdefault((namespace, label), {}).setdefault(value, workload)
                self._keys.setdefault(namespace, set()).add(label)

    def workload(self, manifest: Manifest) -> Workload | None:
        return self._workload_of.get(id(manifest))

    def workloads_in(self, namespace: str | None) -> list[Workload]:
        return self._by_namespace.get(namespace, [])

    def sets_label_key(self, key: str) -> bool:
        """Whether any pod template of the inputs, in any namespace, sets the label ``key`` (any value)."""
        return any(key in keys for keys in self._keys.values())

    def with_label(self, namespace: str | None, label: str, value: str) -> list[Workload]:
        return self._by_label.get((namespace, label, value), [])

    def select_map(self, namespace: str | None, selector) -> list[Workload]:
        """Workloads whose template a Service-style selector (a plain map, all keys equal) selects."""
        if not isinstance(selector, dict):
            return []
        pairs = [(k, v) for k, v in selector.items() if isinstance(k, str)]
        if not pairs:
            return []
        if any(not isinstance(v, str) for _, v in pairs):
            return []  # a non-string value never equals a label (implicit-type reports it)
        rarest = min(pairs, key=lambda kv: len(self._by_label.get((namespace, kv[0], kv[1]), ())))
        candidates = self._by_label.get((namespace, rarest[0], rarest[1]), ())
        return [w for w in candidates if all(w.has(k, v) for k, v in pairs)]

    def select_labels(self, namespace: str | None, selector, empty_selects_all: bool = True) -> list[Workload] | None:
        """Workloads a LabelSelector (matchLabels + matchExpressions) selects; None when malformed."""
        if not isinstance(selector, dict):
            return None
        match_labels = selector.get("matchLabels") or {}
        if not isinstance(match_labels, dict):
            return None
        if not match_labels and not selector.get("matchExpressions"):
            return list(self.workloads_in(namespace)) if empty_selects_all else []
        if match_labels:
            if any(not isinstance(v, str) for v in match_labels.values()):
                return []
            rarest = min(match_labels.items(), key=lambda kv: len(self._by_label.get((namespace, kv[0], kv[1]), ())))
            candidates = self._by_label.get((namespace, rarest[0], rarest[1]), ())
        else:
            candidates = self.workloads_in(namespace)
        out = []
        for w in candidates:
            verdict = label_selector_matches(selector, w.template.labels)
            if verdict is None:
                return None
            if verdict:
                out.append(w)
        return out

    def absent_label(self, namespace: str | None, pairs) -> tuple | None:
        """The first ``(label, value)`` of ``pairs`` that no pod template in the namespace carries."""
        return next(((k, v) for k, v in pairs if not self.with_label(namespace, k, v)), None)

    def failing_label(self, namespace: str | None, pairs) -> tuple | None:
        """The label pair to blame when a selector of ``pairs`` matches no template.

        A pair no template carries; else (each pair exists somewhere, never all
        together) the first pair the closest template lacks. The candidates come from
        the rarest pair's templates (the index, not a scan).
        """
        failing = self.absent_label(namespace, pairs)
        if failing is not None:
            return failing
        rarest = min(pairs, key=lambda kv: len(self.with_label(namespace, *kv)))
        candidates = self.with_label(namespace, *rarest)
        best = max(candidates, key=lambda w: (sum(w.has(k, v) for k, v in pairs), -w.order))
        return next(((k, v) for k, v in pairs if not best.has(k, v)), None)

    def nearest_label(self, namespace: str | None, label: str, value: str, among=None):
        """The existing label pair closest to ``label=value``, as ``(label, value, workload)`` or None.

        Same-key values are compared by edit distance; another key counts only when
        the key itself is a near miss (``ap`` for ``app``). ``among`` restricts the
        search to some workloads (those matching the rest of a selector): there a
        same-key value is suggested however far it is, since the other labels already
        pin the templates down.
        """
        limit = max(1, len(value) // 3)
        key_limit = max(1, len(label) // 3)
        if among is not None:
            values: dict = {}
            for w in among:
                for k, v in w.template.labels.items():
                    if isinstance(k, str) and isinstance(v, str):
                        values.setdefault(k, {}).setdefault(v, w)
        else:
            values = {k: self._values.get((namespace, k), {}) for k in self._keys.get(namespace, ())}
        best = None
        for k in sorted(values):
            if k == label:
                penalty = 0
            else:
                if abs(len(k) - len(label)) > key_limit:
                    continue
                penalty = edit_distance(k, label) + 1
                if penalty > key_limit + 1:
                    continue
            pool = values[k]
            free = among is not None and k == label and len(pool) <= NearIndex.SMALL
            if free:
                candidates = pool
            elif among is None:
                candidates = self._label_index[(namespace, k)].candidates(value)
            else:
                candidates = NearIndex(pool).candidates(value)
            for v in candidates:
                w = pool[v]
                if not free and abs(len(v) - len(value)) > limit:
                    continue
                value_distance = edit_distance(value, v)
                if not free and value_distance > limit:
                    continue
                distance = penalty + value_distance
                rank = (distance, w.order, k, v)
                if best is None or rank < best[0]:
                    best = (rank, k, v, w)
        return None if best is None else best[1:]

    def nearest_name(self, kind: str, namespace: str | None, name: str, accept=None) -> Manifest | None:
        """An object of this kind and namespace whose name is a likely typo fix for ``name``.

        ``accept`` (manifest -> bool), when given, keeps only the objects that could stand for
        the one meant: a close name alone does not make an object the one a reference wants.
        """
        names = self._names.get((kind, namespace))
        if not names:
            return None
        candidates = self._name_index[(kind, namespace)].candidates(name)
        if accept is not None:
            candidates = [c for c in candidates if accept(names[c])]
        close = nearest_word(name, candidates)
        return names[close] if close else None

    def freeze(self) -> None:
        """Index what the typo lookups read; called by ``build_graph`` once everything is added."""
        for (k, ns, n), m in self.objects.items():
            self._names.setdefault((k, ns), {})[n] = m
        self._name_index = {scope: NearIndex(names) for scope, names in self._names.items()}
        self._label_index = {scope: NearIndex(values) for scope, values in self._values.items()}


class NearIndex:
    """Candidates within a small edit distance of a word, without comparing against every word.

    Small sets are returned whole. Large ones are indexed by their single-character
    deletions (the symmetric-delete idea): two words share a key when they are one
    insertion, deletion or substitution apart (and for some distance-2 pairs), so a
    query costs a handful of lookups instead of a scan. A swap of neighbours, one
    edit for ``similarity.edit_distance``, is found too: deleting either swapped
    character gives both words the same key (``xaby``/``xbay`` -> ``xby``), so no
    separate swap index is needed (tested).
    """

    SMALL = 256

    def __init__(self, words):
        self.words = [w for w in words if isinstance(w, str)]
        self._index = None

    @staticmethod
    def _deletes(word: str) -> set:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def candidates(self, word: str) -> list:
        if len(self.words) <= self.SMALL:
            return self.words
        if self._index is None:
            index: dict = defaultdict(set)
            for w in self.words:
                for d in self._deletes(w):
                    index[d].add(w)
            self._index = index
        found = set()
        for d in self._deletes(word):
            found |= self._index.get(d, set())
        return sorted(found)


# A typo changes a few characters, whatever the length: beyond this, a "near" name is another name
# (`cache` for `cache-deployer-sa`), and calling it a typo would make an error of a reference to another step.
MOST_EDITS_OF_A_TYPO = 3


def nearest_word(word: str, words) -> str | None:
    """The closest of ``words`` to ``word``, when within a third of its length (at least 1, at most
    ``MOST_EDITS_OF_A_TYPO`` edits)."""
    limit = min(MOST_EDITS_OF_A_TYPO, max(1, len(word) // 3))
    best = None
    for candidate in sorted(w for w in words if isinstance(w, str) and abs(len(w) - len(word)) <= limit):
        distance = edit_distance(word, candidate)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return None if best is None else best[1]


# ---------------------------------------------------------------------------
# Building


def _key(m: Manifest) -> Key | None:
    if not m.kind or not m.name:
        return None
    return (m.kind, m.namespace, m.name)


def _holds_key(manifest: Manifest, key: str) -> bool:
    """Whether a ConfigMap or Secret defines ``key`` (data, binaryData, stringData)."""
    return any(
        isinstance(manifest.obj.get(field_name), dict) and key in manifest.obj[field_name]
        for field_name in ("data", "binaryData", "stringData")
    )


def _distance(referrer: str, definition: str) -> int:
    """How near a definition is to the file that refers to it (smaller is nearer)."""
    if referrer == definition:
        return 0
    here, there = os.path.dirname(os.path.abspath(referrer)), os.path.dirname(os.path.abspath(definition))
    if here == there:
        return 1
    if here.startswith(there + os.sep):  # up the tree
        return 1 + here[len(there) :].count(os.sep)
    if there.startswith(here + os.sep):  # below
        return 1000 + there[len(here) :].count(os.sep)
    return 1_000_000


def build_graph(
    manifests, assume_exists=(), catalogue: producers.Catalogue | None = None, assume_pods=(), generated=()
) -> ObjectGraph:
    """The graph of ``manifests``.

    ``catalogue``: the producers catalogue (default: the bundled one);
    ``assume_pods``: ``(namespace, labels)`` of pods stated to exist;
    ``generated``: MadeObjects a generator creates (the hook for kustomize and Helm
    generated names, e.g. a ConfigMap ``name-*`` with its hash suffix).
    """
    graph = ObjectGraph(assume_exists, catalogue)
    keyed = [(m, _key(m)) for m in manifests]
    orders = itertools.count(len(keyed))
    for m, key in keyed:
        if key is None:
            continue
        if key not in graph.objects:
            graph.objects[key] = m
        else:
            graph._definitions.setdefault(key, [graph.objects[key]]).append(m)
    for order, (m, key) in enumerate(keyed):
        if key is not None and key[0] in TEMPLATE_KINDS:
            template = m.template
            if template is not None:
                graph.add_workload(Workload(m, template, order, _controller_labels(m)))
    for m, key in keyed:
        if key is not None and graph.catalogue.may_create_pods(m):
            graph.custom_resources.setdefault(m.namespace, []).append(m)
    for made in [*producers.made_objects(graph.catalogue, manifests), *generated]:
        graph.add_made(made)
    for pods in producers.made_pods(graph.catalogue, manifests):
        graph.add_workload(_operator_workload(pods, next(orders)))
    for namespace, labels in (*graph.catalogue.cluster_pods, *assume_pods):
        graph.add_workload(_assumed_workload(namespace, labels, next(orders)))
    for m, source in keyed:
        if source is None:
            continue  # nameless: missing-required-field reports it
        # A duplicate shares its node with the first definition but keeps its own
        # edges (each edge remembers its manifest): its references break just the same.
        try:
            for edge in _edges_of(graph, m, source):
                graph.add_edge(edge)
        except Exception as exc:  # a bug in a walker: the other objects' edges still count, and it is said
            graph.internal_errors.append(
                f"internal error while reading references of {key_str(source)}: {type(exc).__name__}: {exc} (please "
                "report this)"
            )
    graph.freeze()
    return graph


def _operator_workload(pods: producers.MadePods, order: int) -> Workload:
    """The pods an operator creates, as a template: labels, and containers when their ports are known."""
    spec = {"containers": pods.containers or []}
    template = PodTemplate((), pods.labels, spec)
    return Workload(pods.producer, template, order, origin="operator", ports_known=pods.containers is not None)


ASSUMED_FILE = "<assume-pods>"


def _assumed_workload(namespace: str, labels: dict, order: int) -> Workload:
    """Pods stated to exist (--assume-pods): a stand-in Pod, its ports unknown. ``labels``: a map or pairs."""
    labels = dict(labels)
    shown = ",".join(f"{k}={v}" for k, v in labels.items())
    obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"assumed({shown})", "namespace": namespace, "labels": dict(labels)},
    }
    manifest = Manifest(obj, ASSUMED_FILE, 0, (), {}, namespace)
    return Workload(manifest, PodTemplate((), labels, {}), order, origin="assumed", ports_known=False)


def _edges_of(graph: ObjectGraph, m: Manifest, source: Key):
    kind = m.kind
    workload = graph.workload(m)
    if workload is not None:
        yield from _pod_spec_edges(m, source, workload.template)
    if kind == "Service":
        yield from _service_edges(graph, m, source)
    elif kind == "Ingress":
        yield from _ingress_edges(m, source)
    elif kind == "HorizontalPodAutoscaler":
        ref = get(m.obj, "spec", "scaleTargetRef")
        if isinstance(ref, dict) and text(ref.get("kind")) and text(ref.get("name")):
            yield Edge("scales", source, (ref["kind"], m.namespace, ref["name"]), m, ("spec", "scaleTargetRef", "name"))
    elif kind == "PodDisruptionBudget":
        selector = get(m.obj, "spec", "selector")
        # policy/v1 reads an empty selector as every pod; policy/v1beta1 as none.
        everything = m.api_version != "policy/v1beta1"
        for w in graph.select_labels(m.namespace, selector, empty_selects_all=everything) or ():
            yield Edge("selects", source, w.key, m, ("spec", "selector"))
            yield Edge("budgets", source, w.key, m, ("spec", "selector"))
    elif kind == "NetworkPolicy":
        selector = get(m.obj, "spec", "podSelector")
        for w in graph.select_labels(m.namespace, selector) or ():
            yield Edge("selects", source, w.key, m, ("spec", "podSelector"))
    elif kind in ("RoleBinding", "ClusterRoleBinding"):
        yield from _binding_edges(m, source)
    if kind == "StatefulSet":
        name = text(get(m.obj, "spec", "serviceName"))
        if name:
            yield Edge("governs", source, ("Service", m.namespace, name), m, ("spec", "serviceName"))


def _optional(ref) -> bool:
    return isinstance(ref, dict) and ref.get("optional") is True


def _pod_spec_edges(m: Manifest, source: Key, template: PodTemplate):
    spec = template.spec
    base = template.spec_path
    claim_volumes = _claim_template_volumes(m)
    for list_name, index, container in containers(spec):
        cpath = base + (list_name, index)
        cname = text(container.get("name"))
        yield from _env_from_edges(m, source, container, cpath, cname)
        yield from _env_edges(m, source, container, cpath, cname)
    yield from _volume_edges(m, source, spec, base, claim_volumes)
    yield from _account_edges(m, source, spec, base)


class ConfigRef(NamedTuple):
    """Where a ConfigMap or Secret is named: the holder's ``field``, and the name's key inside it."""

    field: str
    kind: str
    name_field: str = "name"


ENV_FROM_REFS = (ConfigRef("configMapRef", "ConfigMap"), ConfigRef("secretRef", "Secret"))
ENV_KEY_REFS = (ConfigRef("configMapKeyRef", "ConfigMap"), ConfigRef("secretKeyRef", "Secret"))
VOLUME_REFS = (ConfigRef("configMap", "ConfigMap"), ConfigRef("secret", "Secret", "secretName"))
PROJECTED_REFS = (ConfigRef("configMap", "ConfigMap"), ConfigRef("secret", "Secret"))


def _mappings(items):
    """(index, item) for each mapping of a YAML list; nothing when ``items`` is not a list."""
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _config_refs(holder, refs):
    """(ConfigRef, the reference, the name) for each of ``refs`` that ``holder`` writes with a name."""
    for spec in refs:
        ref = get(holder, spec.field)
        name = text(get(ref, spec.name_field))
        if name:
            yield spec, ref, name


def _env_from_edges(m: Manifest, source: Key, container: dict, cpath: tuple, cname):
    """envFrom: a whole ConfigMap or Secret read into the container's environment."""
    for i, entry in _mappings(container.get("envFrom")):
        for spec, ref, name in _config_refs(entry, ENV_FROM_REFS):
            yield Edge(
                "reads",
                source,
                (spec.kind, m.namespace, name),
                m,
                cpath + ("envFrom", i, spec.field, "name"),
                optional=_optional(ref),
                via="envFrom",
                container=cname,
            )


def _env_edges(m: Manifest, source: Key, container: dict, cpath: tuple, cname):
    """env[].valueFrom: one key of a ConfigMap or Secret."""
    for i, var in _mappings(container.get("env")):
        for spec, ref, name in _config_refs(var.get("valueFrom"), ENV_KEY_REFS):
            ref_path = cpath + ("env", i, "valueFrom", spec.field)
            key = get(ref, "key")
            yield Edge(
                "reads-key",
                source,
                (spec.kind, m.namespace, name),
                m,
                ref_path + ("name",),
                key=key if isinstance(key, str) else None,
                optional=_optional(ref),
                via="env",
                container=cname,
                key_path=ref_path + ("key",),
            )


def _volume_edges(m: Manifest, source: Key, spec: dict, base: tuple, claim_volumes: dict):
    """Volumes: ConfigMap, Secret, claim and projected sources."""
    namespace = m.namespace
    for i, volume in _mappings(spec.get("volumes")):
        vpath = base + ("volumes", i)
        vname = text(volume.get("name"))
        yield from _volume_source_edges(m, source, volume, vpath, VOLUME_REFS, "volume", vname)
        claim = text(get(volume, "persistentVolumeClaim", "claimName"))
        if vname in claim_volumes:
            # The StatefulSet controller replaces this volume with the claim its template makes.
            claim = claim_volumes[vname]
        if claim:
            yield Edge(
                "claims",
                source,
                ("PersistentVolumeClaim", namespace, claim),
                m,
                vpath + ("persistentVolumeClaim", "claimName"),
                via="volume",
                volume=vname,
            )
        for j, projection in _mappings(get(volume, "projected", "sources")):
            ppath = vpath + ("projected", "sources", j)
            yield from _volume_source_edges(m, source, projection, ppath, PROJECTED_REFS, "projected", vname)


def _account_edges(m: Manifest, source: Key, spec: dict, base: tuple):
    namespace = m.namespace
    account = text(spec.get("serviceAccountName")) or text(spec.get("serviceAccount"))
    if account:
        field_name = "serviceAccountName" if text(spec.get("serviceAccountName")) else "serviceAccount"
        yield Edge("uses-account", source, ("ServiceAccount", namespace, account), m, base + (field_name,))


def _claim_template_volumes(m: Manifest) -> dict:
    """StatefulSet: volume name -> the PVC its first pod gets (``<template>-<statefulset>-<ordinal>``)."""
    if m.kind != "StatefulSet":
        return {}
    claims = get(m.obj, "spec", "volumeClaimTemplates")
    start = get(m.obj, "spec", "ordinals", "start")
    start = start if is_int(start) and start >= 0 else 0
    names = [text(get(c, "metadata", "name")) for c in claims] if isinstance(claims, list) else []
    return {name: f"{name}-{m.name}-{start}" for name in names if name}


def _volume_source_edges(m, source, holder: dict, holder_path: tuple, refs, via: str, volume_name):
    """The ConfigMaps and Secrets a volume source (``holder``) mounts, and each key its ``items`` read."""
    for spec, ref, name in _config_refs(holder, refs):
        target = (spec.kind, m.namespace, name)
        path = holder_path + (spec.field,)
        optional = _optional(ref)
        yield Edge(
            "mounts", source, target, m, path + (spec.name_field,), optional=optional, via=via, volume=volume_name
        )
        items = ref.get("items")
        if isinstance(items, list):
            for k, item in enumerate(items):
                key = get(item, "key")
                if isinstance(key, str) and key:
                    yield Edge(
                        "reads-key",
                        source,
                        target,
                        m,
                        path + (spec.name_field,),
                        key=key,
                        optional=optional,
                        via=via,
                        key_path=path + ("items", k, "key"),
                        volume=volume_name,
                    )


class ContainerPort(NamedTuple):
    """A port a container declares (``containers[].ports[]``)."""

    container: str | None  # the container's name
    number: int | None  # containerPort, None when not an integer
    name: str | None  # the port's name
    protocol: str  # TCP unless written
    path: tuple  # path of the port entry in the manifest


def container_ports(template: PodTemplate):
    """Every port a pod serves, as ContainerPort records.

    App containers and restartable (sidecar) init containers, as FindPort searches them.
    """
    for list_name, index, container in containers(template.spec, ("initContainers", "containers")):
        if list_name == "initContainers" and container.get("restartPolicy") != "Always":
            continue
        ports = container.get("ports")
        if not isinstance(ports, list):
            continue
        for j, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            number = port.get("containerPort")
            yield ContainerPort(
                text(container.get("name")),
                number if is_int(number) else None,
                text(port.get("name")),
                text(port.get("protocol")) or "TCP",
                template.spec_path + (list_name, index, "ports", j),
            )


class PortFit(enum.Enum):
    """How a Service targetPort fits a pod, as FindPort decides."""

    DECLARED = "declared"  # a container declares it: ``PortMatch.path`` says where
    CONFIGURED = "configured"  # a number no container declares, but their args, command or env name it
    UNDECLARED = "undeclared"  # a number no container declares or names: traffic still goes there
    ABSENT = "absent"  # a name no container declares: the pod is left out of the Endpoints for that port


class PortMatch(NamedTuple):
    fit: PortFit
    path: tuple | None = None  # DECLARED: the matching container port; CONFIGURED: the value naming the number


def find_port(template: PodTemplate, target, protocol: str) -> PortMatch:
    """Where a Service targetPort lands in a pod, as FindPort decides.

    A number reaches podIP:number whatever ``containers[].ports`` says (the list is informational),
    so an undeclared number that the containers' args, command or env values name is CONFIGURED:
    the manifests show the application is told to listen there.
    """
    if isinstance(target, str):
        for port in container_ports(template):
            if port.name == target and port.protocol == protocol:
                return PortMatch(PortFit.DECLARED, port.path)
        return PortMatch(PortFit.ABSENT)
    for port in container_ports(template):
        if port.number == target and port.protocol == protocol:
            return PortMatch(PortFit.DECLARED, port.path)
    named = port_named_in_config(template, target)
    if named is not None:
        return PortMatch(PortFit.CONFIGURED, named)
    return PortMatch(PortFit.UNDECLARED)


def _number_pattern(number: int) -> re.Pattern:
    # The number as a word of its own: ":8443", "--port=8443", "--port 8443", "0.0.0.0:8443", "8443";
    # not a part of another number, a version or a word ("18443", "1.8443", "8443ms").
    return re.compile(rf"(?<![\w.]){number}(?![\w.])")


def port_named_in_config(template: PodTemplate, number) -> tuple | None:
    """The path of the first args, command or env value of a serving container that names ``number``, or None.

    Serving containers are the ones FindPort searches: app containers and restartable (sidecar) init
    containers. ``valueFrom`` env and mounted files are not read.
    """
    if not is_int(number) or isinstance(number, bool):
        return None
    pattern = _number_pattern(number)
    for list_name, index, container in containers(template.spec, ("containers", "initContainers")):
        if list_name == "initContainers" and container.get("restartPolicy") != "Always":
            continue
        here = template.spec_path + (list_name, index)
        for field_name in ("command", "args"):
            values = container.get(field_name)
            for j, value in enumerate(values if isinstance(values, list) else ()):
                if isinstance(value, (str, int)) and not isinstance(value, bool) and pattern.search(str(value)):
                    return here + (field_name, j)
        env = container.get("env")
        for j, variable in enumerate(env if isinstance(env, list) else ()):
            value = variable.get("value") if isinstance(variable, dict) else None
            if isinstance(value, (str, int)) and not isinstance(value, bool) and pattern.search(str(value)):
                return here + ("env", j, "value")
    return None


class DeclaredPort(NamedTuple):
    """A declared container port as a port problem shows it."""

    name: str | None
    number: int
    protocol: str


class PortProblem(NamedTuple):
    """A Service port that a selected pod template does not serve."""

    service: Manifest
    port_index: int  # in spec.ports ("index" would shadow tuple.index)
    path: tuple  # of the targetPort (or port, when targetPort is not written)
    target: object  # the targetPort, int or name
    protocol: str
    workload: Workload
    verdict: str  # "named": no such port name; "number": other numbers declared; "undeclared": no port declared
    declared: list  # DeclaredPort of every numbered port the template declares


def port_problems(graph: ObjectGraph, services) -> list[PortProblem]:
    """The ports of ``services`` (Service manifests, duplicates included) their selected pods do not serve."""
    out = []
    for m in services:
        ports = get(m.obj, "spec", "ports")
        if not isinstance(ports, list):
            continue
        spec = m.obj.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
            continue
        selected = graph.select_map(m.namespace, spec.get("selector"))
        if not selected:
            continue
        for i, port in enumerate(ports):
            if isinstance(port, dict):
                out.extend(_port_problems_of(m, i, port, selected))
    return out


def _port_problems_of(m: Manifest, i: int, port: dict, selected):
    target, protocol = service_target(port)
    if target is None:
        return
    path = ("spec", "ports", i, "targetPort" if "targetPort" in port else "port")
    for w in selected:
        if not w.ports_known:
            continue  # pods an operator makes or that are assumed: nothing says what they serve
        found = find_port(w.template, target, protocol)
        if found.fit in (PortFit.DECLARED, PortFit.CONFIGURED):
            continue
        declared = [
            DeclaredPort(p.name, p.number, p.protocol) for p in container_ports(w.template) if p.number is not None
        ]
        if found.fit is PortFit.ABSENT:
            verdict = "named"
        elif declared:
            verdict = "number"
        else:
            verdict = "undeclared"
        yield PortProblem(m, i, path, target, protocol, w, verdict, declared)


def service_target(port: dict):
    """(targetPort, protocol) of a Service port, defaults applied; targetPort None when unusable."""
    target = port.get("targetPort")
    if target is None or target == "" or target == 0:
        target = port.get("port")
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    if not (is_int(target) or (isinstance(target, str) and target)):
        target = None
    return target, text(port.get("protocol")) or "TCP"


def _service_edges(graph: ObjectGraph, m: Manifest, source: Key):
    spec = m.obj.get("spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        return
    selected = graph.select_map(m.namespace, selector)
    raw_ports = spec.get("ports")
    ports = raw_ports if isinstance(raw_ports, list) else []
    for w in selected:
        yield Edge("selects", source, w.key, m, ("spec", "selector"))
        for i, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            target, protocol = service_target(port)
            if target is None:
                continue
            found = find_port(w.template, target, protocol)
            if found.fit is PortFit.DECLARED:
                yield Edge(
                    "exposes-port",
                    source,
                    w.key,
                    m,
                    ("spec", "ports", i),
                    port=target,
                    protocol=protocol,
                    container_port_path=found.path,
                )


# The AWS Load Balancer Controller's backend port that means "not a Service: do what the annotation
# alb.ingress.kubernetes.io/actions.<service name> says" (a redirect, a fixed response, weighted target groups).
ALB_ACTION_PORT = "use-annotation"


def ingress_backends(m: Manifest):
    """(service name, port (int|str|None), path of the name, path of the port) for every Service backend.

    An AWS Load Balancer Controller action (port ``use-annotation``) is no Service backend: the controller
    does what the annotation ``alb.ingress.kubernetes.io/actions.<name>`` says, written in the Ingress or at
    run time by another controller (Argo Rollouts' ALB traffic routing names it after its root Service), and
    never resolves the name as a Service or its ports."""
    for name, port, name_path, port_path in _backends(m):
        if port != ALB_ACTION_PORT:
            yield name, port, name_path, port_path


def _backends(m: Manifest):
    spec = m.obj.get("spec")
    if not isinstance(spec, dict):
        return
    candidates: list[tuple[tuple, dict]] = []  # (path of the backend, backend)
    for field_name in ("defaultBackend", "backend"):
        if isinstance(spec.get(field_name), dict):
            candidates.append((("spec", field_name), spec[field_name]))
    rules = spec.get("rules")
    if isinstance(rules, list):
        for i, rule in enumerate(rules):
            paths = get(rule, "http", "paths")
            if not isinstance(paths, list):
                continue
            for j, entry in enumerate(paths):
                backend = get(entry, "backend")
                if isinstance(backend, dict):
                    candidates.append((("spec", "rules", i, "http", "paths", j, "backend"), backend))
    for path, backend in candidates:
        service = backend.get("service")
        if isinstance(service, dict):  # networking.k8s.io/v1
            name = text(service.get("name"))
            port = service.get("port")
            number = get(port, "number")
            port_name = text(get(port, "name"))
            if is_int(number):
                value, port_path = number, path + ("service", "port", "number")
            elif port_name:
                value, port_path = port_name, path + ("service", "port", "name")
            else:
                value, port_path = None, path + ("service", "port")
            if name:
                yield name, value, path + ("service", "name"), port_path
        elif text(backend.get("serviceName")):  # extensions/v1beta1, networking.k8s.io/v1beta1
            port = backend.get("servicePort")
            if isinstance(port, str) and port.isdigit():
                port = int(port)
            if not (is_int(port) or (isinstance(port, str) and port)):
                port = None
            yield backend["serviceName"], port, path + ("serviceName",), path + ("servicePort",)


def _ingress_edges(m: Manifest, source: Key):
    for name, port, name_path, port_path in ingress_backends(m):
        yield Edge(
            "routes-to",
            source,
            ("Service", m.namespace, name),
            m,
            name_path,
            port=port,
            via="backend",
            port_path=port_path,
        )
    tls = get(m.obj, "spec", "tls")
    if isinstance(tls, list):
        for i, entry in enumerate(tls):
            secret = text(get(entry, "secretName"))
            if secret:
                yield Edge(
                    "mounts", source, ("Secret", m.namespace, secret), m, ("spec", "tls", i, "secretName"), via="tls"
                )


def _binding_edges(m: Manifest, source: Key):
    ref = m.obj.get("roleRef")
    if isinstance(ref, dict) and text(ref.get("name")) and ref.get("kind") in ("Role", "ClusterRole"):
        namespace = m.namespace if ref["kind"] == "Role" else None
        yield Edge("binds", source, (ref["kind"], namespace, ref["name"]), m, ("roleRef", "name"))
    subjects = m.obj.get("subjects")
    if isinstance(subjects, list):
        for i, subject in enumerate(subjects):
            if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and text(subject.get("name")):
                namespace = text(subject.get("namespace")) or m.namespace
                if namespace:
                    yield Edge(
                        "allows", source, ("ServiceAccount", namespace, subject["name"]), m, ("subjects", i, "name")
                    )
