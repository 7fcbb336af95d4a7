"""Fixtures and rule docs of the image rules, checked line by line.

Each ``fixtures/image-*/*.yaml`` marks the lines where a finding must land with
``# expect: <slug>``; the fixture is loaded with ruamel (only here, in the test,
to turn the finding's field path into a line) and every image rule runs on it:
the set of (line, rule) found must equal the set marked.  A first-line comment
``# image-catalog: catalog.yaml`` runs the registry rules with that catalog.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from k8scheck.catalogue import stage_slugs
from k8scheck.images import check_images, image_problems, image_references, registry_problems

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("image-*/*.yaml"))
FIXTURES = [f for f in FIXTURES if f.name.startswith(("fires-", "passes-"))]
RULE_FILES = sorted((ROOT / "rules").glob("image-*.yaml"))
RULES = stage_slugs("images", "image-registry")  # the slugs k8scheck.images emits
EXPECT_RE = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")
CATALOG_RE = re.compile(r"^#\s*image-catalog:\s*(\S+)")


def line_of(doc, path) -> int:
    node = doc
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    line = node.lc.item(last)[0] if isinstance(last, int) else node.lc.value(last)[0]
    return line + 1


def findings(text: str, catalog_dir: Path) -> set[tuple[int, str]]:
    docs = [d for d in YAML(typ="rt").load_all(io.StringIO(text)) if d is not None]
    out = set()
    problems_by_doc = [(d, image_problems(d)) for d in docs]
    first = text.splitlines()[0] if text else ""
    m = CATALOG_RE.match(first)
    if m:
        verdicts = check_images(image_references(docs), cache_path=None, catalog=catalog_dir / m.group(1))
        problems_by_doc = [(d, ps + registry_problems(d, verdicts)) for d, ps in problems_by_doc]
    for doc, problems in problems_by_doc:
        for p in problems:
            out.add((line_of(doc, p.path), p.rule))
    return out


def expected(text: str) -> set[tuple[int, str]]:
    return {(n, m.group(1)) for n, line in enumerate(text.splitlines(), 1) if (m := EXPECT_RE.search(line))}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_fires_exactly_on_marked_lines(fixture):
    text = fixture.read_text()
    marked = expected(text)
    if fixture.name.startswith("fires-"):
        assert marked, "a fires- fixture must mark at least one line"
        assert {rule for _, rule in marked} == {fixture.parent.name}
    else:
        assert not marked
    assert findings(text, fixture.parent) == marked


def test_every_image_rule_has_fixtures_both_ways_and_a_catalogue_entry():
    for slug in RULES:
        names = [f.name for f in FIXTURES if f.parent.name == slug]
        assert any(n.startswith("fires-") for n in names), slug
        assert any(n.startswith("passes-") for n in names), slug
        assert (ROOT / "rules" / f"{slug}.yaml").is_file(), slug
    assert {f.parent.name for f in FIXTURES} <= set(RULES)
    assert {f.stem for f in RULE_FILES} == set(RULES)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.stem)
def test_rule_entry_is_complete_and_its_example_fires_and_fix_does_not(rule_file):
    entry = YAML(typ="safe").load(rule_file.read_text())
    slug = rule_file.stem
    assert entry["slug"] == slug
    assert entry["stage"] in ("images", "image-registry")
    assert isinstance(entry["summary"], str) and entry["summary"].strip()
    assert isinstance(entry.get("params", {}), dict)
    docs = entry["docs"]
    for key in ("what", "why", "example", "fix"):
        assert isinstance(docs[key], str) and len(docs[key].strip()) > 20, key
    catalog_dir = ROOT / "fixtures" / slug
    assert slug in {rule for _, rule in findings(docs["example"], catalog_dir)}
    assert slug not in {rule for _, rule in findings(docs["fix"], catalog_dir)}
