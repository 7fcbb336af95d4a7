"""k8scheck and kubernetes-validate (strict, same Kubernetes version) agree on
which documents are invalid.

Intended differences, each pinned by a test below:
- enumerations the API server enforces but the published schemas only describe
  in prose (imagePullPolicy, Service type, ...): k8scheck rejects, kubernetes-validate accepts;
- null in an int-or-string or quantity field (Kubernetes reads null as "unset"):
  k8scheck accepts, kubernetes-validate rejects (null matches both oneOf branches);
- integers outside an int32/int64 field's range (the API server cannot decode
  them into the Go field): k8scheck rejects, kubernetes-validate accepts;
- APIs without a schema in the version: kubernetes-validate raises SchemaNotFoundError,
  k8scheck reports unknown-kind (info) or, for removed Kubernetes APIs, nothing.
"""

from __future__ import annotations

import copy
from pathlib import Path

import kubernetes_validate
import pytest
from ruamel.yaml import YAML
from support import custom_resource_definition

from k8scheck.schema import SchemaValidator, newest_version

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ["1.25", "1.30", newest_version()]

POD_SPEC = {
    "serviceAccountName": "web",
    "securityContext": {"runAsNonRoot": True, "fsGroup": 2000},
    "containers": [
        {
            "name": "web",
            "image": "registry.example.com/web:1.4.2",
            "args": ["--port", "8080"],
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "env": [
                {"name": "MODE", "value": "prod"},
                {"name": "HOST", "valueFrom": {"configMapKeyRef": {"name": "web", "key": "HOST"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            ],
            "envFrom": [{"secretRef": {"name": "web", "optional": True}}],
            "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": 1, "memory": "128Mi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
            "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10},
            "volumeMounts": [{"name": "config", "mountPath": "/etc/web", "readOnly": True}],
        }
    ],
    "volumes": [
        {"name": "config", "configMap": {"name": "web", "defaultMode": 420, "items": [{"key": "a", "path": "a"}]}}
    ],
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
}
VALID = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {"metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}}, "spec": POD_SPEC},
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": POD_SPEC},
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            ],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080}],
        },
    },
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"HOST": "db", "PORT": "5432"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web"}, "type": "Opaque", "stringData": {"pw": "x"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}, "automountServiceAccountToken": False},
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}],
            "rules": [
                {
                    "host": "web.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    },
    {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    },
    {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
    },
    {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report"},
        "spec": {
            "schedule": "0 3 * * *",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {
                "spec": {"backoffLimit": 2, "template": {"spec": dict(POD_SPEC, restartPolicy="OnFailure")}}
            },
        },
    },
    {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "read"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}],
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "deny"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 8080}]}],
        },
    },
]

# (document index, path, value): each makes one invalid document.
MUTATIONS = [
    (0, ("spec", "replicas"), "3"),
    (0, ("spec", "replicas"), 2.5),
    (0, ("spec", "replicas"), 3.0),  # integral float: valid for both
    (0, ("spec", "paused"), "true"),
    (0, ("spec", "template", "spec", "contianers"), []),
    (0, ("spec", "template", "spec", "containers", 0, "env", 0, "value"), 8080),
    (0, ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"), "8080"),
    (0, ("spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"), [1]),
    (0, ("spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "port"), {"n": 1}),
    (0, ("spec", "template", "spec", "containers", 0, "volumeMounts", 0, "mountpath"), "/x"),
    (0, ("spec", "template", "spec", "volumes", 0, "configMap", "items", 0, "key"), None),
    (0, ("spec", "strategy", "rollingUpdate", "maxSurge"), True),
    (0, ("spec", "selector"), ["app=web"]),
    (0, ("metadata", "labels", "app"), 1),
    (0, ("metadata", "label"), {}),
    (0, ("spec",), None),
    (1, ("spec", "volumeClaimTemplates", 0, "spec", "accessModes"), "ReadWriteOnce"),
    (2, ("spec", "ports", 0, "port"), "80"),
    (2, ("spec", "ports", 0, "targetPort"), 8080.0),
    (2, ("spec", "ports"), {"port": 80}),
    (2, ("spec", "selector", "app"), True),
    (3, ("data", "PORT"), 5432),
    (3, ("data",), ["a"]),
    (4, ("stringData", "pw"), 1),
    (5, ("automountServiceAccountToken",), "no"),
    (5, ("secrets",), [{"name": "x", "nam": "y"}]),
    (6, ("spec", "rules", 0, "http", "paths", 0, "backend", "serviceName"), "web"),
    (6, ("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port", "number"), "http"),
    (7, ("spec", "maxReplicas"), None),
    (7, ("spec", "metrics", 0, "resource", "targetAverageUtilization"), 70),
    (8, ("spec", "minAvailable"), [1]),
    (8, ("spec", "maxUnavailable"), "1"),
    (9, ("spec", "jobTemplate", "spec", "template", "spec", "containers"), None),
    (10, ("rules", 0, "verbs"), "get"),
    (11, ("spec", "ingress", 0, "ports", 0, "port"), "http"),
    (11, ("spec", "podSelector", "matchLabel"), {}),
]


def mutated(index, path, value):
    obj = copy.deepcopy(VALID[index])
    node = obj
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return obj


def fixture_documents():
    docs = []
    for path in sorted((ROOT / "fixtures").glob("schema-*/*.yaml")):
        if path.read_text().startswith("# rules: all\n"):
            continue  # whole-pipeline fixtures (k8scheck.merge), some without apiVersion
        loaded = [d for d in YAML(typ="safe").load_all(path.read_text()) if isinstance(d, dict)]
        if any(d.get("kind") == "CustomResourceDefinition" for d in loaded):
            continue  # kubernetes-validate knows no CRDs
        if path.parent.name == "schema-enum":
            continue  # intended difference, tested below
        docs += loaded
    return docs


CORPUS = VALID + [mutated(*m) for m in MUTATIONS] + fixture_documents()


def reference_says_invalid(obj, version) -> bool:
    try:
        kubernetes_validate.validate(copy.deepcopy(obj), version, strict=True)
    except kubernetes_validate.ValidationError:
        return True
    return False


@pytest.mark.parametrize("version", VERSIONS)
def test_agreement_on_which_documents_are_invalid(version):
    validator = SchemaValidator(version)
    disagreements = []
    invalid_count = 0
    for obj in CORPUS:
        ours = bool(validator.validate(obj))
        theirs = reference_says_invalid(obj, version)
        invalid_count += theirs
        if ours != theirs:
            disagreements.append((ours, theirs, obj))
    assert disagreements == []
    assert invalid_count >= len(MUTATIONS) - 2  # the corpus really holds invalid documents


def test_intended_difference_enums_the_api_server_enforces():
    validator = SchemaValidator(newest_version())
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "a"},
        "spec": {"containers": [{"name": "a", "image": "a", "imagePullPolicy": "Sometimes"}]},
    }
    assert [p.rule for p in validator.validate(pod)] == ["schema-enum"]
    assert not reference_says_invalid(pod, newest_version())


def test_intended_difference_null_int_or_string():
    validator = SchemaValidator(newest_version())
    service = mutated(2, ("spec", "ports", 0, "targetPort"), None)
    assert validator.validate(service) == []
    assert reference_says_invalid(service, newest_version())


def test_intended_difference_integer_out_of_int32_range():
    validator = SchemaValidator(newest_version())
    deployment = mutated(0, ("spec", "replicas"), 2**31)
    assert [p.rule for p in validator.validate(deployment)] == ["schema-type"]
    assert not reference_says_invalid(deployment, newest_version())


def test_agreement_on_the_bench_corpus(tmp_path):
    """The benchmark's corpus (with its seeded faults): the same verdict per document.

    The removed extensions/v1beta1 Ingress has no schema in the target version:
    kubernetes-validate refuses it (SchemaNotFoundError), k8scheck leaves it to
    api-removed; both set such documents apart, so they are compared separately.
    """
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    generate(40, tmp_path, shape="uniform")
    version = newest_version()
    validator = SchemaValidator(version)
    compared = without_schema = 0
    for path in sorted(tmp_path.rglob("*.yaml")):
        for obj in YAML(typ="safe").load_all(path.read_text()):
            try:
                theirs = reference_says_invalid(obj, version)
            except kubernetes_validate.SchemaNotFoundError:
                without_schema += 1
                assert not validator.has_schema(obj["apiVersion"], obj["kind"])
                continue
            assert bool(validator.validate(obj)) == theirs, obj
            compared += 1
    assert compared >= 270


@pytest.mark.parametrize("version", VERSIONS)
def test_faults_worded_without_jsonschema_are_worded_as_jsonschema_words_them(version, monkeypatch):
    """schema.fastcheck.Explainer words common faults itself: the same problems, in the same order."""
    ours, reference = SchemaValidator(version), SchemaValidator(version)
    monkeypatch.setattr(reference._explainer, "errors", lambda *args, **kwargs: None)
    explained = []
    real = ours._explainer.errors

    def counting(*args, **kwargs):
        errors = real(*args, **kwargs)
        explained.append(errors is not None)
        return errors

    monkeypatch.setattr(ours._explainer, "errors", counting)
    for obj in CORPUS:
        assert ours.validate(obj) == reference.validate(obj), obj
    assert sum(explained) >= 20  # the corpus's faults are worded without jsonschema


CRD = custom_resource_definition(
    "Widget",
    "widgets",
    {
        "type": "object",
        "properties": {
            "size": {"type": "integer", "minimum": 1},
            "colour": {"type": "string", "pattern": "^[a-z]+$"},
            "mode": {"type": "string", "enum": ["fast", "safe"]},
            "pairs": {"type": "integer", "multipleOf": 2},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
    },
)


@pytest.mark.parametrize(
    "spec, explained",
    [
        ({"size": "3"}, True),
        ({"mode": "quick"}, True),
        ({"size": 0}, True),
        ({"colour": "Red", "mode": 1}, True),
        ({"pairs": 3}, False),  # multipleOf: jsonschema words it
        ({"either": [1], "size": 0}, False),  # anyOf
        ({"pairs": "3"}, False),  # a node with multipleOf, even for a wrong type
    ],
)
def test_faults_under_other_keywords_go_to_jsonschema(spec, explained, monkeypatch):
    ours, reference = SchemaValidator(newest_version(), crds=[CRD]), SchemaValidator(newest_version(), crds=[CRD])
    monkeypatch.setattr(reference._explainer, "errors", lambda *args, **kwargs: None)
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}
    assert (ours._explainer.errors(ours._entry("example.com/v1", "Widget")[1], widget) is not None) is explained
    assert ours.validate(widget) == reference.validate(widget) != []
