"""k8scheck decodes YAML as kubectl does: a differential test against recorded reference output.

tests/data/yaml_reference.json holds a generated corpus of YAML edge cases and what
sigs.k8s.io/yaml.YAMLToJSON (over go-yaml v2, documents split as kubectl splits them)
made of each: the JSON documents, or an error. Regenerate it with
scripts/yaml-reference/generate.py (needs Go; see the README there).

Where the reference accepts a text, k8scheck must decode the same JSON values and
report no yaml-syntax problem; where it rejects one, k8scheck must report
yaml-syntax. The texts in KNOWN below are the differences still open, each with
its reason; the test also fails when one of them starts to agree, so the list
only shrinks.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from k8scheck.yamlsource import parse_stream

DATA = json.loads((Path(__file__).parent / "data" / "yaml_reference.json").read_text(encoding="utf-8"))
CASES = DATA["cases"]

TRAILING = (
    "kubectl decodes only the first YAML document of each '---'-separated chunk and silently drops "
    "the rest; k8scheck reports the unparseable remainder, which kubectl would lose"
)
KNOWN = {
    "[a]b]\n": TRAILING,
    "[a]b, x]\n": TRAILING,
    "{k: a}b}\n": TRAILING,
    "[a]b\n": TRAILING,
    "a: 1\n... # c\nb: 2\n": TRAILING,
}


def _same(mine, reference) -> bool:
    """JSON equality that keeps booleans, numbers and strings apart."""
    if isinstance(reference, bool) or isinstance(mine, bool):
        return type(mine) is type(reference) and mine == reference
    if isinstance(reference, (int, float)):
        if not isinstance(mine, (int, float)):
            return False
        if isinstance(mine, float) or isinstance(reference, float):  # Go prints float64 1e19 as 10000000000000000000
            return float(mine) == float(reference) or (math.isnan(mine) and math.isnan(reference))
        return mine == reference
    if isinstance(reference, dict):
        return (
            isinstance(mine, dict)
            and mine.keys() == reference.keys()
            and all(_same(mine[k], v) for k, v in reference.items())
        )
    if isinstance(reference, list):
        return isinstance(mine, list) and len(mine) == len(reference) and all(map(_same, mine, reference))
    return type(mine) is type(reference) and mine == reference


def agrees(row) -> tuple[bool, str]:
    documents, problems = parse_stream(row["yaml"])
    syntax = [p.message for p in problems if p.rule == "yaml-syntax"]
    if "error" in row:
        return bool(syntax), f"kubectl rejects ({row['error']}) but k8scheck reads {[d.value for d in documents]}"
    if syntax:
        return False, f"kubectl reads {row['docs']} but k8scheck reports {syntax[0]}"
    # kubectl decodes an empty document to null and skips it; k8scheck has no document there.
    reference = [d for d in row["docs"] if d is not None]
    mine = [d.value for d in documents if d.value is not None]
    return (
        len(mine) == len(reference) and all(map(_same, mine, reference))
    ), f"kubectl reads {reference}, k8scheck {mine}"


@pytest.mark.parametrize("row", CASES, ids=[repr(r["yaml"])[:60] for r in CASES])
def test_decodes_what_kubectl_decodes(row):
    ok, why = agrees(row)
    if row["yaml"] in KNOWN:
        assert not ok, f"now agrees with kubectl; remove it from KNOWN ({KNOWN[row['yaml']]})"
        pytest.xfail(KNOWN[row["yaml"]])
    assert ok, why


def test_corpus_is_broad():
    assert len(CASES) >= 300
    assert sum("error" in r for r in CASES) >= 50
    # plain scalars with a ':' inside a flow collection, which kubectl reads and libyaml rejects
    flow_colons = [r for r in CASES if "docs" in r and re.search(r"[\[{][^\"'\n]*[^\s\"']:[^\s,\]}]", r["yaml"])]
    assert len(flow_colons) >= 50


def test_one_pass_colon_finder_hides_what_libyaml_rescans_hide(monkeypatch):
    """A document with many flow colons is searched in one Python pass, not one C scan per colon;
    on every corpus case the result must equal the one from libyaml's rescans alone."""
    import k8scheck.yamlsource as yamlsource

    def hidden(threshold):
        monkeypatch.setattr(yamlsource, "_RESCANS_BEFORE_FINDER", threshold)
        out = {}
        for row in CASES:
            documents, problems = parse_stream(row["yaml"])
            out[row["yaml"]] = ([(d.value, d.spans) for d in documents], problems)
        return out

    assert hidden(0) == hidden(10**9)
