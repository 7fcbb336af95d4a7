"""The realistic benchmark corpus (see generate.py): what real repositories look like.

Each app is one file of seven objects, one of five shapes; about ``findings`` of
the files carry one common mistake. Deterministic for a seed.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

NAMESPACES = (
    "shop",
    "payments",
    "search",
    "identity",
    "data",
    "platform",
    "monitoring",
    "ingress",
    "batch",
    "ml",
    "edge",
    "internal",
)

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}, team: {team}}}
"""
CONFIGMAP = """\
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
{extra_data}"""
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: {name}-credentials
  namespace: {ns}
type: Opaque
stringData:
  username: {name}
  password: not-a-real-password
"""
CONTAINER = """\
      - name: {name}
        image: registry.example.com/{team}/{name}:{tag}
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-level=$(LOG_LEVEL)"]
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
{secret_env}        resources:
          requests:
            cpu: {cpu_request}
            memory: 128Mi
          limits:
            cpu: 500m
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: {probe_port}
          periodSeconds: 5
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
          initialDelaySeconds: 10
"""
POD_SPEC = """\
    metadata:
      labels:
        app: {name}
        team: {team}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
{container}"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
    team: {team}
spec:{replicas_line}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
  selector:
    matchLabels:
      app: {name}
  template:
{pod}"""
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}, team: {team}}}
spec:
  serviceName: {name}
  replicas: 3
  selector:
    matchLabels:
      app: {name}
  template:
{pod}  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 10Gi
"""
DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}, team: {team}}}
spec:
  updateStrategy:
    type: RollingUpdate
  selector:
    matchLabels:
      app: {name}
  template:
{pod}"""
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
  namespace: {ns}
spec:
  schedule: "*/15 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        metadata:
          labels:
            app: {name}
        spec:
          serviceAccountName: {name}
          restartPolicy: OnFailure
          containers:
          - name: {name}
            image: registry.example.com/{team}/{name}:{tag}
            args: [--once]
            envFrom:
            - configMapRef:
                name: {name}-config
            resources:
              requests: {{cpu: {cpu_request}, memory: 64Mi}}
              limits: {{cpu: 500m, memory: 128Mi}}
"""
JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}-migrate
  namespace: {ns}
spec:
  backoffLimit: 1
  template:
    metadata:
      labels:
        job: {name}-migrate
    spec:
      serviceAccountName: {name}
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.example.com/{team}/{name}:{tag}
        args: [migrate, --to=latest]
        envFrom:
        - secretRef:
            name: {name}-credentials
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:{headless}
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
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
              number: 80
"""
HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {hpa_kind}
    name: {name}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
"""
PDB = """\
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
ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {name}
  namespace: {ns}
rules:
- apiGroups: [""]
  resources: [configmaps, secrets]
  verbs: [get, list, watch]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
"""
ROLEBINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {name}
  namespace: {ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {name}
subjects:
- kind: ServiceAccount
  name: {name}
  namespace: {ns}
"""
NETWORKPOLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app: {name}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {ns}
    ports:
    - port: 8080
      protocol: TCP
  egress:
  - {{}}
"""

# Seven objects per app, one shape per kind of app.
SHAPES = {
    "web": (SERVICE_ACCOUNT, CONFIGMAP, DEPLOYMENT, SERVICE, INGRESS, HPA, PDB),
    "worker": (SERVICE_ACCOUNT, CONFIGMAP, SECRET, DEPLOYMENT, ROLE, ROLEBINDING, NETWORKPOLICY),
    "database": (SERVICE_ACCOUNT, CONFIGMAP, SECRET, SERVICE, STATEFULSET, PDB, NETWORKPOLICY),
    "batch": (SERVICE_ACCOUNT, CONFIGMAP, SECRET, CRONJOB, JOB, ROLE, ROLEBINDING),
    "agent": (SERVICE_ACCOUNT, CONFIGMAP, SECRET, DAEMONSET, ROLE, ROLEBINDING, NETWORKPOLICY),
}
WEIGHTS = {"web": 4, "worker": 2, "database": 1, "batch": 2, "agent": 1}
# The mistakes real repositories carry, one per file that has one (and the shapes they fit).
MISTAKES = {
    "latest-tag": tuple(SHAPES),
    "replicas-with-hpa": ("web",),
    "probe-port-missing": ("web", "worker", "database", "agent"),
    "requests-exceed-limits": tuple(SHAPES),
    "unquoted-number": tuple(SHAPES),
    "missing-key": ("web", "worker", "database", "agent"),
}


def dashboard(lines: int) -> str:
    rows = "".join(
        f'      {{"id": {i}, "title": "panel {i}", "expr": "rate(http_requests_total{{job=\\\\"x\\\\"}}[5m])"}},\n'
        for i in range(lines)
    )
    return '  dashboard.json: |\n    {\n      "panels": [\n' + rows + "      {}]\n    }\n"


def app(index: int, rng: random.Random, findings: float) -> tuple[str, str | None]:
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    team = f"team{index % 23:02d}"
    name = f"{kind}{index:05d}"
    values = dict(
        name=name,
        ns=NAMESPACES[index % len(NAMESPACES)],
        team=team,
        tag=f"1.{rng.randint(0, 40)}.{rng.randint(0, 9)}",
        port_value='"8080"',
        log_key="LOG_LEVEL",
        probe_port="http",
        cpu_request="100m",
        replicas_line="" if kind == "web" else "\n  replicas: 2",
        headless="\n  clusterIP: None" if kind == "database" else "",
        hpa_kind="Deployment",
        extra_data=dashboard(4000) if index % 200 == 199 else "",
    )
    mistake = None
    if rng.random() < findings:
        mistake = rng.choice([m for m, shapes in MISTAKES.items() if kind in shapes])
    if mistake == "latest-tag":
        values["tag"] = "latest"
    elif mistake == "replicas-with-hpa":
        values["replicas_line"] = "\n  replicas: 3"
    elif mistake == "probe-port-missing":
        values["probe_port"] = "metrics"
    elif mistake == "requests-exceed-limits":
        values["cpu_request"] = "2"
    elif mistake == "unquoted-number":
        values["port_value"] = "8080"
    elif mistake == "missing-key":
        values["log_key"] = "LOGLEVEL"
    values["secret_env"] = (
        f"        envFrom:\n        - secretRef:\n            name: {name}-credentials\n"
        if SECRET in SHAPES[kind]
        else ""
    )
    values["container"] = CONTAINER.format(**values)
    values["pod"] = POD_SPEC.format(**values)
    text = "---\n".join(template.format(**values) for template in SHAPES[kind])
    return text, mistake


def generate_realistic(apps: int, out: Path, seed: int = 20261123, findings: float = 0.5) -> dict[str, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    counts: dict[str, int] = {}
    for index in range(apps):
        text, mistake = app(index, rng, findings)
        directory = out / NAMESPACES[index % len(NAMESPACES)] / f"team{index % 23:02d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"app{index:05d}.yaml").write_text(text, encoding="utf-8")
        counts[mistake or "none"] = counts.get(mistake or "none", 0) + 1
    return counts
