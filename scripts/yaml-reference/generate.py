"""Generate the YAML edge-case corpus and record what kubectl's decoder makes of it.

    python scripts/yaml-reference/generate.py            # corpus + reference (needs Go)
    python scripts/yaml-reference/generate.py --cases    # print the cases only

The reference is scripts/yaml-reference/main.go (sigs.k8s.io/yaml.YAMLToJSON over
gopkg.in/yaml.v2, documents split as kubectl splits them). The output,
tests/data/yaml_reference.json, is read by tests/test_yaml_reference.py, which
runs without Go. See README.md next to this file.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "data", "yaml_reference.json")

# Plain scalars that decode differently, or that contain indicators (: # - ? , [ ] { })
# in places where the scanners of libyaml and go-yaml disagree.
SCALARS = [
    # YAML 1.1 booleans, nulls, numbers (sigs.k8s.io/yaml resolves them; kubectl sees the result)
    "y", "n", "yes", "No", "on", "OFF", "true", "False", "~", "null", "NULL",
    "0755", "0o17", "0x1F", "0b101", "1_000", "08", "1e3", "1.5", ".5", "-.inf", ".nan", "+12",
    "9223372036854775808", "2024-01-01", "12:30:00", "1:20",
    # colons
    "--listen=0.0.0.0:8080", "http://x", "http://x:80/p?q=1#f", "a:b", "a:", "a::b", "::1",
    "localhost:5000/img:tag", "a:b:c", ":a",
    # other indicators inside or at the start of a plain scalar
    "a#b", "a-b", "-a", "-1", "a?b", "?a", "a,b", "a]b", "a}b", "a!b", "a&b", "a*b", "a|b", "a>b",
    "a'b", 'a"b', "a%b", "a@b", "a`b", "@a", "`a", "%a", "a b", "a  b",
]

# How each scalar is placed. {s} is the scalar.
CONTEXTS = [
    "k: {s}\n",
    "- {s}\n",
    "[{s}]\n",
    "[{s}, x]\n",
    "k: [{s}]\n",
    "{{k: {s}}}\n",
    "{{{s}: v}}\n",
    "{s}: v\n",
    "k: {{a: {s}, b: c}}\n",
]

STRUCTURE = [
    # the case, in a Deployment
    "spec:\n  containers:\n  - name: app\n    args: [--listen=0.0.0.0:8080, --v=2]\n",
    "args: [--listen=0.0.0.0:8080]\n",
    "args: [\"--listen=0.0.0.0:8080\"]\n",
    "args:\n- --listen=0.0.0.0:8080\n",
    # colons and values in flow collections
    "{a: b:c}\n", "{a:b}\n", "{a:b, c: d}\n", "{\"a\":b}\n", "{'a':b}\n", "{\"a\": b}\n", "[a: b]\n",
    "[a:b]\n", "[a: b:c]\n", "[a:, b]\n", "[a :b]\n", "{a :b}\n", "[a, b:c, d: e]\n", "{a: [b:c]}\n",
    "[{a: b:c}]\n", "[:a]\n", "{:a}\n", "[a:\n]\n", "{a: b:\n}\n", "[a: ]\n", "{a: }\n", "{a}\n",
    "{a, b}\n", "{a, b: c}\n", "[a, b, ]\n", "{a: 1, }\n", "[? a : b]\n", "{? a : b}\n", "[? a]\n",
    "{? a}\n", "[a,b]\n", "[ a , b ]\n", "[a\n, b]\n", "[a,\nb]\n", "[a #c\n]\n", "[a#b]\n",
    "[-1, - 1]\n", "[-a]\n", "[- a]\n", "[?a]\n", "[a?b]\n", "[a ?b]\n", "{a: b?c}\n", "{a?: b}\n",
    "[a]b\n", "[[a:b]]\n", "[{}]\n", "{a: {}}\n", "[]\n", "{}\n", "[a\n  b]\n", "k: [a,\n  b:c]\n",
    "k: [a,\nb]\n", "k:\n  [a:b]\n", "[a:b\n c]\n", "{a: b\n c}\n", "{a:\n b}\n", "[\"a\":b]\n",
    "['a':b]\n", "[a]: b\n", "{a: b}: c\n", "[a:b]: c\n", "\"a:b\": c\n", "a:b: c\n", "a: b: c\n",
    "a: b:c\n", "a:: b\n", "? a\n: b\n", "? a\n", "? [a:b]\n: c\n", "? a:b\n: c\n", "?a: b\n", ":a: b\n",
    "-a: b\n", "- a:b\n", "- a: b:c\n", "-\n  a\n",
    # tabs
    "a:\tb\n", "a: b\tc\n", "a: b\t\n", "\ta: b\n", "a:\n\tb: c\n", "a:\n  b:\tc\n", "[a,\tb]\n",
    "{a:\tb}\n", "- \ta\n", "-\ta\n", "a: |\n\tx\n", "a: |\n  \tx\n", "a: \"b\tc\"\n", "a:\t\"b\"\n",
    "a: b\n\t\n", "a: b\n  \tc\n", "a: [b,\n\tc]\n", "a: b #\tc\n",
    # quoting and escapes
    "a: 'it''s'\n", "a: \"\\t\\u00e9\\x41\"\n", "a: \"a\\\n  b\"\n", "a: 'a\n  b'\n", "a: \"\\N\\_\\L\\P\"\n",
    "a: \"\\U0001F600\"\n", "a: \"\\q\"\n", "a: 'unterminated\n", "a: \"\"\n", "a: ''\n", "'a': 1\n",
    "\"a\" : 1\n", "a: \"x\" y\n", "a: 'x' y\n",
    # multi-line plain and block scalars
    "a: b\n  c\n", "a: b\n\n  c\n", "a: b\nc\n", "a: |\n  x\n  y\n", "a: >\n  x\n  y\n", "a: |-\n  x\n",
    "a: |+\n  x\n\n", "a: >2\n   x\n", "a: |\n  x\n # c\n", "a: |\nx\n", "- |\n x\n- y\n", "a: |1\n  x\n",
    # anchors, aliases, merge keys
    "a: &x 1\nb: *x\n", "a: &x {p: 1}\nb: *x\n", "a: &x [1, 2]\nb: *x\n", "b: *x\n",
    "base: &b {p: 1, q: 2}\nd:\n  <<: *b\n  q: 3\n", "base: &b {p: 1}\nd:\n  q: 3\n  <<: *b\n",
    "a: &a {p: 1}\nb: &b {q: 2}\nd:\n  <<: [*a, *b]\n", "d:\n  <<: {p: 1}\n", "d:\n  <<: 1\n",
    "d:\n  <<: [1]\n", "a: &a {p: 1}\nd: {<<: *a, p: 2}\n", "&x a: b\n", "a: &x\nb: *x\n", "*x : b\n",
    "a: &x b\n*x : c\n", "a: & b\n", "a: &x &y b\n", "a: !!str &x b\n", "a: &x !!str b\n",
    "a: &x [*x]\n",
    # multi-document streams
    "a: 1\n---\nb: 2\n", "---\na: 1\n", "a: 1\n...\n---\nb: 2\n", "--- a: 1\n", "--- {a: 1}\n",
    "--- |\n  text\n", "a: 1\n--- \nb: 2\n", "a: 1\n---x\nb: 2\n", "a: 1\n---\n", "---\n---\na: 1\n",
    "%YAML 1.1\n---\na: 1\n", "%YAML 1.2\n---\na: 1\n", "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "a: 1\n...\n", "a: 1\n... # c\nb: 2\n", "# only a comment\n", "", "\n\n", "---\n", "a: 1\n---\n[\n",
    "a: [\n---\nb: 1\n", "a: 1\n# c\n---\n# c\nb: 2\n",
    # tags
    "a: !!str 1\n", "a: !!int \"1\"\n", "a: !!int x\n", "a: !!float 1\n", "a: !!bool yes\n", "a: !!null x\n",
    "a: !foo x\n", "a: ! 1\n", "a: !!binary aGk=\n", "a: !!map {b: 1}\n", "a: !!seq [1]\n",
    "a: !!timestamp 2024-01-01\n", "a: !<tag:yaml.org,2002:str> 1\n", "a: !!python/object x\n",
    "a: !!str\n", "a: !!set {x}\n", "a: !!omap [{x: 1}]\n", "!!str 1: a\n", "a: !!int 0755\n",
    "a: !!float .inf\n",
    # keys
    "y: 1\n", "on: 1\n", "no: 1\n", "~: 1\n", "null: 1\n", "1: a\n", "0x10: a\n", "1.5: a\n",
    "3.14159265358979: a\n", "1e3: a\n", ".inf: a\n", "-.inf: a\n", ".nan: a\n", "9223372036854775808: a\n",
    "true: a\nyes: b\n", "\"\": a\n", "'': a\n", ": a\n", "[a]: b\n", "{a: 1}: b\n", "? - a\n: b\n",
    "a: 1\na: 2\n", "a: 1\nb: {a: 1, a: 2}\n", "1: a\n\"1\": b\n", "y: 1\ntrue: 2\n", "? |\n  x\n: 1\n",
    # values JSON cannot hold
    "a: .inf\n", "a: -.inf\n", "a: .nan\n", "a: [.inf]\n", "a: 1e400\n", "a: 18446744073709551615\n",
    "a: 18446744073709551616\n", "a: -9223372036854775809\n", "a: 0x8000000000000000\n",
    # odd structure
    "a:\n  - b\n  -c\n", "a:\n- b\n- c\n", "a:\n  b: 1\n c: 2\n", "a: 1\n b: 2\n", "- a\nb: 1\n",
    "a: b\n- c\n", "a:\n  b\n  c: 1\n", "a: - b\n", "- - a\n  - b\n", "- a: 1\n  b: 2\n", "a: 'b'c\n",
    "key with spaces: v\n", "a:b\n", "a :b\n", "a : b\n", "a:\n", "- \n", "-\n", "[a, [b, [c]]]\n",
    "{\n  \"a\": 1,\n  \"b\": [true, false, null]\n}\n", "a: b # c\n", "a: b#c\n", "a: 'b' # c\n",
    "# c\na: b\n", "a: @b\n", "a: `b\n", "a: %b\n", "a: |x\n", "a: >-\n", "a: b\r\nc: d\r\n",
    "\ufeffa: b\n", "a: \u00e9\n", "a: \x07\n", "a: \u0085b\n", "a: b\u2028c\n", "a: \"\\x00\"\n",
    "a: [b, c]]\n", "a: {b: c}}\n", "a: [b\n", "a: {b\n", "[\n", "]\n", "}\n", "a: \"b\n",
    "- &a x\n- *a\n- *a\n", "a: -\n", "a: - \n", "a: ?\n", "a: :\n", "a: ,\n", "a: ,b\n", "a: [,]\n",
    "a: {,}\n", "a: [,a]\n", "a: [a,,b]\n",
    # flow colons across documents, comments, quotes, anchors and tags
    "a: [x:y]\n---\nb: [z:w]\n", "a: 1\n---\nb: [z:w, v:u]\n...\n---\nc: {k: l:m}\n", "--- [a:b]\n",
    "[a:b #c\n]\n", "[a:b#c]\n", "{\"a\":b:c}\n", "- [a:b]\n- {c: d:e}\n", "[&x a:b, *x]\n",
    "[!!str a:b]\n", "{a: !!str b:c}\n", "[a:b\t]\n", "[\ta:b]\n", "[a:b,\n\tc:d]\n", "[a:b:]\n",
    "[a:b: c]\n", "{a:b: c:d}\n", "[a:,b:]\n", "[x, y:z\n  w:v, u]\n", "k: [a:b]\nk2: [c:d]\nk3: {e: f:g}\n",
    "\ufeff[a:b]\n", "a: \u00e9\nb: [x:y]\n", "[a:b\n---\n", "[a:b, [c\n",
    # unknown and local tags keep the text (go-yaml resolves only the standard tags)
    "a: !foo 1\n", "a: !foo yes\n", "a: !foo ~\n", "a: ! yes\n", "a: !!python/object 1\n",
    "a: !!int 1.5\n", "a: !!bool x\n", "a: !!float x\n", "a: !!int \"\"\n", "a: !!null \"\"\n",
    "a: !!binary \"!!\"\n", "a: !!binary |\n  aGVs\n  bG8=\n",
    # float and special keys as kubectl prints them
    "0.1: a\n", "1e6: a\n", "1e21: a\n", "123456789.0: a\n", "0.000001: a\n", "-0.0: a\n", "1.0: a\n",
]


def cases() -> list[str]:
    out = []
    for scalar, context in itertools.product(SCALARS, CONTEXTS):
        out.append(context.format(s=scalar))
    out.extend(STRUCTURE)
    seen = set()
    return [c for c in out if not (c in seen or seen.add(c))]


def reference(texts: list[str]) -> list[dict]:
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off")
    binary = os.path.join(env.get("TMPDIR", "/tmp"), "k8scheck-yamlreference")
    subprocess.run(["go", "build", "-o", binary, "."], cwd=HERE, env=env, check=True)
    done = subprocess.run([binary], input=json.dumps(texts).encode(), capture_output=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    texts = cases()
    if "--cases" in sys.argv:
        json.dump(texts, sys.stdout, indent=1)
        return
    results = reference(texts)
    rows = [{"yaml": text, **result} for text, result in zip(texts, results)]
    with open(OUT, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "reference": "sigs.k8s.io/yaml v1.3.0 YAMLToJSON over gopkg.in/yaml.v2 v2.4.0 "
                "(Debian golang-k8s-sigs-yaml-dev, golang-gopkg-yaml.v2-dev), documents split like "
                "k8s.io/apimachinery's YAMLReader",
                "cases": rows,
            },
            handle,
            indent=1,
            ensure_ascii=False,
        )
        handle.write("\n")
    accepted = sum("docs" in r for r in rows)
    print(f"{len(rows)} cases, {accepted} accepted, {len(rows) - accepted} rejected -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
