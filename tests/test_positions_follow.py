"""Following one path on the position tape answers exactly what replaying the whole tape answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8scheck.positions import follow, locate
from k8scheck.yamlsource import parse_stream

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".yaml", ".yml", ".json")
TEXTS = sorted(p for d in ("fixtures", "examples") for p in (ROOT / d).rglob("*") if p.suffix in SUFFIXES)

TRICKY = """\
base: &base {a: 1, b: [x, y]}
merged:
  <<: *base
  b: own
dup: 1
dup: 2
nested:
  - name: one
    ports: [{containerPort: 80}, {containerPort: 81}]
  - name: two
    empty: {}
    block: |
      text
"""


def _probes(spans: dict) -> list[tuple]:
    """Every written path, a missing child of each, and a path through a scalar."""
    probes = []
    for path in spans:
        probes += [path, path + ("missing",), path + (0,), path + ("missing", "deeper")]
    return probes


def _documents(text: str):
    documents, _ = parse_stream(text)
    return [d for d in documents if d.positions is not None]


@pytest.mark.parametrize("text", [TRICKY, "", "just a scalar\n", "- [a, [b, {c: d}]]\n"], ids=range(4))
def test_follow_agrees_with_replay_on_tricky_documents(text):
    for document in _documents(text):
        spans = document.positions.spans()
        for path in _probes(spans) + [("dup",), ("merged", "a"), ("base", "b", 1)]:
            _agree(document, spans, path)


def test_follow_agrees_with_replay_on_every_fixture():
    checked = 0
    for file in TEXTS:
        for document in _documents(file.read_text(encoding="utf-8", errors="replace")):
            spans = document.positions.spans()
            for path in _probes(spans)[:400]:
                _agree(document, spans, path)
                checked += 1
    assert checked > 10_000


def test_only_a_plain_document_is_followed():
    assert not _documents(TRICKY)[0].positions.plain  # aliases, a merge key, a duplicate key
    assert not _documents("a: &x 1\nb: *x\n")[0].positions.plain
    assert not _documents("a: 1\na: 2\n")[0].positions.plain
    assert not _documents("a: {<<: {b: 1}}\n")[0].positions.plain
    document = _documents("a: &x 1\nb: [1, {c: d}]\n")[0]  # an anchor alone changes nothing
    assert document.positions.plain
    assert follow(document.positions.tape, document.positions.keys, ("b", 1, "c")) == (3, (1, 11, 1, 12, 1, 8, 1, 9))
    assert follow(document.positions.tape, document.positions.keys, ("b", 1, "x")) == (2, (1, 7, 1, 13, -1, -1, -1, -1))


def _agree(document, spans, path):
    fresh = type(document.positions)(document.positions.tape, document.positions.keys, document.positions.plain)
    for at in ("value", "key"):
        assert fresh.locate("f", path, at) == locate("f", spans, path, at), (path, at)
