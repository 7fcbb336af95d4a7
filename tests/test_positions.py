"""Positions come from the one parse: a compact tape per document, resolved on demand."""

from __future__ import annotations

from k8scheck import model, yamlsource
from k8scheck.engine import lint
from k8scheck.positions import DocumentPositions, SpanCache
from k8scheck.yamlsource import parse_stream

MERGES = """\
base: &b {k: &k v, <<: {m: 1}}
use:
  <<: *b
  k2: *k
list:
  <<: [*b, {z: [1, {w: 2}]}]
  k: own
dup: 1
dup: {x: 1}
"""


def test_spans_of_aliases_merges_and_duplicate_keys_come_from_the_tape():
    (document,), _ = parse_stream(MERGES)
    spans = document.spans
    assert spans[("use", "k")][:2] == (0, 13)  # merged from the anchor: written in base
    assert spans[("use", "m")][:2] == (0, 27)
    assert spans[("use", "k2")][:2] == (3, 6)  # an alias scalar: the alias itself
    assert spans[("list", "k")][:2] == (6, 5)  # an explicit key wins over merged ones
    assert spans[("list", "z", 1, "w")][:2] == (5, 23)
    assert spans[("dup",)][:2] == (8, 5)  # the value kept is the last one
    assert ("dup", "x") in spans


def test_the_tape_is_compact_bytes_and_keys_are_the_decoded_keys():
    (document,), _ = parse_stream("a: {b: [1, 2]}\n")
    positions = document.positions
    assert isinstance(positions.tape, bytes)
    assert positions.keys == ["a", "b"] and positions.keys[0] is next(iter(document.value))


def test_a_run_cache_bounds_the_resolved_indexes():
    cache = SpanCache(limit=2)
    documents = [parse_stream(f"a{i}: 1\n")[0][0].positions for i in range(4)]
    for positions in documents:
        positions.cache = cache
        assert positions.spans()
    assert [p.resolved is not None for p in documents] == [False, False, True, True]
    assert isinstance(documents[0], DocumentPositions) and documents[0].spans()[("a0",)][:2] == (0, 4)


def test_each_file_is_parsed_once_even_with_findings_everywhere(tmp_path, monkeypatch):
    for i in range(5):
        (tmp_path / f"app{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}  # k8scheck: ignore[no-such-rule]\n"
            "spec:\n  containers:\n  - name: c\n    image: nginx:latest\n"
        )
    calls = []
    real = yamlsource._read
    monkeypatch.setattr(yamlsource, "_read", lambda text, *a: calls.append(text) or real(text, *a))
    report = lint([str(tmp_path)])
    assert report.findings and {f.location.file for f in report.findings} >= {
        str(tmp_path / f"app{i}.yaml") for i in range(5)
    }
    assert (
        sum(1 for text in calls if text.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p")) == 5
    )  # k8scheck's own data files aside
    assert not hasattr(model, "_SPAN_CACHE")


def test_lines_beyond_16_bits_keep_their_positions():
    text = "data:\n" + "".join(f"  k{i}: v\n" for i in range(70_000))
    (document,), _ = parse_stream(text)
    assert document.positions.tape[:1] == b"i"
    assert document.spans[("data", "k69999")][:2] == (70_000, 10)
    (small,), _ = parse_stream("a: 1\n")
    assert small.positions.tape[:1] == b"H"
