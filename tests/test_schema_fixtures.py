"""Every schema rule fires exactly on the lines its fixtures mark, and stays
silent on its passes-* fixtures."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from k8scheck.schema import SchemaValidator, newest_version

ROOT = Path(__file__).resolve().parent.parent
SLUGS = [
    "schema-unknown-field",
    "schema-type",
    "schema-required",
    "schema-enum",
    "schema-invalid-value",
    "unknown-kind",
]
EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")


def load_documents(path: Path):
    """(plain object, round-trip node) per document; the node knows line numbers."""
    yaml = YAML(typ="rt")
    nodes = [d for d in yaml.load_all(io.StringIO(path.read_text())) if d is not None]
    return [(json.loads(json.dumps(n)), n) for n in nodes]


def line_of(node, path, at) -> int | None:
    """1-based line of a Problem's path inside a round-trip document."""
    parent, last = node, None
    for part in path:
        parent, last = node, part
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    if last is None:
        return None
    if isinstance(last, int):
        return parent.lc.item(last)[0] + 1
    if at == "key":
        return parent.lc.key(last)[0] + 1
    return parent.lc.value(last)[0] + 1


def findings(path: Path) -> set[tuple[str, int]]:
    documents = load_documents(path)
    crds = [obj for obj, _ in documents if isinstance(obj, dict) and obj.get("kind") == "CustomResourceDefinition"]
    validator = SchemaValidator(newest_version(), crds=crds)
    found = set()
    for obj, node in documents:
        for problem in validator.validate(obj):
            found.add((problem.rule, line_of(node, problem.path, problem.at)))
    return found


def expected(path: Path) -> set[tuple[str, int]]:
    return {
        (match.group(1), number)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for match in [EXPECT.search(line)]
        if match
    }


def whole_pipeline(path: Path) -> bool:
    """`# rules: all` fixtures state what the whole pipeline reports after merging
    findings (k8scheck.merge), not what the validator alone finds: test_fixtures.py runs them."""
    return path.read_text().startswith("# rules: all\n")


FIXTURES = sorted(p for slug in SLUGS for p in (ROOT / "fixtures" / slug).glob("*.yaml") if not whole_pipeline(p))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path):
    if path.name.startswith("fires-"):
        assert expected(path), "a fires-* fixture must mark its lines"
        assert findings(path) == expected(path)
    else:
        assert path.name.startswith("passes-")
        assert findings(path) == set()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_rule_has_fixtures_both_ways(slug):
    names = [p.name for p in (ROOT / "fixtures" / slug).glob("*.yaml")]
    assert any(n.startswith("fires-") for n in names)
    assert any(n.startswith("passes-") for n in names)


@pytest.mark.parametrize("slug", SLUGS)
def test_rule_docs_example_fires_and_fix_passes(slug, tmp_path):
    spec = YAML(typ="safe").load((ROOT / "rules" / f"{slug}.yaml").read_text())
    assert spec["slug"] == slug
    assert spec["severity"] in ("error", "warning", "info")
    assert spec["summary"] and all(spec["docs"][k] for k in ("what", "why", "example", "fix"))
    for key, should_fire in (("example", True), ("fix", False)):
        objects = [d for d in YAML(typ="safe").load_all(spec["docs"][key]) if d is not None]
        crds = [o for o in objects if o.get("kind") == "CustomResourceDefinition"]
        validator = SchemaValidator(newest_version(), crds=crds)
        rules = {p.rule for o in objects for p in validator.validate(o)}
        assert (slug in rules) is should_fire, (key, rules)
