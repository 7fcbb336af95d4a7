"""Every rule fires exactly on the lines its fixtures mark, and stays silent on passes-* fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, expected_columns, expected_lines, fixture_options, markers
from support import lint_paths

from k8scheck.catalogue import load_catalogue, rule_schema, stage_slugs
from k8scheck.checks import REGISTRY, STAGES, TEMPLATES, check_of
from k8scheck.loader import load

CATALOGUE = load_catalogue()
RULE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name in CATALOGUE)
COLUMN_GROUPS = ("refs", "schema")
CASES = [(d.name, f) for d in RULE_DIRS for f in sorted(d.glob("*.yaml")) if f.name.startswith(("fires-", "passes-"))]


def run_fixture(slug: str, path: Path):
    options = fixture_options(path)
    extra = {}
    if "kube-version" in options:
        extra["kube_version"] = options["kube-version"]
    if "image-catalog" in options:
        extra["image_catalog"] = str(path.parent / options["image-catalog"])
    if "from" in options:  # the applied state, as --diff-base would load it
        extra["old_manifests"] = load([str(path.parent / options["from"])]).manifests
    # Stage rules judge the other rules' findings; `# rules: all` runs every rule, for a
    # rule whose finding is dropped or folded into another rule's (k8scheck.merge).
    select = () if slug in stage_slugs("suppress") or options.get("rules") == "all" else [slug]
    return lint_paths([path], select=select, **extra)


@pytest.mark.parametrize("slug,path", CASES, ids=[f"{s}/{p.name}" for s, p in CASES])
def test_fixture_lines(slug, path):
    report = run_fixture(slug, path)
    fired = {f.location.line for f in report.findings if f.rule == slug}
    places = [(f.location.line, f.location.column) for f in report.findings if f.rule == slug]
    # One mistake, one finding: a rule never reports twice at one place.
    assert len(places) == len(set(places)), [(f.location.line, f.message) for f in report.findings]
    expected = expected_lines(path, slug)
    if path.name.startswith("passes-"):
        assert not expected, "a passes-* fixture must not expect findings"
        assert fired == set(), [f.message for f in report.findings]
    else:
        assert expected, "a fires-* fixture must mark at least one line with # expect:"
        assert fired == expected, [(f.location.line, f.message) for f in report.findings]
    # `# expect: slug@col`: every finding on a line whose marker states columns is at one of them.
    columns = expected_columns(path, slug)
    lines = {line for line, _ in columns}
    at = {(f.location.line, f.location.column) for f in report.findings if f.rule == slug and f.location.line in lines}
    assert at == columns, [(f.location.line, f.location.column, f.message) for f in report.findings]


@pytest.mark.parametrize("group", COLUMN_GROUPS)
def test_fires_fixtures_state_columns(group):
    """Every marker in the fires-* fixtures of these groups carries its column (yamllint's (line, col))."""
    bare = [
        f"{path.relative_to(FIXTURES)}:{m.line}"
        for slug, path in CASES
        if CATALOGUE[slug].group == group and path.name.startswith("fires-")
        for m in markers(path)
        if m.slug == slug and m.column is None
    ]
    assert bare == []


def test_every_rule_has_fixtures_both_ways():
    missing = []
    for slug in CATALOGUE:
        directory = FIXTURES / slug
        fires = list(directory.glob("fires-*.yaml")) if directory.is_dir() else []
        passes = list(directory.glob("passes-*.yaml")) if directory.is_dir() else []
        if not fires or not passes:
            missing.append(slug)
    assert missing == []


def test_every_fixture_directory_names_a_rule():
    special = {"seeds", "examples", "catalogs", "rollouts", "why", "layouts", "simulate"}
    stray = [p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in CATALOGUE and p.name not in special]
    assert stray == []


def test_every_catalogue_rule_has_a_check_and_every_check_a_rule():
    assert set(REGISTRY) <= set(CATALOGUE)
    assert [slug for slug, rule in CATALOGUE.items() if check_of(rule) is None] == []
    assert not any(CATALOGUE[slug].stage for slug in REGISTRY), "a stage's rule has no check of its own"
    assert set(TEMPLATES) == set(rule_schema()["properties"]["template"]["properties"]["name"]["enum"])
    assert set(STAGES) == set(rule_schema()["properties"]["stage"]["enum"])
