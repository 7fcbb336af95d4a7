"""Severity that means something: a missing object may live in the cluster (a warning); a near miss
in the inputs makes a typo likelier (an error). A severity the user sets for a rule still wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import lint_paths, lint_text

from k8scheck.catalogue import load_catalogue
from k8scheck.context import Options
from k8scheck.engine import Settings, lint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

MISSING_REFERENCE_RULES = [
    "configmap-missing",
    "secret-missing",
    "serviceaccount-missing",
    "pvc-missing",
    "hpa-target-missing",
    "ingress-backend-missing",
    "ingress-tls-secret-missing",
    "rolebinding-role-missing",
]
NEAR_MISS = ("Did you mean", "exists: set roleRef.kind")


@pytest.mark.parametrize("slug", MISSING_REFERENCE_RULES)
def test_missing_reference_rules_are_warnings_in_the_catalogue(slug):
    assert load_catalogue()[slug].severity == "warning"


CASES = [(slug, path) for slug in MISSING_REFERENCE_RULES for path in sorted((FIXTURES / slug).glob("fires-*.yaml"))]


@pytest.mark.parametrize("slug,path", CASES, ids=[f"{s}/{p.name}" for s, p in CASES])
def test_error_exactly_when_a_near_miss_exists(slug, path):
    findings = [f for f in lint_paths([path], select=[slug]).findings if f.rule == slug]
    assert findings
    for finding in findings:
        near = any(text in finding.message for text in NEAR_MISS)
        assert finding.severity == ("error" if near else "warning"), finding.message


def test_every_rule_has_a_near_miss_fixture():
    for slug in MISSING_REFERENCE_RULES:
        assert list((FIXTURES / slug).glob("fires-*near-miss.yaml")), slug


def test_the_users_severity_wins_over_escalation():
    path = FIXTURES / "hpa-target-missing" / "fires-hpa-target-near-miss.yaml"
    settings = Settings(options=Options(), select=("hpa-target-missing",), severity={"hpa-target-missing": "info"})
    report = lint([str(path)], settings=settings)
    assert [f.severity for f in report.findings] == ["info"]


SERVICE_AND_CUSTOM_RESOURCE = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
spec:
  instances: 3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: example/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: pg-rw
spec:
  selector:
    cnpg.io/cluster: pg
  ports:
  - port: 5432
"""


def test_unknown_custom_resource_makes_an_unmatched_selector_a_warning(tmp_path):
    (finding,) = lint_text(tmp_path, SERVICE_AND_CUSTOM_RESOURCE, select=["service-no-endpoints"]).findings
    assert finding.severity == "warning"
    assert (
        "A custom controller may create those pods: namespace default holds Cluster pg (postgresql.cnpg.io)"
        in finding.message
    )


def test_a_near_miss_stays_an_error_next_to_unknown_custom_resources(tmp_path):
    text = SERVICE_AND_CUSTOM_RESOURCE.replace("cnpg.io/cluster: pg", "app: webb")
    (finding,) = lint_text(tmp_path, text, select=["service-no-endpoints"]).findings
    assert finding.severity == "error"
    assert "Did you mean app=web" in finding.message
    assert "custom controller" not in finding.message


def test_a_farther_near_miss_next_to_unknown_custom_resources_is_a_warning_naming_both(tmp_path):
    # Rook's dashboard Service selects the manager pods its CephCluster controller makes; the label of
    # other pods two edits away is no likelier a typo than those pods are the controller's.
    text = SERVICE_AND_CUSTOM_RESOURCE.replace("app: web", "app: storage-mon")
    text = text.replace("cnpg.io/cluster: pg", "app: storage-mgr")
    (finding,) = lint_text(tmp_path, text, select=["service-no-endpoints"]).findings
    assert finding.severity == "warning"
    assert "Did you mean app=storage-mon" in finding.message and "custom controller" in finding.message


def test_known_custom_kinds_do_not_soften(tmp_path):
    text = SERVICE_AND_CUSTOM_RESOURCE.replace(
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor"
    )
    (finding,) = lint_text(tmp_path, text, select=["service-no-endpoints"]).findings
    assert finding.severity == "error"


@pytest.mark.parametrize("slug", ["pdb-no-match", "networkpolicy-no-match"])
def test_pdb_and_networkpolicy_say_the_same(tmp_path, slug):
    text = (
        SERVICE_AND_CUSTOM_RESOURCE
        + """\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pg
spec:
  minAvailable: 1
  selector:
    matchLabels:
      cnpg.io/cluster: pg
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: pg
spec:
  podSelector:
    matchLabels:
      cnpg.io/cluster: pg
"""
    )
    (finding,) = lint_text(tmp_path, text, select=[slug]).findings
    assert finding.severity == "warning"
    assert "A custom controller may create those pods" in finding.message


LEADER = FIXTURES / "service-no-endpoints" / "fires-label-the-pods-add-at-run-time.yaml"


def test_a_selector_key_no_template_sets_beside_labels_that_select_a_workload_is_a_warning():
    # minio-operator's Service selects name=minio-operator,operator=leader: the elected pod adds the label itself.
    (finding,) = lint_paths([LEADER], select=["service-no-endpoints"]).findings
    assert finding.severity == "warning"
    assert (
        "Its other labels select the pods of Deployment tenant-operator (" in finding.message
        and "no pod template sets role at all" in finding.message
    )
    assert [r.message for r in finding.related] == ["Deployment tenant-operator labels its pods app=tenant-operator"]


@pytest.mark.parametrize(
    "selector",
    [
        pytest.param("app: tenant-operator\n    rol: leader", id="key one edit from a template's"),
        pytest.param("ap: tenant-operator\n    role: leader", id="the other labels select nothing"),
        pytest.param("role: leader", id="no other label"),
    ],
)
def test_an_unset_key_stays_an_error_when_a_typo_is_as_likely(tmp_path, selector):
    text = LEADER.read_text().replace("app: tenant-operator\n    role: leader", selector)
    if "rol: leader" in selector:  # the template sets role=leader: rol is a typo of it
        pods = "labels:\n        app: tenant-operator"
        text = text.replace(pods, pods + "\n        role: leader")
    (finding,) = lint_text(tmp_path, text, select=["service-no-endpoints"]).findings
    assert finding.severity == "error", finding.message


def test_an_unset_key_some_template_in_another_namespace_sets_stays_an_error(tmp_path):
    # opentelemetry-operator's OpenShift overlay: the webhook Service selects component=webhook, whose Deployment
    # landed in another namespace; the other label selects the manager's pods beside the Service.
    text = LEADER.read_text() + (
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: leader\n  namespace: elsewhere\n  labels:\n"
        "    role: leader\nspec:\n  containers:\n  - name: c\n    image: example/c:1.0.0\n"
    )
    (finding,) = lint_text(tmp_path, text, select=["service-no-endpoints"]).findings
    assert finding.severity == "error", finding.message
