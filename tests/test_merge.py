"""One mistake, one finding: the merge step after the rules (k8scheck.merge)."""

from __future__ import annotations

import dataclasses

from conftest import ROOT
from support import lint_paths, lint_text

from k8scheck import checks
from k8scheck.catalogue import load_catalogue
from k8scheck.checks.hit import hit
from k8scheck.context import Options
from k8scheck.engine import lint
from k8scheck.merge import merge
from k8scheck.model import Finding, ObjectRef
from k8scheck.positions import Location

CATALOGUE = load_catalogue()
SEED = ROOT / "fixtures/seeds/configmap-missing-key"


def test_relations_name_real_rules_and_are_one_level_deep():
    for slug, rule in CATALOGUE.items():
        for other in rule.covered_by + rule.consequence_of:
            assert other in CATALOGUE, (slug, other)
            assert not (CATALOGUE[other].covered_by or CATALOGUE[other].consequence_of), (slug, other)
            assert other in rule.docs["what"] or slug in CATALOGUE[other].docs["what"], (
                f"{slug}: document the relation to {other}"
            )


def test_a_check_yielding_the_same_finding_twice_reports_it_once(tmp_path, monkeypatch):
    def twice(ctx, rule):
        for m in ctx.manifests:
            yield hit(m, rule.slug, ("metadata", "name"), "the same words")
            yield hit(m, rule.slug, ("metadata", "name"), "the same words")

    monkeypatch.setitem(checks.REGISTRY, "duplicate-object", twice)
    report = lint_text(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", select=["duplicate-object"])
    assert [(f.rule, f.location.line) for f in report.findings] == [("duplicate-object", 4)]


def test_the_seed_missing_key_is_one_finding_that_carries_the_outage():
    findings = lint_paths([SEED]).findings
    at_key = [f for f in findings if f.location.line == 34]
    assert [f.rule for f in at_key] == ["configmap-key-missing"]
    (root,) = at_key
    assert "no key HOST" in root.message and "CreateContainerConfigError" in root.message
    (note,) = [r for r in root.related if r.message.startswith("rollout-stuck: ")]
    assert "takes availability to 0/1 at step 1 and never recovers (maxSurge → 0" in note.message
    assert note.location.line == 12  # maxSurge: 0, where the fix goes
    # The strategy is its own mistake with its own fix, and stays visible.
    assert [f.rule for f in findings if f.location.line == 12] == ["rollout-outage"]


def test_without_the_root_cause_rule_the_consequence_is_reported():
    report = lint([str(SEED)], options=Options(), ignore=["configmap-key-missing"])
    assert [f.rule for f in report.findings if f.location.line == 34] == ["rollout-stuck"]


def test_a_covered_finding_is_dropped_only_for_the_same_field(tmp_path):
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
    report = lint_text(tmp_path, text)
    # Without a template selector-template-mismatch does not fire: schema-required keeps both fields.
    required = sorted(f.message for f in report.findings if f.rule == "schema-required")
    assert required == [
        "spec (DeploymentSpec) is missing required field selector",
        "spec (DeploymentSpec) is missing required field template",
    ]


def _finding(rule, severity="error", line=3, subject="", path="spec", message="m"):
    return Finding(
        rule,
        severity,
        message,
        Location("a.yaml", line, 1),
        ObjectRef("Deployment", "default", "web"),
        path,
        (),
        None,
        subject=subject,
    )


def test_merge_folds_a_consequence_keeping_the_higher_severity():
    root = dataclasses.replace(
        _finding("configmap-key-missing", severity="warning", message="no key HOST"),
        stable_path="spec.template.spec.containers[name=web].env[name=HOST]",
    )
    consequence = _finding("rollout-stuck", message="stuck")
    (merged,) = merge([consequence, root], CATALOGUE)
    assert merged.rule == "configmap-key-missing" and merged.severity == "error"
    assert [r.message for r in merged.related] == ["rollout-stuck: stuck"]
    # The baseline fingerprint does not change because a consequence was folded in.
    assert merged.stable_path == root.stable_path and merged.fingerprint() == root.fingerprint()


def test_merge_keys_on_place_object_and_field():
    elsewhere = _finding("rollout-stuck", line=4)
    other_field = _finding("schema-required", subject="spec.template")
    findings = [
        _finding("configmap-key-missing"),
        elsewhere,
        _finding("selector-template-mismatch", path="spec.selector"),
        other_field,
    ]
    assert merge(findings, CATALOGUE) == findings
    covered = _finding("schema-required", subject="spec.selector")
    assert merge(findings + [covered], CATALOGUE) == findings
