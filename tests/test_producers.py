"""The producers catalogue: what exists without a manifest, and what controllers create."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import lint_text

from k8scheck import producers
from k8scheck.cli import main
from k8scheck.graph import build_graph
from k8scheck.model import Manifest

ROOT = Path(__file__).resolve().parent.parent


def manifest(obj: dict, namespace: str | None = "default") -> Manifest:
    return Manifest(obj, "test.yaml", 0, (), {}, namespace)


def test_bundled_catalogue_follows_the_config_schema():
    producers.validate(producers._read_bundled(), "producers.yaml")


def test_the_graph_keeps_no_list_of_its_own():
    """One source of truth: the built-in objects live in the data file only."""
    graph_source = (ROOT / "k8scheck" / "graph.py").read_text(encoding="utf-8")
    for fact in ("kube-root-ca.crt", "cluster-admin", "kube-system"):
        assert fact not in graph_source


@pytest.mark.parametrize(
    "key, present",
    [
        (("ClusterRole", None, "cluster-admin"), True),
        (("ClusterRole", None, "system:aggregate-to-view"), True),
        (("ClusterRole", None, "pod-reader"), False),
        (("Namespace", None, "kube-node-lease"), True),
        (("ServiceAccount", "shop", "default"), True),
        (("ConfigMap", "shop", "kube-root-ca.crt"), True),
        (("Service", "default", "kubernetes"), True),
        (("Service", "shop", "kubernetes"), False),
        (("Role", "kube-system", "extension-apiserver-authentication-reader"), True),
        (("Role", "kube-system", "system::leader-locking-kube-controller-manager"), True),
        (("Role", "kube-system", "system:controller:token-cleaner"), True),
        (("Role", "kube-public", "system:controller:bootstrap-signer"), True),
        (("Role", "monitoring", "extension-apiserver-authentication-reader"), False),
    ],
)
def test_builtin_objects(key, present):
    assert producers.load().builtin(*key) is present


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{metadata.name}", "web"),
        (["{spec.target.name}", "{metadata.name}"], "web"),
        (["{spec.secretName}", "{metadata.name}"], "web-tls"),
        ("{spec.missing}", None),
        ("{metadata.name}-{spec.missing}", None),
        ("literal", "literal"),
    ],
)
def test_render(template, expected):
    obj = {"metadata": {"name": "web"}, "spec": {"secretName": "web-tls"}}
    assert producers.render(template, obj) == expected


def test_render_escapes_values_of_patterns():
    assert producers.render("{metadata.name}-*", {"metadata": {"name": "a[b"}}, pattern=True) == "a[[]b-*"


def test_made_objects():
    certificate = manifest(
        {
            "apiVersion": "cert-manager.io/v1",
            "kind": "Certificate",
            "metadata": {"name": "c"},
            "spec": {"secretName": "c-tls"},
        },
        "shop",
    )
    wrong_group = manifest(
        {
            "apiVersion": "example.com/v1",
            "kind": "Certificate",
            "metadata": {"name": "d"},
            "spec": {"secretName": "d-tls"},
        }
    )
    sts = manifest(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}, {"metadata": {"name": "wal"}}]},
        }
    )
    made = producers.made_objects(producers.load(), [certificate, wrong_group, sts])
    assert [(m.kind, m.namespace, m.name) for m in made] == [
        ("Secret", "shop", "c-tls"),
        ("PersistentVolumeClaim", "default", "data-db-*"),
        ("PersistentVolumeClaim", "default", "wal-db-*"),
    ]


def test_elastic_operator_services_and_user_secret():
    elasticsearch = manifest(
        {"apiVersion": "elasticsearch.k8s.elastic.co/v1", "kind": "Elasticsearch", "metadata": {"name": "logs"}},
        "search",
    )
    kibana = manifest({"apiVersion": "kibana.k8s.elastic.co/v1", "kind": "Kibana", "metadata": {"name": "ui"}})
    made = producers.made_objects(producers.load(), [elasticsearch, kibana])
    assert [(m.kind, m.namespace, m.name) for m in made] == [
        ("Service", "search", "logs-es-http"),
        ("Secret", "search", "logs-es-elastic-user"),
        ("Service", "default", "ui-kb-http"),
    ]


def test_made_pods_labels_and_ports():
    prometheus = manifest(
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "Prometheus",
            "metadata": {"name": "k8s"},
            "spec": {"podMetadata": {"labels": {"team": "sre", "prometheus": "overridden"}}, "portName": "http"},
        }
    )
    (pods,) = producers.made_pods(producers.load(), [prometheus])
    assert pods.labels["team"] == "sre"
    assert pods.labels["prometheus"] == "k8s"  # the operator's labels win
    assert pods.labels["app.kubernetes.io/managed-by"] == "prometheus-operator"
    assert pods.labels["operator.prometheus.io/name"] == "k8s"
    ports = {(p["name"], p["containerPort"]) for c in pods.containers for p in c["ports"]}
    assert ports == {("http", 9090), ("reloader-web", 8080)}  # no Thanos sidecar without spec.thanos


def test_project_producers_extend_the_catalogue(tmp_path):
    """`producers:` in the config: a custom operator's pods satisfy selectors; their ports are unknown."""
    extra = {
        "pods": [
            {
                "from": {"kind": "Cluster", "group": "postgresql.cnpg.io"},
                "labels": {"cnpg.io/cluster": "{metadata.name}"},
            }
        ],
        "objects": [
            {
                "from": {"kind": "Cluster", "group": "postgresql.cnpg.io"},
                "kind": "Secret",
                "name": "{metadata.name}-app",
            }
        ],
    }
    producers.validate(extra, "config")
    text = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
spec:
  instances: 3
---
apiVersion: v1
kind: Service
metadata:
  name: pg
spec:
  selector:
    cnpg.io/cluster: pg
  ports:
  - port: 5432
    targetPort: postgres
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: example/app:1.0
    envFrom:
    - secretRef:
        name: pg-app
"""
    rules = ["service-no-endpoints", "service-port-mismatch", "service-port-undeclared", "secret-missing"]
    assert lint_text(tmp_path, text, select=rules, producers=(extra,)).findings == []
    without = lint_text(tmp_path, text, select=rules)
    assert sorted(f.rule for f in without.findings) == ["secret-missing", "service-no-endpoints"]


def test_a_malformed_project_catalogue_is_refused():
    with pytest.raises(producers.ProducerError, match="objects.0"):
        producers.validate({"objects": [{"from": {"kind": "X"}, "kind": "Secret"}]}, "config")


def test_custom_resources_of_unknown_kinds_may_create_pods():
    catalogue = producers.load()
    known = [
        ("apps/v1", "Deployment"),
        ("monitoring.coreos.com/v1", "Prometheus"),
        ("monitoring.coreos.com/v1", "ServiceMonitor"),
        ("cert-manager.io/v1", "Certificate"),
        ("argoproj.io/v1alpha1", "Rollout"),
        ("snapshot.storage.k8s.io/v1", "VolumeSnapshot"),
        ("networking.istio.io/v1", "DestinationRule"),
    ]
    for api_version, kind in known:
        assert not catalogue.may_create_pods(manifest({"apiVersion": api_version, "kind": kind}))
    assert catalogue.may_create_pods(manifest({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster"}))


# ---------------------------------------------------------------------------
# In the graph

STATEFULSET = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "db"},
    "spec": {
        "ordinals": {"start": 3},
        "template": {
            "spec": {
                "containers": [{"name": "db"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            }
        },
        "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
    },
}
PROMETHEUS = {"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "k8s"}, "spec": {}}


def test_a_claim_template_volume_refers_to_the_claim_the_controller_makes():
    graph = build_graph([manifest(STATEFULSET)])
    (edge,) = graph.edges("claims")
    assert edge.target == ("PersistentVolumeClaim", "default", "data-db-3")
    assert graph.exists(*edge.target) and graph.made_by(*edge.target).producer.name == "db"
    assert list(graph.broken("claims")) == []


def test_operator_pods_satisfy_selectors_but_are_not_workloads_of_the_inputs():
    graph = build_graph([manifest(PROMETHEUS)])
    (pods,) = graph.select_map("default", {"prometheus": "k8s"})
    assert pods.origin == "operator" and pods.ports_known
    assert graph.workloads == [] and graph.workloads_in("default") == [pods]


def test_assumed_pods_in_the_graph():
    graph = build_graph([], assume_pods=[("shop", (("app", "web"),))])
    (pods,) = graph.select_labels("shop", {"matchLabels": {"app": "web"}})
    assert pods.origin == "assumed" and not pods.ports_known


def test_generated_names_hook():
    """Generators (kustomize, Helm) hand the graph what they create, names as patterns."""
    made = producers.MadeObject("ConfigMap", "default", "app-config-*", None)
    graph = build_graph([], generated=[made])
    assert graph.exists("ConfigMap", "default", "app-config-5f7h9k2m4b")
    assert not graph.exists("ConfigMap", "default", "other")


def test_why_stops_at_pods_an_operator_creates(tmp_path):
    path = tmp_path / "prometheus.yaml"
    path.write_text(
        """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
---
apiVersion: v1
kind: Service
metadata:
  name: prometheus
spec:
  selector:
    prometheus: k8s
  ports:
  - port: 9090
    targetPort: web
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["why", "prometheus:9090", str(path)], catch_exceptions=False)
    assert "pods the operator creates for Prometheus default/k8s" in result.output
    assert "internal error" not in result.output
