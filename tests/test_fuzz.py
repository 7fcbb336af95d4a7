"""Property-based robustness: no input crashes k8scheck, nothing is lost, output stays valid.

CI runs a bounded number of examples. The long run (documented in the README):

    K8SCHECK_FUZZ_EXAMPLES=100000 python -m pytest tests/test_fuzz.py -p no:randomly -q
"""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path

import jsonschema
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from k8scheck.engine import lint
from k8scheck.report import FORMATS
from k8scheck.report.json import report_data

EXAMPLES = int(os.environ.get("K8SCHECK_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(REPORT_SCHEMA)


def _seed_objects() -> list[dict]:
    yaml = YAML(typ="safe")
    objects = []
    for path in sorted((ROOT / "fixtures" / "seeds").rglob("*.yaml")) + sorted((ROOT / "examples").rglob("*.yaml")):
        for doc in yaml.load_all(path.read_text()):
            if isinstance(doc, dict):
                objects.append(doc)
    return objects


SEED_OBJECTS = _seed_objects()

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "yes",
            "no",
            "0755",
            "08",
            "1e3",
            "~",
            "null",
            "app",
            "hello-serve",
            "8080",
            "http",
            "*",
            "&a",
            "!!str",
            "é✓🚀",
            "a" * 300,
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.text(max_size=10)
            | st.sampled_from(["metadata", "spec", "name", "labels", "selector", "containers", "ports", "env"]),
            children,
            max_size=4,
        ),
    ),
    max_leaves=25,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _replace(obj, path, new):
    if not path:
        return new
    target = obj
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return obj


@st.composite
def mutated_manifests(draw):
    """A valid seed object with a few fields replaced, removed, or made strange."""
    obj = copy.deepcopy(draw(st.sampled_from(SEED_OBJECTS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = list(_paths(obj))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "nest", "listify", "null"]))
        if action == "delete" and path:
            parent = obj
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif action == "nest":
            obj = _replace(obj, path, {"a": [{"b": [{"c": draw(values)}]}]})
        elif action == "listify":
            obj = _replace(obj, path, [draw(values)])
        elif action == "null":
            obj = _replace(obj, path, None)
        else:
            obj = _replace(obj, path, draw(values))
        if not isinstance(obj, dict):
            break
    return obj


def _dump(documents, style) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = style
    stream = io.StringIO()
    yaml.dump_all(documents, stream)
    return stream.getvalue()


def check_invariants(report):
    internal = [e for e in report.errors if e.file == "<k8scheck>"]
    assert internal == [], internal
    VALIDATOR.validate(report_data(report))
    for name, render in FORMATS.items():
        assert isinstance(render(report, color=False, quiet=False), str), name
    return report


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    report = check_invariants(lint([str(path)]))
    # Every input is accounted for: read (with objects, findings or nothing at all) or listed as an error.
    assert report.files or report.errors


@FUZZ
@given(
    pieces=st.lists(
        st.sampled_from(
            list("ab:- \n\t[]{}&*!|>'\"#%@`,?0123456789yes")
            + ["---\n", "<<: ", "- ", "\r\n", "  ", "kind: ", "&a ", "*a"]
        ),
        max_size=80,
    )
)
def test_arbitrary_yaml_like_text(tmp_path, pieces):
    text = "".join(pieces)
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    check_invariants(lint([str(path)]))


@FUZZ
@given(documents=st.lists(values, min_size=1, max_size=3), flow=st.booleans())
def test_arbitrary_documents(tmp_path, documents, flow):
    path = tmp_path / "fuzz.yaml"
    path.write_text(_dump(documents, flow), encoding="utf-8")
    check_invariants(lint([str(path)]))


@FUZZ
@given(objects=st.lists(mutated_manifests(), min_size=1, max_size=4), flow=st.booleans(), duplicate=st.booleans())
def test_mutated_manifests(tmp_path, objects, flow, duplicate):
    if duplicate:
        objects = objects + objects[:1]
    path = tmp_path / "fuzz.yaml"
    path.write_text(_dump(objects, flow), encoding="utf-8")
    check_invariants(lint([str(path)]))


def test_nothing_is_lost_with_broken_files_mixed_in(tmp_path):
    good = (ROOT / "fixtures" / "seeds" / "simple-echo" / "simple-pod.yaml").read_text()
    for i in range(100):
        (tmp_path / f"good-{i:03d}.yaml").write_text(good.replace("simple-echo", f"echo-{i}"))
    broken = {
        "b-00.yaml": b"key: [unclosed\n",
        "b-01.yaml": b"\x00\x01\x02binary",
        "b-02.yaml": b"city: M\xfcnchen\n",
        "b-03.yaml": b"- just\n- a list\n",
        "b-04.yaml": b"plain text\n",
        "b-05.yaml": b"a: &a [x]\nb: *nope\n",
        "b-06.yaml": b"\tkind: Pod\n",
        "b-07.yaml": ("[" * 5000).encode(),
        "b-08.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\ndata: {a: '1', a: '2'}\n",
        "b-09.json": b'{"apiVersion": "v1", "kind": ',
    }
    for name, data in broken.items():
        (tmp_path / name).write_bytes(data)
    report = check_invariants(lint([str(tmp_path)]))
    data = report_data(report)
    assert data["summary"]["objects"] == 100 + 1  # every good pod, plus the readable ConfigMap of b-08
    # Every broken file is accounted for: an input error, a finding, or (in a walk,
    # when it holds no apiVersion and kind at all) a skipped non-manifest.
    named = (
        {Path(e["file"]).name for e in data["errors"]}
        | {Path(f["file"]).name for f in data["findings"]}
        | {Path(s["file"]).name for s in data["skipped"]}
    )
    assert set(broken) <= named, set(broken) - named
    # The binary and non-UTF-8 files could not be read as text; six hold no apiVersion and kind.
    assert data["summary"]["files"] == 100 + 2
    assert data["summary"]["skipped"] == 6
    assert len(data["errors"]) == 2


def test_found_by_the_long_run_port_name_that_is_a_list(tmp_path):
    """The 100,000-input run found this: a port whose name is a list crashed probe-port-missing."""
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25.3\n"
        "    ports: [{name: []}, {name: {a: 1}}]\n    readinessProbe: {httpGet: {port: http}}\n"
        "    volumeMounts: [{name: data, mountPath: /d}]\n  volumes: [{name: [x]}]\n"
    )
    path = tmp_path / "pod.yaml"
    path.write_text(text)
    report = check_invariants(lint([str(path)]))
    assert {"probe-port-missing", "volume-mount-missing"} <= {f.rule for f in report.findings}


@FUZZ
@given(objects=st.lists(mutated_manifests(), min_size=1, max_size=4))
def test_simulate_rollout_and_why_never_crash(tmp_path, objects):
    """The commands beyond lint walk the same malformed objects: simulate, rollout, why."""
    from k8scheck.context import Context, Options
    from k8scheck.loader import load
    from k8scheck.report.cluster import CLUSTER_FORMATS
    from k8scheck.report.rollout import ROLLOUT_FORMATS
    from k8scheck.report.why import WHY_FORMATS
    from k8scheck.rolloutplan import plan
    from k8scheck.simulate.cluster import simulate_cluster
    from k8scheck.why import TargetError, Walker, parse_target

    path = tmp_path / "fuzz.yaml"
    path.write_text(_dump(objects, False), encoding="utf-8")
    ctx = Context(load([str(path)]), Options())
    cluster = simulate_cluster(ctx)
    for render in CLUSTER_FORMATS.values():
        assert isinstance(render(cluster), str)
    for mode in ("auto", "fail"):
        predictions = plan(ctx, ctx.manifests, new_pods=mode, kube_version="1.31")
        for render in ROLLOUT_FORMATS.values():
            assert isinstance(render(predictions), str)
    walker = Walker(ctx, [])
    for raw in (
        "svc/echo",
        "nodeport:30599",
        "http://ch05.gihyo.local/",
        "deploy/hello-server",
        "hello-server-external.default.svc.cluster.local:8080",
    ):
        try:
            verdict = walker.walk(parse_target(raw, "default"))
        except TargetError:
            continue
        for render in WHY_FORMATS.values():
            assert isinstance(render(verdict), str)
