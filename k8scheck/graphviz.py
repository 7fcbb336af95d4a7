"""Draw the object graph: mermaid, Graphviz dot, or JSON.

Pure functions from (graph, findings) to text. Output is deterministic: nodes are
sorted by kind, namespace and name, edges by their ends, relation and field path.
An edge (or a node) that a graph rule reported is drawn dashed and red and
labelled with the rule's slug; a Service whose selector matches nothing gets a
placeholder node for the pods it expected.
"""

from __future__ import annotations

import json

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


def _sort_key(key) -> tuple:
    kind, namespace, name = key
    return (str(kind), namespace or "", str(name))


def _label(key) -> str:
    kind, namespace, name = key
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def _edge_label(edge) -> str:
    text = edge.relation
    if edge.key:
        text += f" {edge.key}"
    if edge.port is not None:
        text += f" :{edge.port}"
    return text


def _edge_paths(edge):
    yield dotted(edge.path)
    for extra in ("key_path", "port_path"):
        if extra in edge.extra:
            yield dotted(edge.extra[extra])


def model(graph: ObjectGraph, findings=()) -> dict:
    """Nodes and edges with their drawing state, the shape every format renders."""
    by_place: dict[tuple, list[str]] = {}
    for finding in findings:
        if finding.object is None:
            continue
        ref = finding.object
        by_place.setdefault(((ref.kind, ref.namespace, ref.name), finding.path), []).append(finding.rule)

    used = set()
    edges = []
    for edge in graph.edges():
        m = edge.manifest
        source = (m.kind, m.namespace, m.name)
        rules = []
        for path in _edge_paths(edge):
            for rule in by_place.get((source, path), ()):
                if rule not in rules:
                    rules.append(rule)
                used.add((source, path))
        edges.append({
            "source": edge.source,
            "target": edge.target,
            "relation": edge.relation,
            "label": _edge_label(edge),
            "path": dotted(edge.path),
            "key": edge.key,
            "port": edge.port,
            "broken": sorted(rules),
        })

    nodes = {}
    for key in graph.nodes():
        manifest = graph.objects.get(key)
        nodes[key] = {
            "key": key,
            "missing": manifest is None,
            "placeholder": False,
            "file": manifest.file if manifest is not None else None,
            "line": manifest.locate(("metadata", "name")).line if manifest is not None else None,
            "findings": [],
        }
    # Findings not drawn on an edge: mark the object, and give a Service that selects
    # nothing a placeholder for the pods it expected.
    for (source, path), rules in sorted(by_place.items(), key=lambda item: (_sort_key(item[0][0]), item[0][1])):
        if (source, path) in used:
            continue
        for rule in rules:
            if rule == "service-no-endpoints":
                manifest = graph.objects.get(source)
                selector = manifest.obj.get("spec", {}).get("selector") if manifest is not None else None
                text = ",".join(f"{k}={v}" for k, v in selector.items()) if isinstance(selector, dict) else "?"
                target = ("Pod", source[1], f"<{text}>")
                nodes.setdefault(target, {"key": target, "missing": True, "placeholder": True, "file": None, "line": None, "findings": []})
                edges.append({"source": source, "target": target, "relation": "selects", "label": "selects", "path": path, "key": None, "port": None, "broken": [rule]})
            if source in nodes and rule not in nodes[source]["findings"]:
                nodes[source]["findings"].append(rule)
            elif source not in nodes:
                nodes[source] = {"key": source, "missing": False, "placeholder": False, "file": None, "line": None, "findings": [rule]}
    ordered = sorted(nodes.values(), key=lambda n: _sort_key(n["key"]))
    ids = {n["key"]: f"n{i}" for i, n in enumerate(ordered)}
    for n in ordered:
        n["id"] = ids[n["key"]]
        n["findings"].sort()
    edges.sort(key=lambda e: (_sort_key(e["source"]), _sort_key(e["target"]), e["relation"], e["path"], str(e["key"]), str(e["port"])))
    for e in edges:
        e["from"], e["to"] = ids[e["source"]], ids[e["target"]]
    return {"nodes": ordered, "edges": edges}


def _node_text(node) -> str:
    text = _label(node["key"])
    if node["placeholder"]:
        text = f"no pod template with {node['key'][2][1:-1]} in {node['key'][1]}"
    elif node["missing"]:
        text += " (not in inputs)"
    if node["findings"]:
        text += " [" + ", ".join(node["findings"]) + "]"
    return text


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(data: dict) -> str:
    out = ["flowchart LR"]
    for node in data["nodes"]:
        line = f'  {node["id"]}["{_mermaid_text(_node_text(node))}"]'
        if node["missing"]:
            line += ":::missing"
        elif node["findings"]:
            line += ":::flagged"
        out.append(line)
    styles = []
    for index, edge in enumerate(data["edges"]):
        label = edge["label"]
        if edge["broken"]:
            label += " ✗ " + ", ".join(edge["broken"])
            out.append(f'  {edge["from"]} -.->|"{_mermaid_text(label)}"| {edge["to"]}')
            styles.append(f"  linkStyle {index} stroke:#d00,stroke-width:2px,color:#d00")
        else:
            out.append(f'  {edge["from"]} -->|"{_mermaid_text(label)}"| {edge["to"]}')
    out += styles
    out.append("  classDef missing stroke:#d00,stroke-dasharray:5 5,color:#d00")
    out.append("  classDef flagged stroke:#d00,stroke-width:2px")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_dot(data: dict) -> str:
    out = ["digraph k8scheck {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for node in data["nodes"]:
        attrs = [f"label={_dot_text(_node_text(node))}"]
        if node["missing"]:
            attrs += ["style=dashed", "color=red", "fontcolor=red"]
        elif node["findings"]:
            attrs += ["color=red", "penwidth=2"]
        out.append(f'  {node["id"]} [{", ".join(attrs)}];')
    for edge in data["edges"]:
        label = edge["label"]
        attrs = []
        if edge["broken"]:
            label += "\n" + ", ".join(edge["broken"])
            attrs += ["style=dashed", "color=red", "fontcolor=red"]
        attrs.insert(0, f"label={_dot_text(label)}")
        out.append(f'  {edge["from"]} -> {edge["to"]} [{", ".join(attrs)}];')
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
            "broken": edge["broken"],
        }

    return json.dumps({"nodes": [node_json(n) for n in data["nodes"]], "edges": [edge_json(e) for e in data["edges"]]}, indent=2, sort_keys=True) + "\n"


FORMATS = {"mermaid": render_mermaid, "dot": render_dot, "json": render_json}


def render(graph: ObjectGraph, findings=(), fmt: str = "mermaid") -> str:
    return FORMATS[fmt](model(graph, findings))
