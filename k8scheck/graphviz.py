"""Draw the object graph: mermaid, Graphviz dot, or JSON.

Pure functions from (graph, findings) to text. Output is deterministic: nodes are
sorted by kind, namespace and name, edges by their ends, relation and field path.
An edge (or a node) that a graph rule reported is drawn dashed and red and
labelled with the rule's slug; a Service whose selector matches nothing gets a
placeholder node for the pods it expected.

A Service has one edge per workload it selects, labelled with the ports it
forwards (``80 → 8080``). Objects not in the inputs that exist anyway (in every
cluster, made by a controller, assumed) are drawn as existing; only the rest as
missing. mermaid and dot group the nodes by namespace; labels stay within
``MAX_LABEL`` characters.
"""

from __future__ import annotations

import functools
import json
from typing import NamedTuple

from .graph import ObjectGraph
from .problem import dotted

# Rules whose findings draw on the graph (the CLI runs exactly these).
GRAPH_RULES = (
    "service-no-endpoints",
    "service-port-mismatch",
    "configmap-missing",
    "configmap-key-missing",
    "secret-missing",
    "secret-key-missing",
    "ingress-backend-missing",
    "ingress-backend-port",
    "ingress-tls-secret-missing",
    "serviceaccount-missing",
    "pvc-missing",
    "hpa-target-missing",
    "hpa-replicas-conflict",
    "pdb-no-match",
    "networkpolicy-no-match",
    "rolebinding-role-missing",
    "statefulset-service-missing",
    "selector-overlap",
)


MAX_LABEL = 60
# Why an object that is not in the inputs exists anyway (node "origin"), as drawn.
_ORIGIN_TEXT = {
    "cluster": "in every cluster",
    "made": "made by a controller",
    "assumed": "assumed to exist",
    "missing": "not in inputs",
}


def _sort_key(key) -> tuple:
    kind, namespace, name = key
    return (str(kind), namespace or "", str(name))


def _label(key) -> str:
    kind, namespace, name = key
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def _fit(text: str, limit: int = MAX_LABEL) -> str:
    """At most ``limit`` characters, cut in the middle: the kind and the name's end stay readable."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def _origin(graph: ObjectGraph, key) -> str:
    """inputs, cluster (in every cluster), made (by a controller), assumed (--assume-exists) or missing."""
    kind, namespace, name = key
    if key in graph.objects:
        return "inputs"
    if not isinstance(name, str):
        return "missing"
    if graph.implicit(kind, namespace, name):
        return "cluster"
    if graph.made_by(kind, namespace, name) is not None:
        return "made"
    return "assumed" if graph.assumed(kind, namespace, name) else "missing"


def _service_port(edge) -> str | None:
    """``port → targetPort`` of an exposes-port edge."""
    ports = edge.manifest.obj.get("spec", {}).get("ports")
    index = edge.path[-1]
    port = (
        ports[index].get("port")
        if isinstance(ports, list) and isinstance(index, int) and isinstance(ports[index], dict)
        else None
    )
    return f"{port} → {edge.port}" if port is not None else f"{edge.port}"


def _merge_service_edges(edges: list[dict]) -> list[dict]:
    """One edge per Service -> workload: ``selects`` and its ``exposes-port`` edges drawn as one."""
    merged: dict[tuple, dict] = {}
    out = []
    for edge in edges:
        if edge["source"][0] != "Service" or edge["relation"] not in ("selects", "exposes-port"):
            out.append(edge)
            continue
        pair = (edge["source"], edge["target"])
        if pair not in merged:
            merged[pair] = dict(
                edge, relation="selects", path="spec.selector", key=None, port=None, ports=[], broken=[]
            )
            out.append(merged[pair])
        one = merged[pair]
        one["ports"] += [p for p in edge["ports"] if p not in one["ports"]]
        one["broken"] = sorted(set(one["broken"]) | set(edge["broken"]))
        one["label"] = "selects" + (" " + ", ".join(one["ports"]) if one["ports"] else "")
    return out


def _edge_label(edge) -> str:
    text = edge.relation
    if edge.key:
        text += f" {edge.key}"
    if edge.port is not None:
        text += f" :{edge.port}"
    return text


def _edge_paths(edge, spelled):
    """The dotted paths an edge is drawn for; ``spelled(path)`` writes one (memoised by the caller)."""
    yield spelled(edge.path)
    for extra in (edge.key_path, edge.port_path):
        if extra is not None:
            yield spelled(extra)


def _findings_by_place(findings) -> dict[tuple, list[str]]:
    """The rules found, by (object key, dotted path)."""
    by_place: dict[tuple, list[str]] = {}
    for finding in findings:
        if finding.object is None:
            continue
        ref = finding.object
        by_place.setdefault(((ref.kind, ref.namespace, ref.name), finding.path), []).append(finding.rule)
    return by_place


def _drawn_edges(graph: ObjectGraph) -> list[dict]:
    """The graph's edges as drawn, each with the dotted paths it stands for (``paths``, until marked)."""
    edges = []
    # Thousands of objects share a few dozen path shapes: each is spelled once.
    spelled = functools.lru_cache(maxsize=None)(dotted)
    for edge in graph.edges():
        m = edge.manifest
        edges.append(
            {
                "source": edge.source,
                "target": edge.target,
                "relation": edge.relation,
                "label": _edge_label(edge),
                "path": spelled(edge.path),
                "key": edge.key,
                "port": edge.port,
                "ports": [_service_port(edge)] if edge.relation == "exposes-port" else [],
                "broken": [],
                "paths": ((m.kind, m.namespace, m.name), tuple(dict.fromkeys(_edge_paths(edge, spelled)))),
            }
        )
    return edges


def _mark_edges(edges: list[dict], by_place: dict[tuple, list[str]], used: set) -> list[dict]:
    """Each edge with the rules found on its paths (the places drawn are added to ``used``)."""
    for edge in edges:
        source, paths = edge.pop("paths")
        rules: list[str] = []
        for path in paths:
            for rule in by_place.get((source, path), ()):
                if rule not in rules:
                    rules.append(rule)
                used.add((source, path))
        if len(rules) > 1:
            rules.sort()
        edge["broken"] = rules
    return _merge_service_edges(edges)


class Drawing(NamedTuple):
    """What the graph alone decides of its picture: nodes by key and edges (plain data: it may cross processes)."""

    nodes: dict
    edges: list


def drawing(graph: ObjectGraph) -> Drawing:
    """The nodes and edges to draw, before the findings mark them."""
    return Drawing(graph_nodes(graph), _drawn_edges(graph))


def graph_nodes(graph: ObjectGraph) -> dict:
    """Every node to draw, by key, with where its object is written (plain data: it may cross processes)."""
    nodes = {}
    for key in graph.nodes():
        manifest = graph.objects.get(key)
        origin = _origin(graph, key)
        nodes[key] = {
            "key": key,
            "origin": origin,
            "missing": origin == "missing",
            "placeholder": False,
            "file": manifest.file if manifest is not None else None,
            "line": manifest.locate(("metadata", "name")).line if manifest is not None else None,
            "findings": [],
        }
    return nodes


def _placeholder_pods(graph: ObjectGraph, source, path, rule, nodes: dict, edges: list) -> None:
    """A Service that selects nothing gets a placeholder for the pods it expected."""
    manifest = graph.objects.get(source)
    selector = manifest.obj.get("spec", {}).get("selector") if manifest is not None else None
    text = ",".join(f"{k}={v}" for k, v in selector.items()) if isinstance(selector, dict) else "?"
    target = ("Pod", source[1], f"<{text}>")
    nodes.setdefault(
        target,
        {
            "key": target,
            "origin": "missing",
            "missing": True,
            "placeholder": True,
            "file": None,
            "line": None,
            "findings": [],
        },
    )
    edges.append(
        {
            "source": source,
            "target": target,
            "relation": "selects",
            "label": "selects",
            "path": path,
            "key": None,
            "port": None,
            "ports": [],
            "broken": [rule],
        }
    )


def _undrawn_findings(graph: ObjectGraph, by_place, used: set, nodes: dict, edges: list) -> None:
    """Findings not drawn on an edge: mark the object, and give a Service that selects
    nothing a placeholder for the pods it expected."""
    for (source, path), rules in sorted(by_place.items(), key=lambda item: (_sort_key(item[0][0]), item[0][1])):
        if (source, path) in used:
            continue
        for rule in rules:
            if rule == "service-no-endpoints":
                _placeholder_pods(graph, source, path, rule, nodes, edges)
            if source in nodes and rule not in nodes[source]["findings"]:
                nodes[source]["findings"].append(rule)
            elif source not in nodes:
                nodes[source] = {
                    "key": source,
                    "origin": "inputs",
                    "missing": False,
                    "placeholder": False,
                    "file": None,
                    "line": None,
                    "findings": [rule],
                }


def model(graph: ObjectGraph, findings=(), drawn: Drawing | None = None) -> dict:
    """Nodes and edges with their drawing state, the shape every format renders.

    ``drawn``: ``drawing(graph)`` when the caller computed it already (in another process,
    while the rules ran).
    """
    by_place = _findings_by_place(findings)
    used: set = set()
    nodes, edges = drawn if drawn is not None else drawing(graph)
    edges = _mark_edges(edges, by_place, used)
    _undrawn_findings(graph, by_place, used, nodes, edges)
    sort_keys = {key: _sort_key(key) for key in nodes}
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            if end not in sort_keys:
                sort_keys[end] = _sort_key(end)
    ordered = sorted(nodes.values(), key=lambda n: sort_keys[n["key"]])
    ids = {n["key"]: f"n{i}" for i, n in enumerate(ordered)}
    for n in ordered:
        n["id"] = ids[n["key"]]
        if len(n["findings"]) > 1:
            n["findings"].sort()
    edges.sort(
        key=lambda e: (
            sort_keys[e["source"]],
            sort_keys[e["target"]],
            e["relation"],
            e["path"],
            str(e["key"]),
            str(e["port"]),
        )
    )
    for e in edges:
        e["from"], e["to"] = ids[e["source"]], ids[e["target"]]
    return {"nodes": ordered, "edges": edges}


def _node_text(node) -> str:
    """The label inside its namespace group: the namespace is the group's title."""
    kind, _namespace, name = node["key"]
    text = f"{kind} {name}"
    if node["placeholder"]:
        text = f"no pod template with {name[1:-1]} in {node['key'][1]}"
    elif node["origin"] != "inputs":
        text += f" ({_ORIGIN_TEXT[node['origin']]})"
    if node["findings"]:
        text += " [" + ", ".join(node["findings"]) + "]"
    return _fit(text)


def _edge_text(edge, separator: str) -> str:
    label = _fit(edge["label"], MAX_LABEL - 1 - len(", ".join(edge["broken"])) if edge["broken"] else MAX_LABEL)
    return label + (separator + ", ".join(edge["broken"]) if edge["broken"] else "")


def _by_namespace(nodes) -> list[tuple[str | None, list]]:
    """(namespace, its nodes), cluster-scoped nodes (namespace None) first."""
    groups: dict = {}
    for node in nodes:
        groups.setdefault(node["key"][1], []).append(node)
    return sorted(groups.items(), key=lambda item: (item[0] is not None, item[0] or ""))


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _mermaid_node(node) -> str:
    line = f'{node["id"]}["{_mermaid_text(_node_text(node))}"]'
    if node["missing"]:
        return line + ":::missing"
    if node["findings"]:
        return line + ":::flagged"
    return line + (":::external" if node["origin"] != "inputs" else "")


def render_mermaid(data: dict) -> str:
    out = ["flowchart LR"]
    for number, (namespace, nodes) in enumerate(_by_namespace(data["nodes"])):
        if namespace is None:
            out += [f"  {_mermaid_node(node)}" for node in nodes]
            continue
        out.append(f'  subgraph ns{number}["namespace {_mermaid_text(namespace)}"]')
        out += [f"    {_mermaid_node(node)}" for node in nodes]
        out.append("  end")
    styles = []
    for index, edge in enumerate(data["edges"]):
        if edge["broken"]:
            out.append(f'  {edge["from"]} -.->|"{_mermaid_text(_edge_text(edge, " ✗ "))}"| {edge["to"]}')
            styles.append(f"  linkStyle {index} stroke:#d00,stroke-width:2px,color:#d00")
        else:
            out.append(f'  {edge["from"]} -->|"{_mermaid_text(_edge_text(edge, ""))}"| {edge["to"]}')
    out += styles
    out.append("  classDef missing stroke:#d00,stroke-dasharray:5 5,color:#d00")
    out.append("  classDef flagged stroke:#d00,stroke-width:2px")
    out.append("  classDef external stroke-dasharray:2 2")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_node(node) -> str:
    attrs = [f"label={_dot_text(_node_text(node))}"]
    if node["missing"]:
        attrs += ["style=dashed", "color=red", "fontcolor=red"]
    elif node["findings"]:
        attrs += ["color=red", "penwidth=2"]
    elif node["origin"] != "inputs":
        attrs += ["style=dotted"]
    return f"{node['id']} [{', '.join(attrs)}];"


def render_dot(data: dict) -> str:
    out = [
        "digraph k8scheck {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica"];',
    ]
    for number, (namespace, nodes) in enumerate(_by_namespace(data["nodes"])):
        if namespace is None:
            out += [f"  {_dot_node(node)}" for node in nodes]
            continue
        out += [f"  subgraph cluster_{number} {{", f"    label={_dot_text('namespace ' + namespace)};"]
        out += [f"    {_dot_node(node)}" for node in nodes]
        out.append("  }")
    for edge in data["edges"]:
        attrs = [f"label={_dot_text(_edge_text(edge, chr(10)))}"]
        if edge["broken"]:
            attrs += ["style=dashed", "color=red", "fontcolor=red"]
        out.append(f"  {edge['from']} -> {edge['to']} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def render_json(data: dict) -> str:
    def node_json(node):
        kind, namespace, name = node["key"]
        return {
            "id": node["id"],
            "kind": kind,
            "namespace": namespace,
            "name": name,
            "missing": node["missing"],
            "origin": node["origin"],
            "placeholder": node["placeholder"],
            "file": node["file"],
            "line": node["line"],
            "findings": node["findings"],
        }

    def edge_json(edge):
        return {
            "from": edge["from"],
            "to": edge["to"],
            "relation": edge["relation"],
            "path": edge["path"],
            "key": edge["key"],
            "port": edge["port"],
            "ports": edge["ports"],
            "broken": edge["broken"],
        }

    return (
        json.dumps(
            {"nodes": [node_json(n) for n in data["nodes"]], "edges": [edge_json(e) for e in data["edges"]]},
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )


FORMATS = {"mermaid": render_mermaid, "dot": render_dot, "json": render_json}


def render(graph: ObjectGraph, findings=(), fmt: str = "mermaid", drawn: Drawing | None = None) -> str:
    return FORMATS[fmt](model(graph, findings, drawn))
