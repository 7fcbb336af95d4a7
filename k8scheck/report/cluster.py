"""The simulated cluster as `kubectl get deploy,rs,pod,endpoints` would print it."""

from __future__ import annotations

import json

from .. import __version__


def _table(headers, rows) -> list[str]:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    return ["   ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [headers, *rows]]


def render_cluster_text(cluster, **_options) -> str:
    namespaces = {d.manifest.namespace for d in cluster.deployments} | {p.namespace for p in cluster.pods} | {e.service.namespace for e in cluster.endpoints}
    many = len(namespaces) > 1
    lead = ["NAMESPACE"] if many else []

    def ns(value):
        return [value or ""] if many else []

    blocks = []
    if cluster.deployments:
        rows = [ns(d.manifest.namespace) + [f"deployment.apps/{d.manifest.name}", f"{d.ready}/{d.replicas}", d.replicas, d.ready] for d in cluster.deployments]
        blocks.append(_table(lead + ["NAME", "READY", "UP-TO-DATE", "AVAILABLE"], rows))
    if cluster.replicasets:
        rows = [ns(r.namespace) + [f"replicaset.apps/{r.name}", r.desired, r.desired, r.ready] for r in cluster.replicasets]
        blocks.append(_table(lead + ["NAME", "DESIRED", "CURRENT", "READY"], rows))
    if cluster.pods:
        rows = [ns(p.namespace) + [f"pod/{p.name}", f"{p.containers_total if p.ready else 0}/{p.containers_total}", p.status, 0] for p in cluster.pods]
        blocks.append(_table(lead + ["NAME", "READY", "STATUS", "RESTARTS"], rows))
    if cluster.endpoints:
        rows = [ns(e.service.namespace) + [f"endpoints/{e.service.name}", e.column()] for e in cluster.endpoints]
        blocks.append(_table(lead + ["NAME", "ENDPOINTS"], rows))
    notes = []
    for pod in cluster.pods:
        if not pod.ready and pod.outcome.message:
            notes.append(f"pod/{pod.name}: {pod.outcome.status}: {pod.outcome.message}")
    text = "\n\n".join("\n".join(block) for block in blocks) if blocks else "No workloads or Services in the inputs."
    if notes:
        text += "\n\nWhy pods are not ready:\n" + "\n".join(f"  {n}" for n in dict.fromkeys(notes))
    return text + "\n"


def cluster_data(cluster) -> dict:
    def source(manifest, path=()):
        location = manifest.locate(path)
        return {"file": location.file, "line": location.line}

    return {
        "version": __version__,
        "deployments": [
            {"name": d.manifest.name, "namespace": d.manifest.namespace, "ready": d.ready, "replicas": d.replicas, "up_to_date": d.replicas, "available": d.ready, "replicaset": d.replicaset, "source": source(d.manifest, ("metadata", "name"))}
            for d in cluster.deployments
        ],
        "replicasets": [
            {"name": r.name, "namespace": r.namespace, "desired": r.desired, "current": r.desired, "ready": r.ready, "source": source(r.owner, ("metadata", "name"))}
            for r in cluster.replicasets
        ],
        "pods": [
            {"name": p.name, "namespace": p.namespace, "ip": p.ip, "labels": p.labels, "status": p.status, "ready": p.ready, "reason": p.outcome.message or None, "source": source(p.owner, p.template_path)}
            for p in cluster.pods
        ],
        "endpoints": [
            {
                "name": e.service.name,
                "namespace": e.service.namespace,
                "managed": e.managed,
                "addresses": [{"pod": a.pod.name, "ip": a.pod.ip, "port": a.port, "protocol": a.protocol} for a in e.ready],
                "not_ready_addresses": [{"pod": a.pod.name, "ip": a.pod.ip, "port": a.port, "protocol": a.protocol} for a in e.not_ready],
                "source": source(e.service, ("spec", "selector")),
            }
            for e in cluster.endpoints
        ],
    }


def render_cluster_json(cluster, **_options) -> str:
    return json.dumps(cluster_data(cluster), indent=2, ensure_ascii=False) + "\n"


CLUSTER_FORMATS = {"text": render_cluster_text, "json": render_cluster_json}
