"""The catalogue is valid, complete, and its documented examples tell the truth."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, OPTION, ROOT
from support import lint_text

from k8scheck.catalogue import CatalogueError, load_catalogue, stage_slugs, validate_rule
from k8scheck.loader import load

CATALOGUE = load_catalogue()
NEW_RULE = {"status": "preview", "since": "0.1.0", "remediation": "Change what the rule reports."}


@pytest.mark.parametrize("slug", sorted(CATALOGUE))
def test_documented_example_fires_and_fix_does_not(tmp_path, slug):
    rule = CATALOGUE[slug]
    options = {k.replace("-", "_"): v for k, v in (rule.docs.get("options") or {}).items()}
    # Leading comments in the example carry options too (`# kube-version: 1.25`, `# image-catalog: catalog.yaml`).
    for line in rule.docs["example"].splitlines():
        match = OPTION.match(line)
        if not match:
            break
        key, value = match.group(1).replace("-", "_"), match.group(2)
        options[key] = str(FIXTURES / slug / value) if key == "image_catalog" else value
        if key == "from":  # the applied state, as --diff-base would load it
            options["old_manifests"] = load([str(FIXTURES / slug / options.pop("from"))]).manifests
    select = () if slug in stage_slugs("suppress") else [slug]  # stage rules judge the other rules' findings
    fired = lint_text(tmp_path, rule.docs["example"], select=select, name="example.yaml", **options)
    assert any(f.rule == slug for f in fired.findings), f"{slug}: documented example does not fire"
    silent = lint_text(tmp_path, rule.docs["fix"], select=select, name="fix.yaml", **options)
    assert [f.message for f in silent.findings if f.rule == slug] == []


def test_rule_files_are_named_after_their_slug(tmp_path):
    bad = tmp_path / "other-name.yaml"
    with pytest.raises(CatalogueError, match="does not match the file name"):
        validate_rule(
            {
                "slug": "some-rule",
                "severity": "error",
                "group": "schema",
                "summary": "A summary that is long enough.",
                **NEW_RULE,
                "docs": {"what": "x" * 10, "why": "y" * 10, "example": "a", "fix": "b"},
            },
            bad,
        )


def test_rule_schema_rejects_unknown_severity(tmp_path):
    with pytest.raises(CatalogueError, match="severity"):
        validate_rule(
            {
                "slug": "x-rule",
                "severity": "fatal",
                "group": "schema",
                "summary": "A summary that is long enough.",
                **NEW_RULE,
                "docs": {"what": "x" * 10, "why": "y" * 10, "example": "a", "fix": "b"},
            },
            tmp_path / "x-rule.yaml",
        )


def test_slugs_are_kebab_case_and_docs_complete():
    for slug, rule in CATALOGUE.items():
        assert slug == slug.lower() and " " not in slug
        for part in ("what", "why", "example", "fix"):
            assert rule.docs[part].strip(), (slug, part)


def test_catalogue_lives_in_rules_directory():
    files = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
    assert files == sorted(CATALOGUE)


def test_remediation_is_one_sentence():
    for slug, rule in CATALOGUE.items():
        text = rule.remediation
        assert text.endswith(".") and text[0].isupper(), slug
        assert ". " not in text.rstrip("."), f"{slug}: one sentence"


def test_status_and_since():
    for slug, rule in CATALOGUE.items():
        assert rule.status in ("stable", "preview", "deprecated"), slug
        assert rule.since.count(".") == 2, slug


def test_one_renderer_for_rule_docs_the_readme_table_and_sarif():
    from k8scheck import ruledoc
    from k8scheck.report.sarif import _rule_descriptor

    rule = CATALOGUE["configmap-missing"]
    assert rule.remediation in ruledoc.text(rule) and rule.remediation in _rule_descriptor(rule)["help"]["text"]
    assert _rule_descriptor(rule)["help"]["markdown"] == ruledoc.markdown(rule)
    assert f"| `{rule.slug}` | refs | warning | {rule.status} |" in ruledoc.table(CATALOGUE)


def test_every_severity_of_name_in_the_code_is_declared_and_every_declared_one_used():
    """Severities live in rules/; a check names the kind of finding (``rule.severity_of("near-miss")``)."""
    import re

    used = {
        m
        for path in (ROOT / "k8scheck").rglob("*.py")
        for m in re.findall(r'severity_of\(\s*"([a-z-]+)"\s*\)', path.read_text())
    }
    declared = {name for rule in CATALOGUE.values() for name in rule.severity_of_findings}
    assert used == declared


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_rule_file_follows_the_rule_schema(path):
    """load_catalogue checks only what loading needs at run time; the full schema is checked here."""
    from k8scheck.yamlsource import load_single

    validate_rule(load_single(path.read_text(encoding="utf-8")), path)
