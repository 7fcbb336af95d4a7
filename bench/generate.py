"""Deterministic benchmark corpora: N apps, one file each, seven objects per app.

``--shape realistic`` (the default) looks like a real repository: five kinds of
app (web service, worker, database, batch job, node agent) using every common
kind (Deployment, StatefulSet, DaemonSet, CronJob, Job, Service, ConfigMap,
Secret, Ingress, HPA, PDB, ServiceAccount, Role, RoleBinding, NetworkPolicy),
spread over 12 namespaces, one app in 200 with a large ConfigMap (a dashboard of
~4,000 lines), and in about half the files (``--findings``) one of the mistakes
real repositories carry: a ``:latest`` tag, ``replicas`` next to an HPA, a probe
on a port no container declares, requests above limits, an unquoted number in a
ConfigMap, a key the ConfigMap does not have.

``--shape uniform`` is the earlier corpus: every app a Deployment + Service +
ConfigMap + Ingress + HPA + PDB + ServiceAccount, about 5% of apps with one
seeded fault of the kinds the seed notes describe (selector typo, missing
ConfigMap key, unquoted number, tag that does not exist, maxSurge 0 on one
replica, removed Ingress API).

    python bench/generate.py --apps 1000 --out bench/out/corpus-1000
    python bench/generate.py --apps 1000 --findings 1.0   # a finding in every file
    python bench/generate.py --apps 1000 --shape uniform
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

FAULTS = ("selector-typo", "missing-key", "unquoted-number", "bad-tag", "max-surge-zero", "old-ingress")
TEMPLATE = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
  labels:
    app: {name}
data:
  PORT: {port_value}
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
    team: {team}
spec:{replicas_line}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {max_surge}
      maxUnavailable: 25%
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
        team: {team}
    spec:
      serviceAccountName: {name}
      containers:
      - name: app
        image: registry.example.com/{team}/{name}:{tag}
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: PORT
          valueFrom:
            configMapKeyRef:
              name: {name}-config
              key: PORT
        - name: LOG_LEVEL
          valueFrom:
            configMapKeyRef:
              name: {name}-config
              key: {log_key}
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: 500m
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 5
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
          initialDelaySeconds: 10
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  selector:
    app: {selector}
  ports:
  - name: http
    port: 80
    targetPort: http
---
{ingress}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: {replicas}
  maxReplicas: {max_replicas}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: {name}
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
spec:
  ingressClassName: nginx
  rules:
  - host: {name}.{team}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port:
              number: 80"""
OLD_INGRESS = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
spec:
  rules:
  - host: {name}.{team}.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: {name}
          servicePort: 80"""


def app(index: int, rng: random.Random) -> tuple[str, str | None]:
    team = f"team{index % 37:02d}"
    name = f"app{index:05d}"
    values = dict(
        name=name,
        ns=f"ns{index % 50:02d}",
        team=team,
        replicas=rng.choice((2, 3, 3, 4, 6)),
        replicas_line="",  # the HorizontalPodAutoscaler owns the replica count
        max_replicas=10,
        max_surge="25%",
        tag=f"1.{rng.randint(0, 40)}.{rng.randint(0, 9)}",
        port_value='"8080"',
        log_key="LOG_LEVEL",
        selector=name,
    )
    fault = rng.choice(FAULTS) if rng.random() < 0.05 else None
    if fault == "selector-typo":
        values["selector"] = name[:-1]
    elif fault == "missing-key":
        values["log_key"] = "LOGLEVEL"
    elif fault == "unquoted-number":
        values["port_value"] = "8080"
    elif fault == "bad-tag":
        values["tag"] = "latest"
    elif fault == "max-surge-zero":
        values.update(replicas=1, max_surge=0, replicas_line="\n  replicas: 1")
    ingress = (OLD_INGRESS if fault == "old-ingress" else INGRESS).format(**values)
    return TEMPLATE.format(ingress=ingress, **values), fault


def generate(
    apps: int, out: Path, seed: int = 20261123, shape: str = "realistic", findings: float = 0.5
) -> dict[str, int]:
    """Write the corpus; returns how many apps got each fault (or mistake)."""
    if shape == "realistic":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from realistic import generate_realistic

        return generate_realistic(apps, out, seed, findings)
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    counts: dict[str, int] = {}
    for index in range(apps):
        text, fault = app(index, rng)
        directory = out / f"team{index % 37:02d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"app{index:05d}.yaml").write_text(text, encoding="utf-8")
        if fault:
            counts[fault] = counts.get(fault, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--shape", choices=("realistic", "uniform"), default="realistic")
    parser.add_argument(
        "--findings", type=float, default=0.5, help="realistic shape: share of files with a mistake (0 to 1)"
    )
    args = parser.parse_args()
    out = args.out or Path(__file__).parent / "out" / f"corpus-{args.apps}"
    counts = generate(args.apps, out, args.seed, args.shape, args.findings)
    print(f"{args.apps} apps ({args.apps * 7} documents) in {out}; faults: {counts}")


if __name__ == "__main__":
    main()
