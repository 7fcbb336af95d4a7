"""`k8scheck rollout` and `k8scheck simulate`: the seed sequences, git revisions, every output format."""

from __future__ import annotations

import json
import re
import subprocess

from conftest import ROOT

ROLL = "fixtures/rollouts"


def events_of(output: str) -> list[str]:
    return [e for d in json.loads(output)["deployments"] for e in d["events"]]


def test_seed_rollout_sequence_before_1_32(run):
    result = run(
        "rollout",
        f"{ROLL}/nginx-1.24.0.yaml",
        "--from",
        f"{ROLL}/nginx-1.25.3.yaml",
        "--kube-version",
        "1.29",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    events = events_of(result.output)
    new, old = re.match(r"Scaled up replica set (\S+) to 1$", events[0]).group(1), None
    old = re.match(r"Scaled down replica set (\S+) to 2 from 3$", events[1]).group(1)
    assert events == [
        f"Scaled up replica set {new} to 1",
        f"Scaled down replica set {old} to 2 from 3",
        f"Scaled up replica set {new} to 2 from 1",
        f"Scaled down replica set {old} to 1 from 2",
        f"Scaled up replica set {new} to 3 from 2",
        f"Scaled down replica set {old} to 0 from 1",
    ]
    assert new.startswith("nginx-deployment-") and old.startswith("nginx-deployment-") and new != old


def test_event_text_follows_kube_version(run):
    events = events_of(
        run(
            "rollout",
            f"{ROLL}/nginx-1.24.0.yaml",
            "--from",
            f"{ROLL}/nginx-1.25.3.yaml",
            "--kube-version",
            "1.32",
            "--format",
            "json",
        ).output
    )
    assert re.fullmatch(r"Scaled up replica set \S+ from 0 to 1", events[0])
    assert re.fullmatch(r"Scaled down replica set \S+ from 3 to 2", events[1])


def test_failing_new_pods_get_stuck_like_the_seed(run):
    result = run(
        "rollout",
        f"{ROLL}/nginx-1.24.0.yaml",
        "--from",
        f"{ROLL}/nginx-1.25.3.yaml",
        "--new-pods",
        "fail",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    (deployment,) = json.loads(result.output)["deployments"]
    assert deployment["outcome"] == "stuck"
    assert len(deployment["steps"]) == 1
    assert deployment["kubectl"]["deployment"] == {
        "name": "nginx-deployment",
        "ready": "3/3",
        "up_to_date": 1,
        "available": 3,
    }
    assert sorted((rs["desired"], rs["current"], rs["ready"]) for rs in deployment["kubectl"]["replicasets"]) == [
        (1, 1, 0),
        (3, 3, 3),
    ]


def test_seed_outage_missing_configmap_key(run, snapshot):
    result = run("rollout", "fixtures/seeds/configmap-missing-key", "--kube-version", "1.29")
    assert result.exit_code == 1
    assert (
        "new pods will not start: CreateContainerConfigError (couldn't find key HOST in ConfigMap "
        "default/hello-server-configmap)" in result.output
    )
    assert (
        "outcome: OUTAGE — no pod serves from step 1 on; with maxSurge ≥ 1 the old pod would have kept serving"
        in result.output
    )
    assert result.output == snapshot


def test_replicas_only_change_makes_no_new_replicaset(run):
    result = run(
        "rollout",
        f"{ROLL}/nginx-1.25.3-replicas-5.yaml",
        "--from",
        f"{ROLL}/nginx-1.25.3.yaml",
        "--format",
        "json",
        "--kube-version",
        "1.29",
    )
    (deployment,) = json.loads(result.output)["deployments"]
    assert len(deployment["events"]) == 1 and re.fullmatch(
        r"Scaled up replica set \S+ to 5 from 3", deployment["events"][0]
    )


def test_unchanged_deployment_has_no_rollout(run):
    result = run("rollout", f"{ROLL}/nginx-1.25.3.yaml", "--from", f"{ROLL}/nginx-1.25.3.yaml")
    assert result.exit_code == 0 and result.output.startswith("No rollouts")


def test_from_git_revision(run, tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "deploy.yaml").write_text((ROOT / ROLL / "nginx-1.25.3.yaml").read_text())
    git("add", ".")
    git("commit", "-qm", "v1")
    (tmp_path / "k8s" / "deploy.yaml").write_text((ROOT / ROLL / "nginx-1.24.0.yaml").read_text())
    result = run("rollout", "k8s", "--from-git", "HEAD", "--format", "json", "--kube-version", "1.29", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert len(events_of(result.output)) == 6
    bad = run("rollout", "k8s", "--from-git", "no-such-rev", cwd=tmp_path)
    assert bad.exit_code == 2 and "--from-git" in bad.output and "no-such-rev" in bad.output


def test_mermaid_for_a_pull_request(run):
    output = run("rollout", "fixtures/seeds/configmap-missing-key", "--format", "mermaid").output
    assert output.startswith("```mermaid\nxychart-beta\n")
    assert 'title "Deployment default/hello-server rollout: outage"' in output
    assert "    bar [1, 0, 0]" in output


def test_simulate_tables_for_the_selector_typo(run, snapshot):
    result = run("simulate", "fixtures/seeds/service-selector-typo")
    assert result.exit_code == 0
    assert re.search(r"endpoints/hello-server-external\s+<none>", result.output)
    assert result.output.count("Running") == 3
    assert result.output == snapshot


def test_simulate_endpoints_of_two_label_selector(run):
    data = json.loads(run("simulate", "fixtures/seeds/echo-releases", "--format", "json").output)
    (endpoints,) = data["endpoints"]
    assert sorted(a["pod"].rsplit("-", 1)[0] for a in endpoints["addresses"]) == ["echo-summer", "echo-summer"]
    assert {a["port"] for a in endpoints["addresses"]} == {80}


def test_simulate_pod_status_from_static_evidence(run):
    data = json.loads(run("simulate", "fixtures/seeds/configmap-missing-key", "--format", "json").output)
    (pod,) = data["pods"]
    assert (pod["status"], pod["ready"]) == ("CreateContainerConfigError", False)
    assert pod["reason"] == "couldn't find key HOST in ConfigMap default/hello-server-configmap"
    assert pod["labels"]["pod-template-hash"] == data["replicasets"][0]["name"].rsplit("-", 1)[1]
    assert data["deployments"][0]["ready"] == 0


def test_rollout_says_when_it_completes_only_because_nothing_probes_readiness(run, tmp_path):
    """issue 17: a COMPLETE prediction without any readiness probe is not evidence the release works."""
    seed = (ROOT / "fixtures/seeds/bad-image-tag").resolve()
    data = json.loads(run("rollout", str(seed), "--format", "json").output)
    (deployment,) = data["deployments"]
    assert deployment["outcome"] == "complete" and deployment["unguarded"] is True
    assert any("no container has a readinessProbe" in note for note in deployment["notes"])
    probed = tmp_path / "probed.yaml"
    text = next(seed.glob("*.yaml")).read_text()
    assert "containers:" in text
    probed.write_text(
        re.sub(
            r"(\n(\s*)- (?:name|image): [^\n]+\n)", r"\1\2  readinessProbe: {tcpSocket: {port: 8080}}\n", text, count=1
        )
    )
    data = json.loads(run("rollout", str(probed), "--format", "json").output)
    assert [d["unguarded"] for d in data["deployments"]] == [False]
