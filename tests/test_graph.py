"""The object graph: relations, namespaces, placeholders, selector index, FindPort, and the graph command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8scheck.catalogue import load_catalogue
from k8scheck.checks import check_of, refs
from k8scheck.cli import main
from k8scheck.context import Context, Options
from k8scheck.engine import active_rules, lint, run_rules
from k8scheck.graph import PortFit, build_graph, edit_distance, find_port, nearest_word, service_target
from k8scheck.kinds import pod_template
from k8scheck.loader import load
from k8scheck.model import Manifest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

STACK = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      serviceAccountName: web
      containers:
      - name: web
        image: nginx:1.25.3
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - secretRef:
            name: web-env
        env:
        - name: HOST
          valueFrom:
            configMapKeyRef:
              name: web-config
              key: HOST
      volumes:
      - name: config
        configMap:
          name: web-config
          items:
          - key: app.yaml
            path: app.yaml
      - name: data
        persistentVolumeClaim:
          claimName: web-data
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: other
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  HOST: example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  tls:
  - secretName: web-tls
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  maxReplicas: 4
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      tier: front
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: all
  namespace: shop
spec:
  podSelector: {}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web
  namespace: shop
subjects:
- kind: ServiceAccount
  name: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
"""


@pytest.fixture()
def stack(tmp_path):
    path = tmp_path / "stack.yaml"
    path.write_text(STACK, encoding="utf-8")
    return path


def graph_of(path, **options):
    ctx = Context(load([str(path)]), Options(**options))
    return ctx.graph


def edge_set(graph):
    return {(e.relation, e.source, e.target, e.key) for e in graph.edges()}


def test_every_relation_is_drawn_with_its_field_path(stack):
    graph = graph_of(stack)
    deploy = ("Deployment", "shop", "web")
    service = ("Service", "shop", "web")
    edges = edge_set(graph)
    expected = {
        ("reads", deploy, ("Secret", "shop", "web-env"), None),
        ("reads-key", deploy, ("ConfigMap", "shop", "web-config"), "HOST"),
        ("reads-key", deploy, ("ConfigMap", "shop", "web-config"), "app.yaml"),
        ("mounts", deploy, ("ConfigMap", "shop", "web-config"), None),
        ("claims", deploy, ("PersistentVolumeClaim", "shop", "web-data"), None),
        ("uses-account", deploy, ("ServiceAccount", "shop", "web"), None),
        ("selects", service, deploy, None),
        ("exposes-port", service, deploy, None),
        ("routes-to", ("Ingress", "shop", "web"), service, None),
        ("mounts", ("Ingress", "shop", "web"), ("Secret", "shop", "web-tls"), None),
        ("scales", ("HorizontalPodAutoscaler", "shop", "web"), deploy, None),
        ("selects", ("PodDisruptionBudget", "shop", "web"), deploy, None),
        ("budgets", ("PodDisruptionBudget", "shop", "web"), deploy, None),
        ("selects", ("NetworkPolicy", "shop", "all"), deploy, None),
        ("binds", ("RoleBinding", "shop", "web"), ("ClusterRole", None, "view"), None),
        ("allows", ("RoleBinding", "shop", "web"), ("ServiceAccount", "shop", "web"), None),
    }
    assert expected <= edges, expected - edges
    env_edge = next(e for e in graph.edges("reads-key") if e.key == "HOST")
    assert env_edge.path == (
        "spec",
        "template",
        "spec",
        "containers",
        0,
        "env",
        0,
        "valueFrom",
        "configMapKeyRef",
        "name",
    )
    assert env_edge.key_path[-1] == "key"
    assert env_edge.container == "web" and env_edge.via == "env"
    route = next(graph.edges("routes-to"))
    assert route.port == 80 and route.port_path[-1] == "number"


def test_selectors_never_cross_namespaces(stack):
    graph = graph_of(stack)
    assert graph.out_edges(("Service", "other", "web"), "selects") == []
    assert [e.target for e in graph.out_edges(("Service", "shop", "web"), "selects")] == [("Deployment", "shop", "web")]


def test_missing_targets_are_placeholder_nodes(stack):
    graph = graph_of(stack)
    nodes = graph.nodes()
    assert ("Secret", "shop", "web-tls") in nodes
    assert graph.is_missing(("Secret", "shop", "web-tls"))
    assert not graph.is_missing(("ConfigMap", "shop", "web-config"))
    assert graph.nx.nodes[("Secret", "shop", "web-tls")]["missing"] is True
    assert graph.nx.nodes[("Deployment", "shop", "web")]["missing"] is False
    broken = {e.target for e in graph.broken()}
    assert broken == {
        ("Secret", "shop", "web-env"),
        ("Secret", "shop", "web-tls"),
        ("PersistentVolumeClaim", "shop", "web-data"),
        ("ServiceAccount", "shop", "web"),
    }


def test_objects_every_cluster_has_and_assume_exists(stack):
    graph = graph_of(stack, assume_exists=("Secret/shop/web-*", "PersistentVolumeClaim/*/web-data"))
    assert graph.exists("ServiceAccount", "anywhere", "default")
    assert graph.exists("ConfigMap", "anywhere", "kube-root-ca.crt")
    assert graph.exists("ClusterRole", None, "system:auth-delegator")
    assert not graph.exists("ClusterRole", None, "my-role")
    assert {e.target for e in graph.broken()} == {("ServiceAccount", "shop", "web")}


def test_assume_exists_silences_missing_object_rules(tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x:1\n"
        "    envFrom:\n    - configMapRef:\n        name: cm\n",
        encoding="utf-8",
    )
    assert len(lint([str(path)], select=["configmap-missing"]).findings) == 1
    quiet = lint([str(path)], select=["configmap-missing"], options=Options(assume_exists=("ConfigMap/default/*",)))
    assert quiet.findings == []


def test_label_index_and_label_selectors(stack):
    graph = graph_of(stack)
    assert [w.key for w in graph.select_map("shop", {"app": "web", "tier": "front"})] == [("Deployment", "shop", "web")]
    assert graph.select_map("shop", {"app": "web", "tier": "back"}) == []
    assert graph.select_map("shop", {}) == []
    expression = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}
    assert len(graph.select_labels("shop", expression)) == 1
    assert graph.select_labels("shop", {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}) == []
    assert len(graph.select_labels("shop", {})) == 1
    assert graph.select_labels("shop", {}, empty_selects_all=False) == []
    assert graph.select_labels("shop", {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}) is None


def test_nearest_label_prefers_same_key_typos(stack):
    graph = graph_of(stack)
    k, v, w = graph.nearest_label("shop", "app", "wep")
    assert (k, v, w.key) == ("app", "web", ("Deployment", "shop", "web"))
    assert graph.nearest_label("shop", "app", "database") is None
    assert edit_distance("hello-serve", "hello-server") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert nearest_word("HOST", ["PORT"]) is None
    assert nearest_word("pasword", ["password", "username"]) == "password"


def _template(spec):
    return pod_template({"kind": "Pod", "metadata": {"labels": {}}, "spec": spec})


@pytest.mark.parametrize(
    "containers,init,target,protocol,found",
    [
        ([{"name": "a", "ports": [{"name": "http", "containerPort": 80}]}], [], "http", "TCP", True),
        ([{"name": "a", "ports": [{"name": "http", "containerPort": 80}]}], [], "http", "UDP", None),
        ([{"name": "a", "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"}]}], [], "dns", "UDP", True),
        ([{"name": "a", "ports": [{"containerPort": 80}]}], [], 80, "TCP", True),
        ([{"name": "a", "ports": [{"containerPort": 80}]}], [], 81, "TCP", "undeclared"),
        (
            [{"name": "a"}],
            [{"name": "s", "restartPolicy": "Always", "ports": [{"name": "proxy", "containerPort": 15001}]}],
            "proxy",
            "TCP",
            True,
        ),
        ([{"name": "a"}], [{"name": "i", "ports": [{"name": "proxy", "containerPort": 15001}]}], "proxy", "TCP", None),
        ([{"name": "a", "ports": "nonsense"}, "nonsense"], "nonsense", "http", "TCP", None),
    ],
)
def test_find_port_follows_findport(containers, init, target, protocol, found):
    result = find_port(_template({"containers": containers, "initContainers": init}), target, protocol)
    if found is True:
        assert result.fit is PortFit.DECLARED and result.path[-2] == "ports"
    else:
        assert result.fit is {None: PortFit.ABSENT, "undeclared": PortFit.UNDECLARED}[found]


_DECLARED_9443 = {"name": "webhook-server", "containerPort": 9443}


@pytest.mark.parametrize(
    "container,init,target,path",
    [
        # the number written where the app is told to listen: the kubebuilder layout, flags, env
        ({"args": ["--metrics-bind-address=:8443"]}, [], 8443, ("containers", 0, "args", 0)),
        ({"args": ["--grpc", "--port", "18080"]}, [], 18080, ("containers", 0, "args", 2)),
        ({"args": ["--port 18080 --port 19090"]}, [], 19090, ("containers", 0, "args", 0)),
        ({"command": ["/app", "--port=18080"]}, [], 18080, ("containers", 0, "command", 1)),
        ({"command": ["sh", "-c", "exec app -listen 0.0.0.0:7000"]}, [], 7000, ("containers", 0, "command", 2)),
        (
            {"env": [{"name": "A", "valueFrom": {}}, {"name": "PORT", "value": "8443"}]},
            [],
            8443,
            ("containers", 0, "env", 1, "value"),
        ),
        (
            {"args": [18080]},
            [],
            18080,
            ("containers", 0, "args", 0),
        ),  # unquoted: schema-type reports it, the number still counts
        # not the number: part of another number, a version, a duration, an env name, valueFrom
        ({"args": ["--port=18443"]}, [], 8443, None),
        ({"args": ["--version=1.8443"]}, [], 8443, None),
        ({"args": ["--timeout=8443ms"]}, [], 8443, None),
        ({"env": [{"name": "PORT_8443", "value": "on"}]}, [], 8443, None),
        ({"env": [{"name": "PORT", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "8443"}}}]}, [], 8443, None),
        # only the containers FindPort searches: a sidecar counts, a run-once init container does not
        (
            {},
            [{"name": "s", "restartPolicy": "Always", "args": ["--listen=:15090"]}],
            15090,
            ("initContainers", 0, "args", 0),
        ),
        ({}, [{"name": "i", "args": ["--wait-for=:15090"]}], 15090, None),
    ],
)
def test_an_undeclared_number_named_in_args_command_or_env_is_configured(container, init, target, path):
    spec = {"containers": [{"name": "a", "ports": [_DECLARED_9443], **container}], "initContainers": init}
    result = find_port(_template(spec), target, "TCP")
    if path is None:
        assert result == (PortFit.UNDECLARED, None)
    else:
        assert result == (PortFit.CONFIGURED, ("spec", *path))


@pytest.mark.parametrize(
    "port,expected",
    [
        ({"port": 80}, (80, "TCP")),
        ({"port": 80, "targetPort": 8080, "protocol": "UDP"}, (8080, "UDP")),
        ({"port": 80, "targetPort": "http"}, ("http", "TCP")),
        ({"port": 80, "targetPort": "8080"}, (8080, "TCP")),
        ({"port": 80, "targetPort": 0}, (80, "TCP")),
        ({"port": "x", "targetPort": None}, ("x", "TCP")),
        ({}, (None, "TCP")),
    ],
)
def test_service_target_defaults(port, expected):
    assert service_target(port) == expected


def test_duplicates_keep_their_own_edges(tmp_path):
    doc = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x:1\n    "
        "envFrom:\n    - configMapRef:\n        name: {}\n"
    )
    path = tmp_path / "dup.yaml"
    path.write_text(doc.format("one") + "---\n" + doc.format("two"), encoding="utf-8")
    graph = graph_of(path)
    assert {e.target[2] for e in graph.edges("reads")} == {"one", "two"}


def test_seed_003_messages(tmp_path):
    fixture = FIXTURES / "service-no-endpoints" / "fires-selector-typo.yaml"
    [finding] = lint([str(fixture)], select=["service-no-endpoints"]).findings
    assert finding.message.startswith(
        "Service default/hello-server-external selects app=hello-serve; no pod template in namespace default has it, "
        "so its Endpoints will be empty and connections fail. Did you mean app=hello-server (Deployment hello-server, "
    )
    assert finding.message.endswith(f"{fixture}:16)?")
    assert finding.fix == "hello-server"
    assert finding.related[0].location.line == 16
    assert (finding.location.line, finding.location.column) == (31, 10)

    fixture = FIXTURES / "configmap-key-missing" / "fires-env-key-missing.yaml"
    [finding] = lint([str(fixture)], select=["configmap-key-missing"]).findings
    assert (
        "CreateContainerConfigError (Error: couldn't find key HOST in ConfigMap default/hello-server-configmap)"
        in finding.message
    )
    assert "Did you mean" not in finding.message


def test_seed_002_two_label_service_is_silent_and_winter_fires():
    quiet = lint(
        [str(FIXTURES / "service-no-endpoints" / "passes-two-label-selector.yaml")], select=["service-no-endpoints"]
    )
    assert quiet.findings == []
    [finding] = lint(
        [str(FIXTURES / "service-no-endpoints" / "fires-second-label-matches-nothing.yaml")],
        select=["service-no-endpoints"],
    ).findings
    assert "release=winter" in finding.message and finding.path == "spec.selector.release"


def test_kubelet_symptoms_in_missing_object_messages():
    report = lint([str(FIXTURES / "configmap-missing" / "fires-env-envfrom-volume.yaml")], select=["configmap-missing"])
    messages = [f.message for f in report.findings]
    assert any('CreateContainerConfigError (Error: configmap "app-env" not found)' in m for m in messages)
    assert any('ContainerCreating with FailedMount (configmap "app-files" not found)' in m for m in messages)
    assert {f.severity for f in report.findings} == {"warning"}
    report = lint(
        [str(FIXTURES / "configmap-key-missing" / "fires-volume-items.yaml")], select=["configmap-key-missing"]
    )
    assert any("configmap references non-existent config key: log.yaml" in f.message for f in report.findings)
    assert {f.severity for f in report.findings} == {"error"}
    report = lint([str(FIXTURES / "secret-key-missing" / "fires-env-and-volume.yaml")], select=["secret-key-missing"])
    assert any("references non-existent secret key: ca.crt" in f.message for f in report.findings)
    assert any("Did you mean password?" in f.message for f in report.findings)


def test_all_fixtures_in_one_run_raise_nothing():
    slugs = [slug for slug, rule in load_catalogue().items() if check_of(rule).__module__ == refs.__name__]
    report = lint([str(FIXTURES / slug) for slug in slugs], select=slugs)
    assert not [e for e in report.errors if e.file == "<k8scheck>"], report.errors
    assert len(report.findings) > 20


# -- malformed input never raises ---------------------------------------------

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 70000),
    st.sampled_from(["", "a", "http", "None", "web", "0%", "100%", "Always", "TCP"]),
)
_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "key",
                    "port",
                    "items",
                    "selector",
                    "spec",
                    "template",
                    "containers",
                    "ports",
                    "env",
                    "valueFrom",
                    "configMapKeyRef",
                    "volumes",
                    "configMap",
                    "matchLabels",
                    "metadata",
                    "labels",
                    "app",
                    "targetPort",
                    "backend",
                    "service",
                    "rules",
                    "http",
                    "paths",
                    "roleRef",
                    "subjects",
                    "scaleTargetRef",
                    "kind",
                    "minAvailable",
                    "maxUnavailable",
                    "podSelector",
                    "serviceName",
                    "volumeMounts",
                    "livenessProbe",
                    "httpGet",
                    "projected",
                    "sources",
                    "secret",
                    "tls",
                    "secretName",
                    "data",
                    "envFrom",
                    "type",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=25,
)
_kinds = st.sampled_from(
    [
        "Deployment",
        "Service",
        "ConfigMap",
        "Secret",
        "Ingress",
        "Pod",
        "StatefulSet",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "RoleBinding",
        "ReplicationController",
        "CronJob",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _kinds,
            st.sampled_from(["a", "b"]),
            st.dictionaries(st.sampled_from(["spec", "data", "roleRef", "subjects", "stringData"]), _json, max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_malformed_objects_never_crash_graph_or_rules(objects):
    manifests = []
    for index, (kind, name, body) in enumerate(objects):
        obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "labels": {"app": "web"}}, **body}
        manifests.append(Manifest(obj, "x.yaml", index, (), {}, "default"))
    graph = build_graph(manifests)
    graph.nx  # noqa: B018 - the networkx view must build too

    class Loaded:
        files, errors = [], []

    Loaded.manifests = manifests
    ctx = Context(Loaded(), Options())
    catalogue = load_catalogue()
    for rule in catalogue.values():
        if check_of(rule).__module__ == refs.__name__:
            list(check_of(rule)(ctx, rule))


# -- the graph command ------------------------------------------------------------


def _graph(*args):
    result = CliRunner().invoke(main, ["graph", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_graph_mermaid_marks_broken_edges():
    fixture = str(FIXTURES / "configmap-key-missing" / "fires-env-key-missing.yaml")
    out = _graph(fixture)
    assert out.startswith("flowchart LR\n")
    assert '-.->|"reads-key HOST ✗ configmap-key-missing"|' in out
    assert '-->|"reads-key PORT"|' in out
    assert "linkStyle 1 stroke:#d00" in out
    assert out == _graph(fixture)  # deterministic


def test_graph_dot_and_placeholder_for_service_without_pods():
    out = _graph(str(FIXTURES / "service-no-endpoints" / "fires-selector-typo.yaml"), "--format", "dot")
    assert out.startswith("digraph k8scheck {")
    assert 'label="no pod template with app=hello-serve in default", style=dashed, color=red' in out
    assert 'label="selects\\nservice-no-endpoints", style=dashed, color=red' in out


def test_graph_json_is_sorted_and_complete():
    paths = [
        str(FIXTURES / "ingress-backend-missing" / "fires-v1-and-legacy.yaml"),
        str(FIXTURES / "configmap-missing"),
    ]
    data = json.loads(_graph(*paths, "--format", "json"))
    assert json.loads(_graph(*reversed(paths), "--format", "json")) == data
    names = [(n["kind"], n["namespace"] or "", n["name"]) for n in data["nodes"]]
    assert names == sorted(names)
    by_id = {n["id"]: n for n in data["nodes"]}
    broken = {(by_id[e["to"]]["name"], tuple(e["broken"])) for e in data["edges"] if e["broken"]}
    assert ("api-svc", ("ingress-backend-missing",)) in broken
    assert ("app-env", ("configmap-missing",)) in broken
    missing = {n["name"] for n in data["nodes"] if n["missing"]}
    assert {"api-svc", "default-http", "app-files"} <= missing
    assert all(n["file"] for n in data["nodes"] if n["origin"] == "inputs")


def test_nearest_label_key_typos_and_restriction(stack):
    graph = graph_of(stack)
    k, v, _ = graph.nearest_label("shop", "ap", "web")
    assert (k, v) == ("app", "web")
    assert graph.nearest_label("shop", "tier", "backend") is None
    workloads = graph.workloads_in("shop")
    k, v, _ = graph.nearest_label("shop", "tier", "backend", among=workloads)
    assert (k, v) == ("tier", "front")
    assert graph.nearest_label("other", "app", "web") is None


def test_near_index_finds_close_words_in_large_sets():
    from k8scheck.graph import NearIndex

    words = [f"service-{i}" for i in range(2000)]
    index = NearIndex(words)
    assert "service-1234" in index.candidates("service-1234x")  # insertion
    assert "service-1234" in index.candidates("service-123")  # deletion ("service-123" itself too)
    assert "service-1234" in index.candidates("service-1235")  # substitution
    assert "service-1234" not in index.candidates("zzz")
    assert len(index.candidates("service-1235")) < len(words) // 10
    assert nearest_word("service-1234x", index.candidates("service-1234x")) == "service-1234"


def test_large_namespace_typo_still_suggests(tmp_path):
    manifests = []
    for i in range(600):
        labels = {"app": f"app-{i}"}
        obj = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"p{i}", "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "x"}]},
        }
        manifests.append(Manifest(obj, "x.yaml", i, (), {}, "default"))
    graph = build_graph(manifests)
    k, v, w = graph.nearest_label("default", "app", "app-42x")
    assert (k, v, w.manifest.name) == ("app", "app-42", "p42")
    assert graph.nearest_name("Pod", "default", "p4x2") is not None
    assert graph.nearest_name("Pod", "default", "completely-different") is None


def test_graph_command_assume_exists_clears_broken_edges():
    fixture = str(FIXTURES / "secret-missing" / "fires-secret-refs.yaml")
    assert "secret-missing" in _graph(fixture)
    out = _graph(fixture, "--assume-exists", "Secret/default/*")
    assert "secret-missing" not in out and "✗" not in out


def test_pdb_empty_selector_depends_on_api_version(tmp_path):
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: a\nspec:\n  containers:\n  - name: c\n   "
        " image: x\n"
    )
    pdb = (
        "---\napiVersion: {}\nkind: PodDisruptionBudget\nmetadata:\n  name: {}\nspec:\n  maxUnavailable: 1\n  "
        "selector: {{}}\n"
    )
    path = tmp_path / "pdb.yaml"
    path.write_text(pod + pdb.format("policy/v1", "new") + pdb.format("policy/v1beta1", "old"), encoding="utf-8")
    graph = graph_of(path)
    assert [e.source[2] for e in graph.edges("budgets")] == ["new"]


GRAPH_APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: default
      containers:
      - name: web
        image: nginx:1.25.3
        ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9090}]
        volumeMounts: [{name: ca, mountPath: /ca}]
      volumes:
      - name: ca
        configMap: {name: kube-root-ca.crt}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}, {name: admin, port: 9090, targetPort: 9090}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a-configmap-with-a-really-long-name-that-goes-on-and-on-and-on-forever, namespace: other}
"""


def test_graph_draws_one_edge_per_service_and_workload_with_its_ports(tmp_path):
    (tmp_path / "app.yaml").write_text(GRAPH_APP)
    data = json.loads(_graph(str(tmp_path / "app.yaml"), "--format", "json"))
    by_id = {n["id"]: n for n in data["nodes"]}
    service_edges = [e for e in data["edges"] if by_id[e["from"]]["kind"] == "Service"]
    assert [(e["relation"], e["ports"]) for e in service_edges] == [("selects", ["80 → http", "9090 → 9090"])]
    assert '-->|"selects 80 → http, 9090 → 9090"|' in _graph(str(tmp_path / "app.yaml"))


def test_graph_draws_builtin_objects_as_existing(tmp_path):
    (tmp_path / "app.yaml").write_text(GRAPH_APP)
    data = json.loads(_graph(str(tmp_path / "app.yaml"), "--format", "json"))
    origins = {(n["kind"], n["name"]): (n["origin"], n["missing"]) for n in data["nodes"]}
    assert origins[("ServiceAccount", "default")] == ("cluster", False)
    assert origins[("ConfigMap", "kube-root-ca.crt")] == ("cluster", False)
    assert "ConfigMap kube-root-ca.crt (in every cluster)" in _graph(str(tmp_path / "app.yaml"))


def test_graph_groups_by_namespace_and_keeps_labels_short(tmp_path):
    (tmp_path / "app.yaml").write_text(GRAPH_APP)
    mermaid = _graph(str(tmp_path / "app.yaml"))
    assert 'subgraph ns0["namespace other"]' in mermaid and 'subgraph ns1["namespace shop"]' in mermaid
    dot = _graph(str(tmp_path / "app.yaml"), "--format", "dot")
    assert "subgraph cluster_1 {" in dot and 'label="namespace shop";' in dot
    labels = [
        line.split('["', 1)[1].split('"]', 1)[0]
        for line in mermaid.splitlines()
        if '["' in line and "subgraph" not in line
    ]
    assert labels and max(len(label) for label in labels) <= 60
    assert any(
        label.startswith("ConfigMap a-configmap") and "…" in label and label.endswith("forever") for label in labels
    )


def _fingerprint(value, depth=0):
    """What a graph holds, by identity: containers by their members, everything else by id()."""
    if depth > 4:
        return id(value)
    if isinstance(value, dict):
        return tuple(
            (k if isinstance(k, (str, tuple, int, type(None))) else id(k), _fingerprint(v, depth + 1))
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return tuple(_fingerprint(v, depth + 1) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(map(repr, value)))
    return id(value)


def test_the_graph_is_frozen_once_built():
    """Rules query the graph; running all of them over every fixture changes nothing in it."""
    ctx = Context(load([str(FIXTURES)]), Options())
    graph = ctx.graph
    before = {name: _fingerprint(value) for name, value in vars(graph).items() if name != "_nx"}
    run_rules(ctx, active_rules())  # a rule that crashes on some fixture is reported, not raised
    assert {name: _fingerprint(value) for name, value in vars(graph).items() if name != "_nx"} == before


def test_a_walker_bug_is_reported_not_swallowed(stack, monkeypatch):
    from k8scheck import graph as graph_module

    real = graph_module._ingress_edges

    def broken(m, source):
        yield from real(m, source)
        raise RuntimeError("walker bug")

    monkeypatch.setattr(graph_module, "_ingress_edges", broken)
    report = lint([str(stack)], select=["configmap-missing"])
    messages = [e.message for e in report.errors]
    assert (
        "internal error while reading references of Ingress shop/web: RuntimeError: walker bug (please report this)"
        in messages
    )
    assert next(graph_of(stack).edges("routes-to")).source == (
        "Ingress",
        "shop",
        "web",
    )  # what was read before still counts


def test_the_networkx_view_names_the_extra_when_networkx_is_missing(stack, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "networkx", None)  # what an install without the extra sees
    with pytest.raises(ImportError, match=r"k8scheck-lint\[graph\]"):
        graph_of(stack).nx  # noqa: B018


def test_no_rule_crashes_on_any_fixture():
    """Every fixture together, every rule: a malformed value elsewhere (a list as targetPort) crashes nothing."""
    ctx = Context(load([str(FIXTURES)]), Options())
    assert run_rules(ctx, active_rules())[1] == []


@pytest.mark.parametrize(
    "word, words, nearest",
    [
        ("hello-serve", ["hello-server", "web"], "hello-server"),  # the seed's selector typo
        ("argocd-application-controller", ["argocd-applicationset-controller"], "argocd-applicationset-controller"),
        # Another name, not a typo: nine edits, though within a third of the length.
        ("team-pipelines-cache-deployer-sa", ["team-pipelines-cache-sa"], None),
        ("api", ["app"], "app"),
        ("api", ["web"], None),
    ],
)
def test_a_near_name_is_a_few_edits_away_whatever_its_length(word, words, nearest):
    assert nearest_word(word, words) == nearest
