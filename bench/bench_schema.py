"""Documents per second of k8scheck's schema stage, valid and invalid objects,
next to kubernetes-validate --strict (its Python API) on the same objects.

    python bench/bench_schema.py [--kube-version 1.30] [--seconds 2]

Single process, single thread: the numbers are per core.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kubernetes_validate  # noqa: E402

from k8scheck.schema import (
    SchemaValidator,  # noqa: E402
    bundle,  # noqa: E402
)

LABELS = {"app.kubernetes.io/name": "shop", "app.kubernetes.io/component": "web"}
TYPICAL = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": LABELS},
        "spec": {
            "replicas": 3,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": LABELS},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": LABELS, "annotations": {"prometheus.io/scrape": "true"}},
                "spec": {
                    "serviceAccountName": "web",
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
                    "containers": [
                        {
                            "name": "web",
                            "image": "registry.example.com/shop/web:2.3.1",
                            "imagePullPolicy": "IfNotPresent",
                            "ports": [{"name": "http", "containerPort": 8080}],
                            "env": [
                                {"name": "LOG_LEVEL", "value": "info"},
                                {
                                    "name": "DB_HOST",
                                    "valueFrom": {"configMapKeyRef": {"name": "web", "key": "DB_HOST"}},
                                },
                                {
                                    "name": "DB_PASSWORD",
                                    "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
                                },
                            ],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"memory": "256Mi"},
                            },
                            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
                            "livenessProbe": {"httpGet": {"path": "/live", "port": "http"}, "initialDelaySeconds": 10},
                            "volumeMounts": [{"name": "config", "mountPath": "/etc/web"}],
                        }
                    ],
                    "volumes": [{"name": "config", "configMap": {"name": "web"}}],
                },
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop", "labels": LABELS},
        "spec": {
            "type": "ClusterIP",
            "selector": LABELS,
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web", "namespace": "shop"},
        "data": {"DB_HOST": "db.shop.svc", "FEATURES": "a,b,c", "config.yaml": "key: value\n"},
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
            "rules": [
                {
                    "host": "shop.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"name": "http"}}},
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
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 3,
            "maxReplicas": 12,
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
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": LABELS}},
    },
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "shop"}},
]


def invalid_variants():
    """One realistic mistake per typical object."""
    out = []
    for obj in TYPICAL:
        bad = copy.deepcopy(obj)
        kind = bad["kind"]
        if kind == "Deployment":
            bad["spec"]["replicas"] = "3"
            bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Sometimes"
        elif kind == "Service":
            bad["spec"]["ports"][0]["prot"] = 80
        elif kind == "ConfigMap":
            bad["data"]["PORT"] = 8080
        elif kind == "Ingress":
            bad["spec"]["rules"][0]["http"]["paths"][0]["backend"] = {"serviceName": "web", "servicePort": 80}
        elif kind == "HorizontalPodAutoscaler":
            bad["spec"]["targetCPUUtilizationPercentage"] = 70
        elif kind == "PodDisruptionBudget":
            bad["spec"]["minAvailable"] = [2]
        else:
            bad["automountServiceAccountToken"] = "no"
        out.append(bad)
    return out


def rate(function, documents, seconds: float) -> float:
    """Documents per second of ``function`` over ``documents``, repeated for ``seconds``."""
    done = 0
    start = time.perf_counter()
    while True:
        for doc in documents:
            function(doc)
        done += len(documents)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kube-version", default=bundle.newest_version())
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    start = time.perf_counter()
    validator = SchemaValidator(args.kube_version)
    for doc in TYPICAL:
        validator.validate(doc)
    startup = time.perf_counter() - start
    invalid = invalid_variants()
    assert all(validator.validate(d) == [] for d in TYPICAL), "typical objects must be valid"
    assert all(validator.validate(d) for d in invalid), "every variant must be invalid"

    def reference(doc):
        try:
            kubernetes_validate.validate(doc, args.kube_version, strict=True)
        except kubernetes_validate.ValidationError:
            pass

    print(f"Kubernetes {validator.kube_version}; {len(TYPICAL)} kinds: {', '.join(d['kind'] for d in TYPICAL)}")
    print(f"k8scheck startup (load + compile these kinds): {startup * 1000:.0f} ms")
    rows = [
        ("k8scheck, valid", rate(validator.validate, TYPICAL, args.seconds)),
        ("k8scheck, invalid", rate(validator.validate, invalid, args.seconds)),
        ("kubernetes-validate --strict, valid", rate(reference, TYPICAL, args.seconds)),
        ("kubernetes-validate --strict, invalid", rate(reference, invalid, args.seconds)),
    ]
    for label, value in rows:
        print(f"{label:40s} {value:10.0f} documents/s")


if __name__ == "__main__":
    main()
