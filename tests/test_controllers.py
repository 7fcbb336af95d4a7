"""Pod start-up and the controllers' picture: table rows from Kubernetes' own source (tests/controller_cases.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from ruamel.yaml import YAML

from k8scheck.cli import main
from k8scheck.context import Context, Options
from k8scheck.loader import load
from k8scheck.simulate.cluster import _PodIndex, simulate_cluster
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
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec},
        },
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
    result = CliRunner().invoke(
        main,
        ["simulate", str(ROOT / "fixtures/simulate/every-kind.yaml"), "--format", "json", *map(str, args)],
        catch_exceptions=False,
    )
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
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate"},
        "spec": {
            "backoffLimit": 2,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "m", "image": "m:1", "livenessProbe": {"httpGet": {"port": "http"}}}],
                }
            },
        },
    }
    cluster = simulate_cluster(context_of(tmp_path, json.dumps(job)))
    (sim_job,) = cluster.jobs
    assert sim_job.status == "Failed" and "BackoffLimitExceeded" in sim_job.note
    assert [p.status for p in cluster.pods] == ["Error"] * 3  # backoffLimit + 1 failed pods


def test_daemonset_runs_one_pod_per_node(tmp_path):
    ds = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "a", "image": "a:1"}]},
            },
        },
    }
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
        docs.append(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"p{i}", "labels": {"app": f"a{i}", "tier": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "c:1"}]},
                }
            )
        )
        docs.append(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": f"s{i}"},
                    "spec": {"selector": {"app": f"a{i}", "tier": "web"}, "ports": [{"port": 80}]},
                }
            )
        )
    ctx = context_of(tmp_path, "\n---\n".join(docs))
    cluster = simulate_cluster(ctx)
    assert all(len(e.ready) == 1 for e in cluster.endpoints)
    # Work, not time (speed is measured in bench/): each Service compares one pod, not all 1,500.
    index = _PodIndex(cluster.pods)
    compared = sum(len(index.candidates(s.namespace, s.obj["spec"]["selector"])) for s in ctx.of_kind("Service"))
    assert compared == 1500


# ----------------------------------------------------------------------------- StatefulSet / DaemonSet rollouts


from k8scheck.simulate.immutable import rejections  # noqa: E402
from k8scheck.simulate.sets import simulate_daemonset, simulate_statefulset  # noqa: E402


def _set(kind: str, name: str, image: str, spec: dict) -> dict:
    template = {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": name, "image": image}]}}
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": {"app": name}}, "template": template, **spec},
    }


@pytest.mark.parametrize("row", CASES["statefulset"], ids=lambda r: r["name"])
def test_statefulset_rollout_table(row):
    old = None if row["old"] is None else _set("StatefulSet", "db", "db:1", row["old"])
    result = simulate_statefulset(
        old, _set("StatefulSet", "db", "db:2", row["spec"]), new_pods=row.get("new_pods", "ready")
    )
    assert result.outcome == row["outcome"]
    assert result.events == row["events"]
    if "note" in row:
        assert any(row["note"] in n for n in result.notes)


@pytest.mark.parametrize("row", CASES["daemonset"], ids=lambda r: r["name"])
def test_daemonset_rollout_table(row):
    spec = {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": row["rolling"]}}
    result = simulate_daemonset(
        _set("DaemonSet", "agent", "agent:1", spec),
        _set("DaemonSet", "agent", "agent:2", spec),
        new_pods=row.get("new_pods", "ready"),
        nodes=row["nodes"],
    )
    assert (result.max_unavailable, result.max_surge) == (row["unavailable"], row["surge"])
    assert result.outcome == row["outcome"] and len(result.steps) == row["steps"]
    assert all(e.startswith(("Created pod: agent-", "Deleted pod: agent-")) for e in result.events)
    if "min_available" in row:
        assert result.min_available == row["min_available"]
    if "note" in row:
        assert any(row["note"] in n for n in result.notes)


@pytest.mark.parametrize("row", CASES["immutable"], ids=lambda r: r["go"])
def test_immutable_field_table(row):
    base = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"spec": {"containers": [{"name": "c", "image": "c:1"}]}},
        **row.get("base", {}),
    }
    old = {"apiVersion": row["apiVersion"], "kind": row["kind"], "metadata": {"name": "x"}, "spec": base}
    new = {**old, "spec": {**base, **row["change"]}}
    found = rejections(row["kind"], row["apiVersion"], old, new)
    if row["error"] is None:
        assert found == []
    else:
        (rejection,) = found
        assert rejection.message.startswith(f'The {row["kind"]} "x" is invalid: {row["error"]}')
        assert rejection.message.endswith(row.get("tail", ""))


def _rollout(*args):
    return CliRunner().invoke(main, ["rollout", *map(str, args)], catch_exceptions=False)


def test_rollout_readiness_port_undeclared_stops_after_one_replacement():
    """issue 16: maxSurge 0 / maxUnavailable 1 on 2 replicas; reconcileOldReplicaSets then has maxScaledDown 0."""
    roll = ROOT / "fixtures/rollouts"
    result = _rollout(
        roll / "web-surge0-unavailable1-readiness-port-undeclared.yaml",
        "--from",
        roll / "web-surge0-unavailable1.yaml",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    (d,) = json.loads(result.output)["deployments"]
    assert d["outcome"] == "stuck" and d["new_pods"] == "fail"
    assert [(s["old"], s["new"], s["available"]) for s in d["steps"]] == [(1, 0, 1), (1, 1, 1)]
    assert 'Readiness probe errored: strconv.Atoi: parsing "web"' in d["new_pods_reason"]
    text = _rollout(
        roll / "web-surge0-unavailable1-readiness-port-undeclared.yaml", "--from", roll / "web-surge0-unavailable1.yaml"
    ).output
    assert 'error: deployment "web" exceeded its progress deadline' in text and "ProgressDeadlineExceeded" in text


def test_rollout_statefulset_and_daemonset_from_cli():
    roll = ROOT / "fixtures/rollouts"
    result = _rollout(
        roll / "db-statefulset-v2-never-ready.yaml",
        "--from",
        roll / "db-statefulset-v1.yaml",
        "--nodes",
        "3",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    by_kind = {d["object"]["kind"]: d for d in json.loads(result.output)["deployments"]}
    assert by_kind["StatefulSet"]["events"] == [
        "delete Pod db-2 in StatefulSet db successful",
        "create Pod db-2 in StatefulSet db successful",
    ]
    assert by_kind["DaemonSet"]["outcome"] == "stuck"
    healthy = _rollout(roll / "db-statefulset-v2.yaml", "--from", roll / "db-statefulset-v1.yaml", "--nodes", "3")
    assert healthy.exit_code == 0 and "No rollouts" not in healthy.output


def test_rollout_reports_a_rejected_apply_not_a_rollout():
    base = ROOT / "fixtures/immutable-field-changed"
    result = _rollout(base / "fires-every-immutable-field.yaml", "--from", base / "base-applied.yaml")
    assert result.exit_code == 1
    assert result.output.count("outcome: REJECTED") == 4
    assert 'The Deployment "web" is invalid: spec.selector: Invalid value:' in result.output
    assert "Scaled up replica set" not in result.output


# ----------------------------------------------------------------------------- Deployment: the rest of issue 16 item 7


from k8scheck.simulate import ReplicaSetState, simulate_rollout  # noqa: E402
from k8scheck.simulate.podtemplate import template_hash  # noqa: E402


def _dep(image: str, **extra) -> dict:
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "w", "image": image}]}}
    return {
        "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template, **extra},
    }


def test_rollback_scales_the_old_replicaset_instead_of_creating_one():
    """sync.go getNewReplicaSet: an existing RS of the template is reused and gets revision max+1; no creation event."""
    t1, t2 = _dep("web:1")["spec"]["template"], _dep("web:2")["spec"]["template"]
    history = [
        ReplicaSetState("web-v1", 0, 0, created=1, revision=1, template_hash=template_hash(t1)),
        ReplicaSetState(
            "web-v2", 2, 2, created=2, revision=2, template_hash=template_hash(t2), desired_replicas=2, max_replicas=3
        ),
    ]
    result = simulate_rollout(None, _dep("web:1"), old_replicasets=history, kube_version="1.29")
    assert not result.new_replicaset_created and result.new_rs_name == "web-v1" and result.new_revision == 3
    assert (
        result.events[0] == "Scaled up replica set web-v1 to 1 from 0"
    )  # pre-1.32: a scale, not "Scaled up replica set web-v1 to 1"


@pytest.mark.parametrize("limit,kept", [(0, 1), (1, 2), (None, 2)])
def test_revision_history_limit_deletes_old_replicasets(limit, kept):
    """sync.go cleanupDeployment: scaled-down old ReplicaSets beyond revisionHistoryLimit (default 10) are deleted."""
    extra = {} if limit is None else {"revisionHistoryLimit": limit}
    result = simulate_rollout(_dep("web:1"), _dep("web:2", **extra))
    assert result.complete and len(result.kubectl_replicasets) == kept
    assert len(result.deleted_replicasets) == 2 - kept


@pytest.mark.parametrize(
    "deadline,min_ready,rejected", [(5, 10, True), (10, 10, True), (11, 10, False), (None, 30, False)]
)
def test_progress_deadline_must_exceed_min_ready_seconds(deadline, min_ready, rejected):
    """validation.go ValidateDeploymentSpec: progressDeadlineSeconds must be greater than minReadySeconds."""
    extra = {"minReadySeconds": min_ready}
    if deadline is not None:
        extra["progressDeadlineSeconds"] = deadline
    messages = [p.message for p in simulate_rollout(_dep("web:1"), _dep("web:2", **extra)).problems]
    assert any("must be greater than minReadySeconds" in m for m in messages) == rejected


def test_stuck_deployment_reports_its_progress_deadline():
    """progress.go: ProgressDeadlineExceeded after progressDeadlineSeconds (default 600)
    without progress; no rollback."""
    assert simulate_rollout(_dep("web:1"), _dep("web:2"), new_pods="fail").progress_deadline == 600
    assert (
        simulate_rollout(_dep("web:1"), _dep("web:2", progressDeadlineSeconds=120), new_pods="fail").progress_deadline
        == 120
    )
    assert simulate_rollout(_dep("web:1"), _dep("web:2")).progress_deadline is None
