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
    ("nodeport:30599", "fixtures/seeds/service-selector-typo", "endpoints", "fixtures/seeds/service-selector-typo/service-nodeport.yaml:8", "(52) Empty reply from server", "+    app: hello-server"),
    ("hello-server-external.default.svc.cluster.local:8080", "fixtures/seeds/service-selector-typo", "endpoints", "fixtures/seeds/service-selector-typo/service-nodeport.yaml:8", "(7) Failed to connect", "-    app: hello-serve\n"),
    # pods selected but never Ready: the Endpoints hop points at the cause (the missing key), not the selector
    ("svc/hello-server-service:8080", "fixtures/why/configmap-key-missing-behind-service", "endpoints", "fixtures/why/configmap-key-missing-behind-service/app.yaml:38", "(7) Failed to connect", '+  HOST: "..."'),
    ("http://shop.example.com/api/items", "fixtures/why/ingress-backend-missing", "service", "fixtures/why/ingress-backend-missing/app.yaml:13", "503 Service Unavailable", None),
    ("http://nowhere.example.com/", "fixtures/why/ingress-backend-missing", "ingress", "fixtures/why/ingress-backend-missing/app.yaml:7", "404", None),
    ("svc/web", "fixtures/why/wrong-target-port", "container", "fixtures/why/wrong-target-port/app.yaml:9", "refuses connections", "+    targetPort: 80"),
    ("svc/api", "fixtures/why/named-target-port-missing", "endpoints", "fixtures/why/named-target-port-missing/app.yaml:9", "(7) Failed to connect", "+    targetPort: web"),
    ("http://localhost/", "fixtures/seeds/guestbook-ingress", "ingress", "fixtures/seeds/guestbook-ingress/guestbook-ingress.yaml:1", "404", None),
    ("http://ch05.gihyo.local/", "fixtures/seeds/echo-releases", "ingress", "fixtures/seeds/echo-releases/simple-ingress.yaml:1", "404", None),
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


def test_echo_service_only_selects_release_summer(run):
    data = json.loads(run("svc/echo", "fixtures/seeds/echo-releases", "--format", "json").output)
    endpoints = next(h for h in data["hops"] if h["kind"] == "endpoints")
    assert endpoints["title"] == "Endpoints: 2 ready address(es) from ReplicaSet default/echo-summer (port 80 → 80)"
    assert endpoints["addresses"] == 2 and endpoints["ports"] == [80]


def test_seed_text_output(run, snapshot):
    result = run("nodeport:30599", "fixtures/seeds/service-selector-typo")
    assert result.output == snapshot
    assert result.output.splitlines()[0].startswith("✓ Service default/hello-server-external (NodePort 30599 → port 8080 → targetPort 8080)")


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
