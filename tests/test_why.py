"""`k8scheck why`: the first failing hop, its line, the client symptom and the fix, per failure class and seed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from k8scheck.cli import main


@pytest.fixture
def run(monkeypatch):
    monkeypatch.chdir(ROOT)

    def invoke(*args):
        return CliRunner().invoke(main, ["why", *map(str, args)], catch_exceptions=False)

    return invoke


CASES = [
    # target, paths, first failing hop kind, file:line, symptom part, fix part
    (
        "nodeport:30599",
        "fixtures/seeds/service-selector-typo",
        "endpoints",
        "fixtures/seeds/service-selector-typo/service-nodeport.yaml:8",
        "(52) Empty reply from server",
        "+    app: hello-server",
    ),
    (
        "hello-server-external.default.svc.cluster.local:8080",
        "fixtures/seeds/service-selector-typo",
        "endpoints",
        "fixtures/seeds/service-selector-typo/service-nodeport.yaml:8",
        "(7) Failed to connect",
        "-    app: hello-serve\n",
    ),
    # pods selected but never Ready: the Endpoints hop points at the cause (the missing key), not the selector
    (
        "svc/hello-server-service:8080",
        "fixtures/why/configmap-key-missing-behind-service",
        "endpoints",
        "fixtures/why/configmap-key-missing-behind-service/app.yaml:38",
        "(7) Failed to connect",
        '+  HOST: "..."',
    ),
    (
        "http://shop.example.com/api/items",
        "fixtures/why/ingress-backend-missing",
        "service",
        "fixtures/why/ingress-backend-missing/app.yaml:13",
        "503 Service Unavailable",
        None,
    ),
    (
        "http://nowhere.example.com/",
        "fixtures/why/ingress-backend-missing",
        "ingress",
        "fixtures/why/ingress-backend-missing/app.yaml:7",
        "404",
        None,
    ),
    (
        "svc/api",
        "fixtures/why/named-target-port-missing",
        "endpoints",
        "fixtures/why/named-target-port-missing/app.yaml:9",
        "(7) Failed to connect",
        "+    targetPort: web",
    ),
    (
        "http://localhost/",
        "fixtures/seeds/guestbook-ingress",
        "ingress",
        "fixtures/seeds/guestbook-ingress/guestbook-ingress.yaml:1",
        "404",
        None,
    ),
    (
        "http://ch05.gihyo.local/",
        "fixtures/seeds/echo-releases",
        "ingress",
        "fixtures/seeds/echo-releases/simple-ingress.yaml:1",
        "404",
        None,
    ),
    ("svc/missing", "fixtures/seeds/echo-releases", "service", None, "(6) Could not resolve host: missing", None),
    ("missing.default.svc.cluster.local", "fixtures/seeds/echo-releases", "dns", None, "Could not resolve host", None),
]


@pytest.mark.parametrize("target,paths,kind,where,symptom,fix", CASES, ids=[c[0] for c in CASES])
def test_first_failing_hop(run, target, paths, kind, where, symptom, fix):
    result = run(target, paths, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["reachable"] is False
    first = next(h for h in data["hops"] if h["ok"] is False)
    assert first["kind"] == kind
    assert (f"{first['file']}:{first['line']}" if first["file"] else None) == where
    assert symptom in data["symptom"]
    if fix is None:
        assert data["fix"] is None
    else:
        assert fix in data["fix"]


@pytest.mark.parametrize(
    "target,paths",
    [
        ("svc/echo", "fixtures/seeds/echo-releases"),
        ("echo.default:80", "fixtures/seeds/echo-releases"),
        ("http://shop.example.com/", "fixtures/why/ingress-backend-missing"),
    ],
)
def test_reachable_targets_exit_0(run, target, paths):
    result = run(target, paths, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reachable"] is True and all(h["ok"] is not False for h in data["hops"])


def test_a_load_balancer_action_is_not_followed_as_a_service(run):
    # port use-annotation: the AWS Load Balancer Controller answers (lint agrees: no Service backend).
    result = run("http://example.com/", "fixtures/ingress-backend-port/passes-alb-actions.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (hop,) = data["hops"]
    assert hop["ok"] is None and hop["title"].endswith("→ load balancer action ssl-redirect")
    assert "alb.ingress.kubernetes.io/actions.ssl-redirect" in hop["reason"]


def test_echo_service_only_selects_release_summer(run):
    data = json.loads(run("svc/echo", "fixtures/seeds/echo-releases", "--format", "json").output)
    endpoints = next(h for h in data["hops"] if h["kind"] == "endpoints")
    assert endpoints["title"] == "Endpoints: 2 ready address(es) from ReplicaSet default/echo-summer (port 80 → 80)"
    assert endpoints["addresses"] == 2 and endpoints["ports"] == [80]


def test_seed_text_output(run, snapshot):
    result = run("nodeport:30599", "fixtures/seeds/service-selector-typo")
    assert result.output == snapshot
    assert result.output.splitlines()[0].startswith(
        "✓ Service default/hello-server-external (NodePort 30599 → port 8080 → targetPort 8080)"
    )


def test_rollout_window_with_from(run, tmp_path):
    app = (ROOT / "fixtures/why/configmap-key-missing-behind-service/app.yaml").read_text()
    old = tmp_path / "old.yaml"
    old.write_text(app.replace("key: HOST", "key: PORT"))
    healthy_new = tmp_path / "new.yaml"
    healthy_new.write_text(app.replace("key: HOST", "key: PORT").replace("hello-server:1.4", "hello-server:1.5"))
    data = json.loads(run("svc/hello-server-service", healthy_new, "--from", old, "--format", "json").output)
    rollout = next(h for h in data["hops"] if h["kind"] == "rollout")
    # replicas 1 and maxSurge 0: even a healthy release has a window with no ready endpoint.
    assert rollout["ok"] is False and "no ready endpoint from step 1" in rollout["title"]


@pytest.mark.parametrize("target", ["bogus:target:x", "nodeport:31111", "deploy/nope"])
def test_bad_targets_exit_2_and_list_what_exists(run, target):
    result = run(target, "fixtures/seeds/service-selector-typo")
    assert result.exit_code == 2


# -- suggestions: one edit distance, a swap of neighbours is one edit -------------------

EDIT_DISTANCES = [
    # a, b, distance (optimal string alignment, as the suggestions count)
    ("web", "web", 0),
    ("wbe", "web", 1),  # transposition: Levenshtein says 2, and "a third of 3 letters" missed it
    ("TCPP", "TCP", 1),
    ("contianers", "containers", 1),
    ("hello-serve", "hello-server", 1),
    ("kitten", "sitting", 3),
    ("ca", "abc", 3),  # OSA, not unrestricted Damerau (2): no substring is edited twice
    ("", "abc", 3),
]


@pytest.mark.parametrize("a,b,distance", EDIT_DISTANCES)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, distance):
    from k8scheck.similarity import edit_distance

    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_near_index_finds_transpositions_in_large_sets():
    from k8scheck.graph import NearIndex, nearest_word

    words = [f"svc-{i:04d}" for i in range(2000)] + ["frontend"]
    index = NearIndex(words)
    assert len(words) > NearIndex.SMALL
    assert "frontend" in index.candidates("forntend")
    assert "svc-1234" in index.candidates("svc-1243")
    assert nearest_word("forntend", index.candidates("forntend")) == "frontend"


def test_schema_enum_suggests_the_close_value():
    from k8scheck.schema.messages import did_you_mean

    assert did_you_mean("TCPP", ["TCP", "UDP", "SCTP"]) == "TCP"
    assert did_you_mean("HTTP", ["TCP", "UDP", "SCTP"]) is None


def test_selector_transposition_is_suggested(run):
    data = json.loads(run("svc/web", "fixtures/why/selector-transposed", "--format", "json").output)
    first = next(h for h in data["hops"] if h["ok"] is False)
    assert first["kind"] == "endpoints" and first["line"] == 7
    assert "-    app: wbe\n+    app: web" in data["fix"]


# -- what the cluster does, per Service shape, client and policy ----------------------------
# Each row: target, paths, extra options, exit code, hop kind -> expected substring of its title
# (None: the hop kind must be absent), symptom part, and the Kubernetes behaviour it follows.

W = "fixtures/why/"
BEHAVIOUR = [
    pytest.param(
        "svc/api",
        W + "two-ports-one-replica",
        (),
        0,
        {"endpoints": "Endpoints: 1 ready address(es) from Deployment default/api (port 80 → 8080)"},
        None,
        id="addresses-are-pods-not-pod-x-port",
    ),  # endpointslice/utils.go podToEndpoint: one endpoint per pod, ports listed once per slice
    pytest.param(
        "svc/reviews",
        W + "reviews-three-versions",
        (),
        0,
        {
            "endpoints": (
                "3 ready address(es) from Deployment default/reviews-v1, "
                "Deployment default/reviews-v2, Deployment default/reviews-v3"
            )
        },
        None,
        id="every-contributing-workload-named",
    ),  # endpointslice_controller.go syncService: every pod the selector matches
    pytest.param(
        "db:80",
        W + "headless-port-remap",
        (),
        0,
        {"service": "headless: no cluster IP", "container": "no container of StatefulSet default/db declares port 80"},
        None,
        id="headless-no-port-remapping",
    ),  # pkg/proxy: no rules for ClusterIP None; DNS A records are pod IPs
    pytest.param(
        "svc/web",
        W + "wrong-target-port",
        (),
        0,
        {"container": "no container of Deployment default/web declares port 8080"},
        None,
        id="numeric-target-port-declared-nowhere-is-a-warning",
    ),  # pkg/api/v1/pod/util.go FindPort: an int targetPort is used verbatim; core/v1 ContainerPort: informational
    pytest.param(
        "svc/manager-metrics",
        W + "target-port-in-args",
        (),
        0,
        {"container": "port 8443 on manager (Deployment default/manager): not in containers[].ports, named in its"},
        None,
        id="numeric-target-port-named-in-args-listens",
    ),  # the kubebuilder scaffold: --metrics-bind-address=:8443, only the webhook port declared
    pytest.param(
        "svc/prometheus-k8s",
        W + "service-in-other-namespace",
        (),
        1,
        {"service": "Service default/prometheus-k8s does not exist"},
        "Could not resolve host",
        id="service-in-another-namespace-pointed-at",
    ),
    pytest.param(
        "http://shop.example.com/",
        W + "ingress-service-port-missing",
        (),
        1,
        {"service": "has no port 8080"},
        "503 Service Unavailable",
        id="ingress-to-missing-service-port-503",
    ),  # ingress-nginx: upstream without endpoints -> 503
    pytest.param(
        "svc/api",
        W + "named-target-port-split",
        (),
        0,
        {"endpoints": "pods of Deployment default/api-v2 are left out"},
        None,
        id="named-target-port-per-pod-across-workloads",
    ),  # pkg/api/v1/pod/util.go FindPort, per pod
    pytest.param(
        "svc/legacy-db",
        W + "selectorless-no-endpoints",
        (),
        1,
        {"endpoints": "no selector and no Endpoints or EndpointSlice"},
        "(7) Failed to connect",
        id="selectorless-without-endpoints-rejected",
    ),  # syncService skips spec.selector == nil; kube-proxy REJECTs a Service without endpoints
    pytest.param(
        "svc/legacy-db",
        W + "selectorless-manual-endpoints",
        (),
        0,
        {"endpoints": "2 ready address(es) written by hand in Endpoints default/legacy-db"},
        None,
        id="selectorless-with-manual-endpoints",
    ),  # endpointslicemirroring controller mirrors them for kube-proxy
    pytest.param(
        "svc/legacy-db",
        W + "selectorless-endpointslice",
        (),
        1,
        {"endpoints": "no ready address for port pg"},
        "(7) Failed to connect",
        id="endpointslice-port-name-must-match",
    ),  # kube-proxy matches EndpointSlice ports to Service ports by name
    pytest.param(
        "payments",
        W + "externalname",
        (),
        0,
        {"service": "ExternalName → api.payments.example.com", "endpoints": None},
        None,
        id="externalname-is-a-cname",
    ),  # syncService: ExternalName -> nothing; CoreDNS answers a CNAME
    pytest.param(
        "nodeport:30080",
        W + "networkpolicy-default-deny",
        (),
        1,
        {"networkpolicy": "NetworkPolicy shop/default-deny drops a client outside the cluster"},
        "(28) Connection timed out",
        id="default-deny-drops",
    ),  # NetworkPolicySpec: podSelector {} + policyTypes default [Ingress], no rules
    pytest.param(
        "http://shop.example.com/",
        W + "networkpolicy-same-namespace-ingress",
        (),
        1,
        {"networkpolicy": "NetworkPolicy shop/allow-same-namespace drops the ingress controller"},
        "504 Gateway Timeout",
        id="allow-same-namespace-blocks-ingress-controller",
    ),  # a podSelector peer without namespaceSelector: the policy's namespace only
    pytest.param(
        "svc/web",
        W + "networkpolicy-allow-frontend",
        ("-n", "shop", "--client", "deploy/frontend", "--client-namespace", "frontend"),
        0,
        {"networkpolicy": "allowed by shop/web-from-frontend"},
        None,
        id="namespace-and-pod-selector-and-named-port-allow",
    ),  # kubernetes.io/metadata.name on every namespace; named port resolved in the destination pod
    pytest.param(
        "svc/web",
        W + "networkpolicy-allow-frontend",
        ("-n", "shop", "--client", "deploy/batch", "--client-namespace", "frontend"),
        1,
        {"networkpolicy": "drops pods of Deployment frontend/batch"},
        "(28) Connection timed out",
        id="other-pod-same-namespace-dropped",
    ),
    pytest.param(
        "backend",
        W + "short-name-other-namespace",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        1,
        {"dns": "backend does not resolve (NXDOMAIN)"},
        "(6) Could not resolve host: backend",
        id="short-name-from-another-namespace-nxdomain",
    ),  # resolv.conf search <ns>.svc.cluster.local first ("Debug Services")
    pytest.param(
        "backend.backend",
        W + "short-name-other-namespace",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        0,
        {"dns": "backend.backend → backend.backend.svc.cluster.local"},
        None,
        id="name-dot-namespace-resolves",
    ),
    pytest.param(
        "http://backend/",
        W + "short-name-other-namespace",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        1,
        {"dns": "backend does not resolve (NXDOMAIN)"},
        "(6) Could not resolve host: backend",
        id="url-short-name-from-a-pod",
    ),
    pytest.param(
        "http://backend.backend/",
        W + "short-name-other-namespace",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        0,
        {"dns": "backend.backend.svc.cluster.local"},
        None,
        id="url-name-dot-namespace-from-a-pod",
    ),
    pytest.param(
        "backend.backend.svc",
        W + "short-name-other-namespace",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        0,
        {"dns": "backend.backend.svc.cluster.local"},
        None,
        id="name-ns-svc-resolves",
    ),
    pytest.param(
        "svc/backend",
        W + "short-name-other-namespace",
        ("-n", "backend", "--client", "outside"),
        1,
        {"service": "a cluster IP is routed only inside the cluster"},
        "(28)",
        id="cluster-ip-from-outside",
    ),
    pytest.param(
        "backend.backend",
        W + "networkpolicy-egress-no-dns",
        ("--client", "deploy/frontend", "--client-namespace", "frontend"),
        1,
        {"dns": "drops the DNS queries"},
        "(6) Could not resolve host",
        id="egress-policy-without-dns",
    ),  # egress isolation covers UDP 53 to kube-dns
]


@pytest.mark.parametrize("target,paths,options,code,titles,symptom", BEHAVIOUR)
def test_behaviour_table(run, target, paths, options, code, titles, symptom):
    result = run(target, paths, *options, "--format", "json")
    assert result.exit_code == code, result.output
    data = json.loads(result.output)
    for kind, text in titles.items():
        found = [h["title"] for h in data["hops"] if h["kind"] == kind]
        if text is None:
            assert not found, found
        else:
            assert any(text in t for t in found), (kind, found)
    if symptom is not None:
        assert symptom in data["symptom"]
    else:
        assert data["symptom"] is None


def test_a_numeric_target_port_declared_nowhere_is_a_warning_without_a_fix(run):
    """As service-port-mismatch: the pods may listen on a number they do not declare, so the hop is a
    warning and the verdict says what happens if they do not; the declared port is named, not proposed
    (it may be another service of the app)."""
    data = json.loads(run("svc/web", W + "wrong-target-port", "--format", "json").output)
    assert data["reachable"] is True and data["symptom"] is None
    container = next(h for h in data["hops"] if h["kind"] == "container")
    assert container["ok"] is None and container["warning"] is True
    assert "if nothing listens on 8080, connections are refused" in container["reason"]
    assert "if nothing listens there, the pod refuses the connection" in data["summary"]
    assert data["fix"] is None and "declared container ports: 80" in container["reason"]


def test_never_a_fix_that_drops_working_pods(run):
    data = json.loads(run("svc/api", W + "named-target-port-split", "--format", "json").output)
    assert data["fix"] is None
    left_out = next(h for h in data["hops"] if h["kind"] == "endpoints" and h["warning"])
    assert left_out["line"] == 10  # the targetPort line


def test_failing_policy_hop_names_the_policy_line_and_the_cni(run):
    data = json.loads(run("nodeport:30080", W + "networkpolicy-default-deny", "--format", "json").output)
    hop = next(h for h in data["hops"] if h["ok"] is False)
    assert (hop["kind"], hop["file"], hop["line"]) == ("networkpolicy", W + "networkpolicy-default-deny/deny.yaml", 7)
    assert hop["policy"]["name"] == "default-deny" and "CNI" in hop["reason"]


def test_other_namespace_says_how_to_target_it(run):
    result = run("svc/prometheus-k8s", W + "service-in-other-namespace")
    assert "svc/prometheus-k8s -n monitoring or prometheus-k8s.monitoring" in result.output
    assert "services in namespace default: none" not in result.output
    assert run("svc/prometheus-k8s", W + "service-in-other-namespace", "-n", "monitoring").exit_code == 0


def test_external_traffic_policy_local_warns_when_pods_fewer_than_nodes(monkeypatch):
    from k8scheck.context import Context, Options
    from k8scheck.loader import load
    from k8scheck.why import Walker, parse_target

    monkeypatch.chdir(ROOT)
    ctx = Context(load([W + "external-traffic-local"], namespace="default"), Options())

    def traffic(nodes):
        verdict = Walker(ctx, None, nodes=nodes).walk(parse_target("nodeport:30081", "default"))
        return verdict, next(h for h in verdict.hops if h.kind == "traffic-policy")

    verdict, hop = traffic(3)  # 2 replicas, 3 nodes: pkg/proxy/topology.go CategorizeEndpoints drops on the third
    assert hop.warning and hop.ok is None and "nodes without one drop the traffic" in hop.title and verdict.reachable
    _verdict, hop = traffic(None)  # one node assumed
    assert hop.ok is True and "one node assumed" in hop.title


def test_bad_client_is_a_usage_error(run):
    assert run("svc/web", W + "wrong-target-port", "--client", "deploy/nope").exit_code == 2
    assert run("svc/web", W + "wrong-target-port", "--client", "garbage").exit_code == 2


POLICY_CASES = [
    # policy spec, client (namespace, labels), destination port (number, protocol), allowed; NetworkPolicySpec docs
    ({"podSelector": {}}, ("shop", {"app": "a"}), (80, "TCP"), False),  # no rules: isolates only
    ({"podSelector": {}, "ingress": [{}]}, ("other", {}), (80, "TCP"), True),  # a rule without from/ports: everything
    (
        {"podSelector": {}, "policyTypes": ["Egress"]},
        ("other", {}),
        (80, "TCP"),
        True,
    ),  # egress-only: ingress not isolated
    ({"podSelector": {"matchLabels": {"app": "db"}}}, ("other", {}), (80, "TCP"), True),  # does not select the pod
    (
        {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]},
        ("other", {}),
        (80, "TCP"),
        False,
    ),  # podSelector alone: own namespace
    (
        {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]},
        ("other", {}),
        (80, "TCP"),
        True,
    ),  # every namespace
    ({"podSelector": {}, "ingress": [{"ports": [{"port": 8080}]}]}, ("shop", {}), (80, "TCP"), False),
    ({"podSelector": {}, "ingress": [{"ports": [{"port": 8000, "endPort": 9000}]}]}, ("shop", {}), (8080, "TCP"), True),
    ({"podSelector": {}, "ingress": [{"ports": [{"port": 80, "protocol": "UDP"}]}]}, ("shop", {}), (80, "TCP"), False),
    (
        {"podSelector": {}, "ingress": [{"ports": [{"port": "http"}]}]},
        ("shop", {}),
        (80, "TCP"),
        True,
    ),  # named: the destination pod's port
    ({"podSelector": {}, "ingress": [{"ports": [{"port": "metrics"}]}]}, ("shop", {}), (80, "TCP"), False),
    (
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]},
        ("other", {}),
        (80, "TCP"),
        True,
    ),
    (
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]},
        ("other", {}),
        (80, "TCP"),
        False,
    ),  # pod IPs unknown: not assumed inside
    (
        {
            "podSelector": {},
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "other"}}}]}],
        },
        ("other", {}),
        (80, "TCP"),
        True,
    ),
]


@pytest.mark.parametrize("spec,client,port,allowed", POLICY_CASES)
def test_network_policy_table(spec, client, port, allowed):
    from k8scheck.model import Manifest
    from k8scheck.netpol import Endpoint, decide

    policy = Manifest(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "p", "namespace": "shop"},
            "spec": spec,
        },
        "p.yaml",
        0,
        (),
        {},
        "shop",
    )

    class Ctx:
        def of_kind(self, *kinds):
            return [policy] if "NetworkPolicy" in kinds else []

    pod = Endpoint("shop", {"app": "web"}, "web pods", (("http", 80, "TCP"), ("metrics", 9090, "TCP")))
    other = Endpoint(client[0], client[1], "client")
    assert decide(Ctx(), pod, other, "Ingress", port[0], port[1], pod).allowed is allowed


def test_policy_types_default():
    from k8scheck.model import Manifest
    from k8scheck.netpol import policy_types

    def of(spec):
        return policy_types(
            Manifest({"kind": "NetworkPolicy", "metadata": {"name": "p"}, "spec": spec}, "p.yaml", 0, (), {}, "default")
        )

    # pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy
    assert of({}) == ["Ingress"]
    assert of({"egress": []}) == ["Ingress"]
    assert of({"egress": [{}]}) == ["Ingress", "Egress"]
    assert of({"policyTypes": ["Egress"]}) == ["Egress"]


def test_one_workload_never_ready_while_others_serve_is_a_warning(run, tmp_path):
    app = (ROOT / W / "reviews-three-versions/app.yaml").read_text()
    broken = app.replace(
        "image: docker.io/istio/examples-bookinfo-reviews-v3:1.20.2",
        "image: docker.io/istio/examples-bookinfo-reviews-v3:1.20.2\n        env:\n        - name: STAR_COLOR\n"
        "          valueFrom:\n            configMapKeyRef: {name: reviews, key: STAR_COLOR}",
    )
    (tmp_path / "app.yaml").write_text(
        broken + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: reviews\ndata:\n  COLOR: red\n"
    )
    result = run("svc/reviews", tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    endpoints = next(h for h in data["hops"] if h["kind"] == "endpoints")
    assert endpoints["addresses"] == 2 and len(endpoints["workloads"]) == 2
    startup = next(h for h in data["hops"] if h["kind"] == "startup" and "reviews-v3" in h["title"])
    assert startup["warning"] is True and startup["ok"] is None and "couldn't find key STAR_COLOR" in startup["reason"]
    assert "! pods of Deployment default/reviews-v3 will not become Ready" in run("svc/reviews", tmp_path).output
