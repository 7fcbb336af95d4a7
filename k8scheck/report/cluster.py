"""The simulated cluster as `kubectl get deploy,rs,pod,endpoints` would print it."""

from __future__ import annotations

import json
from operator import attrgetter

from .. import __version__


def _table(headers, rows) -> list[str]:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    return ["   ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [headers, *rows]]


def render_cluster_text(cluster, **_options) -> str:
    namespaces = (
        {d.manifest.namespace for d in cluster.deployments}
        | {p.namespace for p in cluster.pods}
        | {e.service.namespace for e in cluster.endpoints}
    )
    many = len(namespaces) > 1
    lead = ["NAMESPACE"] if many else []

    def ns(value):
        return [value or ""] if many else []

    blocks = []
    if cluster.deployments:
        rows = [
            ns(d.manifest.namespace)
            + [f"deployment.apps/{d.manifest.name}", f"{d.ready}/{d.replicas}", d.replicas, d.ready]
            for d in cluster.deployments
        ]
        blocks.append(_table(lead + ["NAME", "READY", "UP-TO-DATE", "AVAILABLE"], rows))
    if cluster.replicasets:
        rows = [ns(r.namespace) + [r.resource, r.desired, r.desired, r.ready] for r in cluster.replicasets]
        blocks.append(_table(lead + ["NAME", "DESIRED", "CURRENT", "READY"], rows))
    statefulsets = getattr(cluster, "statefulsets", [])
    if statefulsets:
        rows = [
            ns(s.manifest.namespace) + [f"statefulset.apps/{s.manifest.name}", f"{s.ready}/{s.replicas}"]
            for s in statefulsets
        ]
        blocks.append(_table(lead + ["NAME", "READY"], rows))
    jobs = getattr(cluster, "jobs", [])
    if jobs:
        rows = [
            ns(j.manifest.namespace) + [f"job.batch/{j.name}", j.status, f"{j.succeeded}/{j.completions}"] for j in jobs
        ]
        blocks.append(_table(lead + ["NAME", "STATUS", "COMPLETIONS"], rows))
    cronjobs = getattr(cluster, "cronjobs", [])
    if cronjobs:
        rows = [
            ns(c.manifest.namespace)
            + [f"cronjob.batch/{c.manifest.name}", c.schedule or "<none>", str(c.suspend), 0, "<none>"]
            for c in cronjobs
        ]
        blocks.append(_table(lead + ["NAME", "SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE"], rows))
    if cluster.pods:
        rows = [
            ns(p.namespace)
            + [f"pod/{p.name}", f"{p.containers_total if p.ready else 0}/{p.containers_total}", p.status, _restarts(p)]
            for p in cluster.pods
        ]
        blocks.append(_table(lead + ["NAME", "READY", "STATUS", "RESTARTS"], rows))
    if cluster.endpoints:
        rows = [ns(e.service.namespace) + [f"endpoints/{e.service.name}", e.column()] for e in cluster.endpoints]
        blocks.append(_table(lead + ["NAME", "ENDPOINTS"], rows))
    text = "\n\n".join("\n".join(block) for block in blocks) if blocks else "No workloads or Services in the inputs."
    notes = [
        f"pod/{p.name}: {p.outcome.status}: {p.outcome.message}"
        for p in cluster.pods
        if not p.ready and p.outcome.message
    ]
    if notes:
        text += "\n\nWhy pods are not ready:\n" + "\n".join(f"  {n}" for n in dict.fromkeys(notes))
    text += _controller_notes(cluster)
    return text + "\n"


def _restarts(pod) -> str:
    """RESTARTS: a container the kubelet keeps killing restarts without end."""
    return "1+ (grows)" if pod.status in ("CrashLoopBackOff",) else "0"


def _controller_notes(cluster) -> str:
    notes = []
    for s in getattr(cluster, "statefulsets", []):
        if s.created < s.replicas:
            notes.append(
                f"statefulset.apps/{s.manifest.name}: OrderedReady waits for {s.manifest.name}-{s.created - 1} to be "
                f"Running and Ready before creating the next pod: {s.created}/{s.replicas} pod(s) exist"
            )
    for j in getattr(cluster, "jobs", []):
        if j.note:
            notes.append(f"job.batch/{j.name}: {j.note}")
    for c in getattr(cluster, "cronjobs", []):
        notes.append(
            f"cronjob.batch/{c.manifest.name}: creates nothing until its schedule ({c.schedule or 'none'}) fires"
            + (" (suspended: never)" if c.suspend else "")
        )
    if any(p.status == "Pending" and "anti-affinity" in p.outcome.message for p in cluster.pods):
        notes.append(f"assumed {getattr(cluster, 'nodes', 1)} node(s); try --nodes N for a bigger cluster")
    return ("\n\nControllers:\n" + "\n".join(f"  {n}" for n in notes)) if notes else ""


def _source(manifest, path=()) -> dict:
    location = manifest.locate(path)
    return {"file": location.file, "line": location.line}


def _rows(items, columns: str, source=None) -> list[dict]:
    """One JSON row per simulated object.

    ``columns`` names each key in order, with ``=attribute.path`` when the value is read
    from another attribute than the key (``name=manifest.name``) and a trailing ``?``
    when an empty value is written as null. ``source(item)`` gives the (manifest, field
    path) that caused the object, kept as the row's last key.
    """
    readers = [_reader(column) for column in columns.split()]
    rows = []
    for item in items:
        row = {key: read(item) for key, read in readers}
        if source is not None:
            row["source"] = _source(*source(item))
        rows.append(row)
    return rows


def _reader(column: str):
    key, _, attribute = column.rstrip("?").partition("=")
    read = attrgetter(attribute or key)
    if column.endswith("?"):
        return key, lambda item: read(item) or None
    return key, read


def _workloads_data(cluster) -> dict:
    """Deployments, their ReplicaSets and the pods, each pointing at the manifest line that caused it."""
    name = ("metadata", "name")
    return {
        "deployments": _rows(
            cluster.deployments,
            "name=manifest.name namespace=manifest.namespace ready replicas up_to_date=replicas available=ready "
            "replicaset",
            lambda d: (d.manifest, name),
        ),
        "replicasets": _rows(
            cluster.replicasets, "name kind namespace desired current=desired ready", lambda r: (r.owner, name)
        ),
        "pods": _rows(
            cluster.pods,
            "name namespace ip labels status ready reason=outcome.message?",
            lambda p: (p.owner, p.template_path),
        ),
    }


def _batch_data(cluster) -> dict:
    """StatefulSets, Jobs and CronJobs (a cluster may have no such controllers)."""
    return {
        "statefulsets": _rows(
            getattr(cluster, "statefulsets", []),
            "name=manifest.name namespace=manifest.namespace replicas ready pods=created",
        ),
        "jobs": _rows(
            getattr(cluster, "jobs", []), "name namespace=manifest.namespace status succeeded completions note?"
        ),
        "cronjobs": [
            {**row, "active": 0}
            for row in _rows(
                getattr(cluster, "cronjobs", []), "name=manifest.name namespace=manifest.namespace schedule suspend"
            )
        ],
    }


def _endpoints_data(cluster) -> list[dict]:
    return [
        {
            "name": e.service.name,
            "namespace": e.service.namespace,
            "managed": e.managed,
            "addresses": [{"pod": a.pod.name, "ip": a.pod.ip, "port": a.port, "protocol": a.protocol} for a in e.ready],
            "not_ready_addresses": [
                {"pod": a.pod.name, "ip": a.pod.ip, "port": a.port, "protocol": a.protocol} for a in e.not_ready
            ],
            "source": _source(e.service, ("spec", "selector")),
        }
        for e in cluster.endpoints
    ]


def cluster_data(cluster) -> dict:
    return {
        "version": __version__,
        **_workloads_data(cluster),
        **_batch_data(cluster),
        "nodes": getattr(cluster, "nodes", 1),
        "endpoints": _endpoints_data(cluster),
    }


def render_cluster_json(cluster, **_options) -> str:
    return json.dumps(cluster_data(cluster), indent=2, ensure_ascii=False) + "\n"


CLUSTER_FORMATS = {"text": render_cluster_text, "json": render_cluster_json}
