"""Pod start-up and the controllers' picture: table rows from Kubernetes' own source (tests/controller_cases.yaml)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from conftest import ROOT
from k8scheck.cli import main
from k8scheck.context import Context, Options
from k8scheck.loader import load
from k8scheck.simulate.cluster import simulate_cluster
from k8scheck.simulate.pods import predict_pod

CASES = YAML(typ="safe").load((Path(__file__).parent / "controller_cases.yaml").read_text(encoding="utf-8"))

SUPPORT = """
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata: {name: tls}
stringData: {tls.crt: x}
"""


def context_of(tmp_path, text: str, **options) -> Context:
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    return Context(load([str(path)]), Options(**options))


def _deployment(row) -> dict:
    container = {"name": "web", "image": "nginx:1.25.3", **row.get("container", {})}
    spec = {"containers": [container], **row.get("spec", {})}
    if "sidecar" in row:
        spec["containers"].append({"name": "sidecar", "image": "example/sidecar:1", **row["sidecar"]})
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}},
    }


@pytest.mark.parametrize("row", CASES["pods"], ids=lambda r: r["name"])
def test_pod_startup_table(tmp_path, row):
    ctx = context_of(tmp_path, json.dumps(_deployment(row)) + "\n---" + SUPPORT)
    (manifest,) = [m for m in ctx.manifests if m.kind == "Deployment"]
    outcome = predict_pod(ctx, manifest)
    assert (outcome.status, outcome.ready) == (row["status"], row["ready"])
    assert row.get("message", "") in outcome.message
    assert outcome.certain == row.get("certain", True)


def _simulate(*args) -> dict:
    result = CliRunner().invoke(main, ["simulate", str(ROOT / "fixtures/simulate/every-kind.yaml"), "--format", "json", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("row", CASES["simulate"], ids=lambda r: r["go"])
def test_simulate_table(row):
    data = _simulate("--nodes", row.get("nodes", 1))
    if "resource" in row:
        text = CliRunner().invoke(main, ["simulate", str(ROOT / "fixtures/simulate/every-kind.yaml")]).output
        assert row["resource"] in text and "replicaset.apps/legacy" not in text
    if "deployment" in row:
        (dep,) = [d for d in data["deployments"] if d["name"] == row["deployment"]]
        assert dep["replicas"] == row["replicas"]
    if "pod_prefix" in row:
        pods = [p for p in data["pods"] if p["name"].startswith(row["pod_prefix"])]
        assert sorted(p["status"] for p in pods) == sorted(row["statuses"])
        if "names" in row:
            assert [p["name"] for p in pods] == row["names"]
        if "message" in row:
            assert any(p["reason"] == row["message"] for p in pods)


def test_simulate_text_names_what_the_controllers_wait_for():
    text = CliRunner().invoke(main, ["simulate", str(ROOT / "fixtures/simulate/every-kind.yaml")]).output
    assert "job.batch/pi-xxxxx   Complete   3/3" in text
    assert "cronjob.batch/nightly: creates nothing until its schedule (0 3 * * *) fires" in text
    assert "OrderedReady waits for db-0" in text
    assert "--nodes N" in text
    assert "1/1     Running" not in [line for line in text.splitlines() if line.startswith("pod/pi-")]


def test_failing_job_template_hits_the_backoff_limit(tmp_path):
    job = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
        "spec": {"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never", "containers": [
            {"name": "m", "image": "m:1", "livenessProbe": {"httpGet": {"port": "http"}}}]}}},
    }
    cluster = simulate_cluster(context_of(tmp_path, json.dumps(job)))
    (sim_job,) = cluster.jobs
    assert sim_job.status == "Failed" and "BackoffLimitExceeded" in sim_job.note
    assert [p.status for p in cluster.pods] == ["Error"] * 3  # backoffLimit + 1 failed pods


def test_daemonset_runs_one_pod_per_node(tmp_path):
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}, "spec": {
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "a", "image": "a:1"}]}}}}
    assert len(simulate_cluster(context_of(tmp_path, json.dumps(ds)), nodes=4).pods) == 4


def test_pods_without_ip_are_never_endpoints(tmp_path):
    text = (ROOT / "fixtures/simulate/every-kind.yaml").read_text()
    cluster = simulate_cluster(context_of(tmp_path, text))
    (endpoints,) = [e for e in cluster.endpoints if e.service.name == "frontend"]
    assert len(endpoints.ready) == 1 and not endpoints.not_ready  # the Pending pod has no IP


def test_endpoints_are_linear_in_services_and_pods(tmp_path):
    """issue 14: each Service looks only at pods carrying its rarest selector label."""
    docs = []
    for i in range(1500):
        docs.append(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"app": f"a{i}", "tier": "web"}},
                                "spec": {"containers": [{"name": "c", "image": "c:1"}]}}))
        docs.append(json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{i}"},
                                "spec": {"selector": {"app": f"a{i}", "tier": "web"}, "ports": [{"port": 80}]}}))
    ctx = context_of(tmp_path, "\n---\n".join(docs))
    started = time.perf_counter()
    cluster = simulate_cluster(ctx)
    elapsed = time.perf_counter() - started
    assert all(len(e.ready) == 1 for e in cluster.endpoints)
    assert elapsed < 5, elapsed
