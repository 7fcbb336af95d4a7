"""The removed/deprecated API table and its two entry points."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from k8scheck import apilifecycle
from k8scheck.apilifecycle import check, load_table, lookup, parse_kube_version
from k8scheck.catalogue import stage_slugs

TABLE = sorted(load_table().values(), key=lambda e: (e.api_version, e.kind))
SEEDS = Path("/work/shared/seeds")


def _minor(version: str) -> int:
    return parse_kube_version(version)[1]


def test_table_covers_the_versions_the_guide_lists():
    pairs = {(e.api_version, e.kind) for e in TABLE}
    must = {
        ("extensions/v1beta1", k)
        for k in ("Deployment", "DaemonSet", "ReplicaSet", "NetworkPolicy", "PodSecurityPolicy", "Ingress")
    } | {
        ("apps/v1beta1", "Deployment"),
        ("apps/v1beta1", "StatefulSet"),
        ("apps/v1beta2", "Deployment"),
        ("apps/v1beta2", "DaemonSet"),
        ("apps/v1beta2", "ReplicaSet"),
        ("apps/v1beta2", "StatefulSet"),
        ("networking.k8s.io/v1beta1", "Ingress"),
        ("networking.k8s.io/v1beta1", "IngressClass"),
        ("policy/v1beta1", "PodDisruptionBudget"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("batch/v1beta1", "CronJob"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1beta1", "APIService"),
        ("storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1beta1", "VolumeAttachment"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity"),
        ("scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("coordination.k8s.io/v1beta1", "Lease"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice"),
        ("events.k8s.io/v1beta1", "Event"),
        ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"),
        ("authentication.k8s.io/v1beta1", "TokenReview"),
        ("authorization.k8s.io/v1beta1", "SubjectAccessReview"),
        ("node.k8s.io/v1beta1", "RuntimeClass"),
    }
    assert must <= pairs, must - pairs


@pytest.mark.parametrize("entry", TABLE, ids=lambda e: f"{e.api_version}/{e.kind}")
def test_every_entry_fires_by_version(entry):
    dep, rem = _minor(entry.deprecated_in), _minor(entry.removed_in)
    assert dep <= rem
    # before deprecation: silent
    assert lookup(entry.api_version, entry.kind, f"1.{dep - 1}") is None
    assert check({"apiVersion": entry.api_version, "kind": entry.kind}, f"1.{dep - 1}") == []
    # between deprecation and removal: a warning
    for minor in range(dep, rem):
        v = lookup(entry.api_version, entry.kind, f"1.{minor}")
        assert v is not None and v.status == "deprecated", minor
        (p,) = check({"apiVersion": entry.api_version, "kind": entry.kind}, f"1.{minor}")
        assert p.rule == "api-deprecated" and p.path == ("apiVersion",)
    # at and after removal: an error naming the release and the way out
    for minor in (rem, rem + 1, 40):
        v = lookup(entry.api_version, entry.kind, f"1.{minor}")
        assert v is not None and v.status == "removed"
        assert v.removed_in == entry.removed_in
        assert v.message.startswith(f"{entry.api_version} {entry.kind} was removed in Kubernetes {entry.removed_in}; ")
        if entry.replacement:
            assert f"use {entry.replacement}" in v.message
        (p,) = check({"apiVersion": entry.api_version, "kind": entry.kind}, f"1.{minor}")
        assert p.rule == "api-removed" and p.path == ("apiVersion",) and p.at == "value"
        assert p.message == v.message


def test_hpa_v2beta2_warns_at_125_and_errors_at_126():
    (warn,) = check({"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler"}, "1.25")
    assert warn.rule == "api-deprecated"
    assert "deprecated since Kubernetes 1.23" in warn.message and "removed in 1.26" in warn.message
    (err,) = check({"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler"}, "1.26")
    assert err.rule == "api-removed"
    assert err.message.startswith(
        "autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2"
    )
    assert lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.22") is None


def test_versions_compare_numerically_not_as_text():
    # "1.9" > "1.16" as text; numerically 1.9 is older and the API still served
    assert lookup("extensions/v1beta1", "Deployment", "1.8") is None
    assert lookup("extensions/v1beta1", "Deployment", "1.9").status == "deprecated"
    assert lookup("extensions/v1beta1", "Deployment", "1.15").status == "deprecated"
    assert lookup("extensions/v1beta1", "Deployment", "1.16").status == "removed"
    assert lookup("extensions/v1beta1", "Deployment", "v1.16.3").status == "removed"


@pytest.mark.parametrize("bad", ["", "latest", "1", None, 1.22, True, "1.x"])
def test_unreadable_kube_version_gives_no_verdict(bad):
    assert lookup("extensions/v1beta1", "Ingress", bad) is None


def test_current_apis_and_unknown_kinds_are_silent():
    for api, kind in [
        ("apps/v1", "Deployment"),
        ("networking.k8s.io/v1", "Ingress"),
        ("v1", "Service"),
        ("example.com/v1beta1", "Widget"),
        ("extensions/v1beta1", "Widget"),
    ]:
        assert check({"apiVersion": api, "kind": kind}, "1.37") == []


@pytest.mark.parametrize(
    "obj",
    [None, [], "x", {}, {"apiVersion": 3, "kind": None}, {"apiVersion": ["extensions/v1beta1"], "kind": "Ingress"}],
)
def test_malformed_objects_never_raise(obj):
    assert check(obj, "1.37") == []


def test_psp_has_no_replacement():
    v = lookup("policy/v1beta1", "PodSecurityPolicy", "1.25")
    assert v.status == "removed" and v.replacement is None
    assert "no replacement" in v.message and "Pod Security Admission" in v.message
    assert check({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy"}, "1.30")[0].fix is None


INGRESS_HINT = (
    "extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1 "
    "(spec.rules[].http.paths[].backend.serviceName/servicePort become backend.service.name / "
    "backend.service.port.number, and pathType is required"
)


def _seed_ingresses(name: str) -> list[dict]:
    """The extensions/v1beta1 Ingress documents embedded in a seed note."""
    from ruamel.yaml import YAML

    text = next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    out = []
    # each manifest runs from its apiVersion line to the closing ``` or heredoc EOT
    for m in re.finditer(r"^apiVersion: extensions/v1beta1\n.*?(?=^(?:```|EOT))", text, re.M | re.S):
        out.append(YAML(typ="safe").load(m.group(0)))
    return out


@pytest.mark.skipif(not SEEDS.exists(), reason="seed notes not on this machine")
@pytest.mark.parametrize("seed", ["001", "002"])
def test_seed_ingresses_fire_with_the_migration_hint(seed):
    docs = _seed_ingresses(seed)
    assert docs, "seed has an extensions/v1beta1 Ingress"
    for doc in docs:
        assert doc["kind"] == "Ingress"
        assert doc["spec"]["rules"][0]["http"]["paths"][0]["backend"]["serviceName"]
        (p,) = check(doc, apilifecycle.NEWEST_KUBE_VERSION)
        assert p.rule == "api-removed"
        assert p.message.startswith(INGRESS_HINT)
        assert "pathType is required" in p.message
        assert p.fix == "networking.k8s.io/v1"  # replacement text for the apiVersion value


# ---- catalogue entries and fixtures -----------------------------------------

from ruamel.yaml import YAML  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
API_SLUGS = sorted(stage_slugs("api-lifecycle"))


def _kube_version(text: str) -> str:
    m = re.match(r"#\s*kube-version:\s*(\S+)", text)
    return m.group(1) if m else apilifecycle.NEWEST_KUBE_VERSION


def _finding_lines(text: str) -> set[tuple[int, str]]:
    """(1-based line of the apiVersion value, rule) for every lifecycle finding."""
    version = _kube_version(text)
    out = set()
    for plain, node in zip(YAML(typ="safe").load_all(text), YAML().load_all(text)):
        if plain is None:
            continue
        for p in check(plain, version):
            assert p.path == ("apiVersion",)
            out.add((node.lc.value("apiVersion")[0] + 1, p.rule))
    return out


def _expected_lines(text: str) -> set[tuple[int, str]]:
    return {
        (i, m.group(1))
        for i, line in enumerate(text.splitlines(), 1)
        for m in [re.search(r"#\s*expect:\s*([a-z0-9-]+)(?:@\d+)?\s*$", line)]
        if m
    }


@pytest.mark.parametrize("slug", API_SLUGS)
def test_rule_doc_is_complete_and_its_example_fires_at_the_newest_release(slug):
    doc = YAML(typ="safe").load((ROOT / "rules" / f"{slug}.yaml").read_text(encoding="utf-8"))
    assert doc["slug"] == slug
    assert doc["stage"] == "api-lifecycle"
    for part in ("what", "why", "example", "fix"):
        assert isinstance(doc["docs"][part], str) and doc["docs"][part].strip()
    assert slug in {r for _, r in _finding_lines(doc["docs"]["example"])}
    assert _finding_lines(doc["docs"]["fix"]) == set()


# The table's own fixtures; versions of built-in groups missing from the table are found by
# checks/apis.py with the schema bundle (tests/test_fixtures.py runs those).
FIXTURES = sorted(
    p for slug in API_SLUGS for p in (ROOT / "fixtures" / slug).glob("*.yaml") if "builtin-group" not in p.name
)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_land_on_the_marked_lines(path):
    text = path.read_text(encoding="utf-8")
    expected = _expected_lines(text)
    if path.name.startswith("fires-"):
        assert expected and {r for _, r in expected} == {path.parent.name}
    else:
        assert path.name.startswith("passes-") and not expected
    assert _finding_lines(text) == expected


def test_every_lifecycle_slug_has_fixtures_both_ways():
    for slug in API_SLUGS:
        names = [p.name for p in (ROOT / "fixtures" / slug).glob("*.yaml")]
        assert any(n.startswith("fires-") for n in names), slug
        assert any(n.startswith("passes-") for n in names), slug
