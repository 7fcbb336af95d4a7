"""Cross-object rules: fixtures both ways, documented examples, and the seed failure modes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import expected_lines

from k8scheck.catalogue import load_catalogue
from k8scheck.checks import check_of, refs
from k8scheck.engine import lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# Every rule whose check lives in k8scheck/checks/refs.py.
SLUGS = sorted(slug for slug, rule in load_catalogue().items() if check_of(rule).__module__ == refs.__name__)


def fixture_cases():
    for slug in SLUGS:
        for path in sorted((FIXTURES / slug).glob("*.yaml")):
            yield pytest.param(slug, path, id=f"{slug}/{path.name}")


def test_every_rule_has_fixtures_both_ways():
    assert len(SLUGS) >= 20
    for slug in SLUGS:
        names = [p.name for p in (FIXTURES / slug).glob("*.yaml")]
        assert any(n.startswith("fires-") for n in names), f"{slug}: no fires-*.yaml"
        assert any(n.startswith("passes-") for n in names), f"{slug}: no passes-*.yaml"


@pytest.mark.parametrize("slug,path", list(fixture_cases()))
def test_fixture(slug, path):
    report = lint([str(path)], select=[slug])
    assert not [e for e in report.errors if e.file == "<k8scheck>"], report.errors
    got = {f.location.line for f in report.findings if f.rule == slug}
    want = expected_lines(path, slug)
    if path.name.startswith("fires-"):
        assert want, f"{path.name} marks no line with # expect: {slug}"
    else:
        assert not want
    assert got == want, [(f.location.line, f.message) for f in report.findings]


def _run_text(tmp_path, text, slug, options=None):
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    report = lint([str(path)], select=[slug], options=options)
    assert not [e for e in report.errors if e.file == "<k8scheck>"], report.errors
    return [f for f in report.findings if f.rule == slug]


@pytest.mark.parametrize("slug", SLUGS)
def test_docs_example_fires_and_fix_is_silent(tmp_path, slug):
    rule = load_catalogue()[slug]
    assert _run_text(tmp_path, rule.docs["example"], slug), f"{slug}: docs example does not fire"
    assert not _run_text(tmp_path, rule.docs["fix"], slug), f"{slug}: docs fix fires"
