"""Pods stated to exist: `assume-pods:` in the config and `--assume-pods NS:k=v[,k=v]` on lint."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from k8scheck.cli import main

MANIFESTS = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
  namespace: db
spec:
  instances: 3
---
apiVersion: v1
kind: Service
metadata:
  name: pg-rw
  namespace: db
spec:
  selector:
    cnpg.io/cluster: pg
    cnpg.io/instanceRole: primary
  ports:
  - port: 5432
    targetPort: postgresql
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pg
  namespace: db
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      cnpg.io/cluster: pg
"""
RULES = "service-no-endpoints,pdb-no-match,service-port-mismatch,service-port-undeclared"


@pytest.fixture
def run(monkeypatch, tmp_path):
    (tmp_path / "db.yaml").write_text(MANIFESTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(
            main, ["lint", "db.yaml", "--no-cache", "-q", "--select", RULES, *args], catch_exceptions=False
        )

    return invoke


def test_a_namespace_without_pod_templates_is_not_judged(run):
    result = run("--fail-on", "warning")
    assert result.exit_code == 0
    assert result.output == ""


def test_assumed_pods_satisfy_selectors_and_their_ports_are_not_judged(run, tmp_path):
    # Another Pod in the namespace makes its selectors judgeable.
    (tmp_path / "db.yaml").write_text(MANIFESTS + _OTHER_POD, encoding="utf-8")
    before = run("--fail-on", "warning")
    assert "service-no-endpoints" in before.output and "pdb-no-match" in before.output
    after = run("--fail-on", "warning", "--assume-pods", "db:cnpg.io/cluster=pg,cnpg.io/instanceRole=primary")
    assert after.exit_code == 0, after.output
    assert after.output == ""


def test_assumed_pods_from_the_config_file(run, tmp_path):
    (tmp_path / "db.yaml").write_text(MANIFESTS + _OTHER_POD, encoding="utf-8")
    (tmp_path / ".k8scheck.yaml").write_text(
        textwrap.dedent(
            """\
            assume-pods:
            - namespace: db
              labels: {cnpg.io/cluster: pg, cnpg.io/instanceRole: primary}
            """
        ),
        encoding="utf-8",
    )
    result = run("--fail-on", "warning")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["db", "db:", ":app=web", "db:app", "db:=web", "db:app=web,"])
def test_a_malformed_value_is_a_usage_error(run, value):
    result = run("--assume-pods", value)
    assert result.exit_code == 2
    assert "--assume-pods" in result.output and "NAMESPACE:LABEL=VALUE" in result.output


@pytest.mark.parametrize(
    "config, expected",
    [
        ("assume-pods: [{namespace: db}]\n", "'labels' is a required property"),
        ("assume-pods: [{namespace: db, labels: {}}]\n", "assume-pods.0.labels"),
        ("producers: {objects: [{kind: Secret, name: x}]}\n", "'from' is a required property"),
        ("producers: {pods: [{from: {kind: X, group: x.io}, labels: {}, extra: 1}]}\n", "producers.pods.0"),
    ],
)
def test_config_errors_name_the_key(run, tmp_path, config, expected):
    (tmp_path / ".k8scheck.yaml").write_text(config, encoding="utf-8")
    result = run()
    assert result.exit_code == 2
    assert expected in result.output


def test_producers_from_the_config_file(run, tmp_path):
    (tmp_path / "db.yaml").write_text(MANIFESTS + _OTHER_POD, encoding="utf-8")
    (tmp_path / ".k8scheck.yaml").write_text(
        textwrap.dedent(
            """\
            producers:
              pods:
              - from: {kind: Cluster, group: postgresql.cnpg.io}
                labels:
                  cnpg.io/cluster: "{metadata.name}"
                  cnpg.io/instanceRole: primary
            """
        ),
        encoding="utf-8",
    )
    result = run("--fail-on", "warning")
    assert result.exit_code == 0, result.output


_OTHER_POD = """\
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: db
spec:
  containers:
  - name: debug
    image: busybox:1.36
"""
