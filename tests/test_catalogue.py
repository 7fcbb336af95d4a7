"""The catalogue is valid, complete, and its documented examples tell the truth."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, OPTION, ROOT
from support import lint_text

from k8scheck.catalogue import CatalogueError, load_catalogue, validate_rule
from k8scheck.checks import STAGE_RULES
from k8scheck.loader import load

CATALOGUE = load_catalogue()


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
    select = () if slug in STAGE_RULES else [slug]  # stage rules judge the other rules' findings
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
