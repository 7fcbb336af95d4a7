"""Positions on awkward YAML, and bad input that must never stop the run."""

from __future__ import annotations

import os

import pytest

from k8scheck.loader import load, template_placeholder
from k8scheck.positions import Location
from k8scheck.yamlsource import MAX_ALIAS_NODES, MAX_DEPTH, parse_stream


def _write(tmp_path, name, content, mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def one(tmp_path, text, name="m.yaml"):
    result = load([str(_write(tmp_path, name, text))])
    return result


def where(manifest, *path, at="value"):
    loc = manifest.locate(path, at)
    return (loc.line, loc.column)


# -- positions ---------------------------------------------------------------


def test_leading_comments_and_bare_separators(tmp_path):
    result = one(
        tmp_path,
        "# leading comment\n---\n---\n# another\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  K: "
        "v\n",
    )
    (m,) = result.manifests
    assert where(m, "data", "K") == (10, 6)
    assert where(m, "data", "K", at="key") == (10, 3)
    assert m.document == 1  # the empty document was skipped


def test_block_scalar_document_is_not_an_object(tmp_path):
    result = one(tmp_path, "--- |\n  some text\n")
    assert result.manifests == []
    assert [d.rule for d in result.diagnostics] == ["document-not-object"]


def test_crlf_line_endings(tmp_path):
    result = one(tmp_path, "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  A: b\r\n")
    (m,) = result.manifests
    assert m.name == "crlf"
    assert where(m, "data", "A") == (6, 6)


def test_utf8_bom(tmp_path):
    path = _write(
        tmp_path,
        "bom.yaml",
        "\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bom\n".encode("utf-8"),
        mode="wb",
    )
    result = load([str(path)])
    (m,) = result.manifests
    assert m.api_version == "v1" and m.name == "bom"
    assert where(m, "metadata", "name") == (4, 9)


def test_utf16_with_bom(tmp_path):
    path = _write(
        tmp_path, "u16.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n".encode("utf-16"), mode="wb"
    )
    (m,) = load([str(path)]).manifests
    assert m.name == "wide"


def test_flow_style_positions(tmp_path):
    result = one(tmp_path, '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}, "data": {"a": 1}}\n')
    (m,) = result.manifests
    assert where(m, "data", "a") == (1, 84)


def test_json_file_with_tabs(tmp_path):
    text = '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"metadata": {\n\t\t"name": "tabs"\n\t}\n}\n'
    (m,) = one(tmp_path, text, name="m.json").manifests
    assert m.name == "tabs"
    assert where(m, "metadata", "name") == (5, 11)


def test_anchor_alias_and_merge_key_positions(tmp_path):
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        "  labels: &l\n    app: web\n"
        "  annotations:\n    <<: *l\n    extra: x\n"
    )
    (m,) = one(tmp_path, text).manifests
    assert m.metadata["annotations"] == {"app": "web", "extra": "x"}
    # A merged key points at where its value is written (the anchored mapping).
    assert where(m, "metadata", "annotations", "app") == (6, 10)
    assert where(m, "metadata", "annotations", "extra") == (9, 12)


def test_merge_never_overrides_explicit_keys(tmp_path):
    text = "base: &b {x: 1, q: 2}\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: m}\ndata:\n  q: over\n  <<: *b\n"
    (m,) = one(tmp_path, text).manifests
    assert m.obj["data"] == {"q": "over", "x": 1}


def test_list_items_keep_their_positions(tmp_path):
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: one\n"
        "- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: two\n"
    )
    result = one(tmp_path, text)
    assert [(m.kind, m.name) for m in result.manifests] == [("ConfigMap", "one"), ("Secret", "two")]
    assert where(result.manifests[1], "metadata", "name") == (11, 11)


def test_deployment_list_and_namespaces(tmp_path):
    text = (
        "apiVersion: v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: "
        "d}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team, namespace: ignored}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: team}\n"
    )
    result = load([str(_write(tmp_path, "m.yaml", text))], namespace="prod")
    assert [(m.kind, m.namespace) for m in result.manifests] == [
        ("Deployment", "prod"),
        ("Namespace", None),
        ("Service", "team"),
    ]


def test_crd_scope_makes_custom_kind_cluster_scoped(tmp_path):
    text = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n"
        "spec: {group: example.com, scope: Cluster, names: {kind: Widget, plural: widgets}}\n"
        "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    )
    result = one(tmp_path, text)
    assert result.manifests[1].namespace is None


def test_missing_path_points_at_nearest_written_ancestor(tmp_path):
    (m,) = one(tmp_path, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Never\n").manifests
    assert where(m, "spec", "containers") == (5, 1)


def test_directory_walk_is_sorted_recursive_and_skips_non_manifests(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    _write(tmp_path, "b/z.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n")
    _write(tmp_path, "a.json", '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}')
    _write(tmp_path, "c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    _write(tmp_path, "notes.txt", "not read")
    _write(tmp_path, ".git/config.yaml", "not: read")
    _write(tmp_path, "values.yaml", "replicas: 3")
    result = load([str(tmp_path)])
    assert [os.path.relpath(f.path, tmp_path) for f in result.files] == ["a.json", os.path.join("b", "z.yml"), "c.yaml"]


# -- GitOps units: a path names a directory of this repository only for a git source

FLUX = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {{name: k, namespace: flux-system}}\n"
)
FLUX += "spec: {{interval: 1h, prune: true, path: ./apps, sourceRef: {source}}}\n"
ARGO = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: a, namespace: argocd}}\n"
ARGO += "spec: {{project: default, destination: {{namespace: apps}}, {source}}}\n"


@pytest.mark.parametrize(
    "sync, applies_apps",
    [
        (FLUX.format(source="{kind: GitRepository, name: flux-system}"), True),
        (FLUX.format(source="{kind: OCIRepository, name: vendor}"), False),
        (FLUX.format(source="{kind: Bucket, name: vendor}"), False),
        (FLUX.format(source="{kind: ExternalArtifact, name: vendor}"), False),
        (FLUX.format(source="{name: vendor}"), False),
        (ARGO.format(source="source: {repoURL: 'https://git.example.com/shop.git', path: apps}"), True),
        (ARGO.format(source="sources: [{repoURL: 'https://git.example.com/shop.git', path: apps}]"), True),
        (ARGO.format(source="source: {repoURL: 'oci://registry.example.com/shop', path: apps}"), False),
        (ARGO.format(source="source: {repoURL: 'https://charts.example.com', chart: apps, path: apps}"), False),
    ],
    ids=[
        "flux-git",
        "flux-oci",
        "flux-bucket",
        "flux-artifact",
        "flux-no-kind",
        "argo-git",
        "argo-sources-git",
        "argo-oci",
        "argo-chart",
    ],
)
def test_gitops_path_makes_a_unit_only_when_its_source_can_be_this_repository(tmp_path, sync, applies_apps):
    (tmp_path / ".git").mkdir()
    (tmp_path / "apps").mkdir()
    _write(tmp_path, "sync.yaml", sync)
    _write(tmp_path, "apps/cm.yaml", GOOD)
    result = load([str(tmp_path)])
    (cm,) = [m for m in result.manifests if m.kind == "ConfigMap"]
    assert cm.unit == (str(tmp_path / "apps") if applies_apps else None)


@pytest.mark.parametrize(
    "obj, field",
    [
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "worker-{{id}}"}}, "metadata.name"),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "{{ .Release.Name }}-"}},
            "metadata.generateName",
        ),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "namespace": "{{ns}}"}}, "metadata.namespace"),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "labels": {"shard": "{{shard}}"}}},
            "metadata.labels.shard",
        ),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "labels": {"{{key}}": "x"}}},
            "metadata.labels.{{key}}",
        ),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "annotations": {"{{key}}": "x"}}},
            "metadata.annotations.{{key}}",
        ),
        ({"apiVersion": "{{ .Values.apiVersion }}", "kind": "Pod", "metadata": {"name": "w"}}, "apiVersion"),
        # Values that may hold braces, and templates a controller expands: not a sign of a template file.
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "annotations": {"msg": "{{ $labels.x }}"}}},
            None,
        ),
        (
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "t"}, "data": {"a.tmpl": "{{ define }}"}},
            None,
        ),
        (
            {
                "kind": "ApplicationSet",
                "metadata": {"name": "a"},
                "spec": {"template": {"metadata": {"name": "{{n}}"}}},
            },
            None,
        ),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "half-{{open"}}, None),
        # envsubst and Flux post-build substitution: ${VAR}, ${VAR:-default}.
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "${APP_NAME:-vllm}"}}, "metadata.name"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "namespace": "${NS}"}}, "metadata.namespace"),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "labels": {"cluster": "${cluster_name}"}}},
            "metadata.labels.cluster",
        ),
        # A placeholder in an image reference, which never holds "{", "$" or "@X@" (sed, envsubst, format).
        (
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "db"},
                "spec": {"template": {"spec": {"containers": [{"name": "db", "image": "${POSTGRES_IMAGE}"}]}}},
            },
            "spec.template.spec.containers.0.image",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "w"},
                "spec": {"containers": [{"image": "{IMAGE}"}]},
            },
            "spec.containers.0.image",
        ),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "@STS_NAME@"}}, "metadata.name"),
        # A quantity or a replica count (envsubst fills them in before kubectl apply).
        (
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "w"},
                "spec": {"containers": [{"image": "a:1", "resources": {"limits": {"nvidia.com/gpu": "${GPUS}"}}}]},
            },
            "spec.containers.0.resources.limits.nvidia.com/gpu",
        ),
        (
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replicas": "${N:-1}"}},
            "spec.replicas",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "w"},
                "spec": {"containers": [{"image": "a@sha256:0"}]},
            },
            None,
        ),
        # A shell variable where a container reads it, and "$" without braces: not a sign of a template file.
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w", "annotations": {"cmd": "${HOME}"}}}, None),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "$IMAGE_NAME"}}, None),
    ],
)
def test_a_placeholder_where_no_brace_is_valid_marks_a_template(obj, field):
    found = template_placeholder(obj)
    assert (found.field if found else None) == field


@pytest.mark.parametrize(
    "path,name,word",
    [
        ("e2e/nginx-template.yaml", "REPLACEME-canary", "REPLACEME"),
        ("e2e/template-rollout.yaml", "step-$$name$$", "$$name$$"),
        ("jobs/job.report.tmpl.yaml", "report-__MONTH__", "__MONTH__"),
        ("x/app.tpl.yml", "ROLLOUT_NAME", "ROLLOUT_NAME"),
        # Not named as a template: an upper-case name is a name the API server rejects, reported as such.
        ("e2e/service.yaml", "REPLACEME-canary", None),
        ("e2e/templates.yaml", "REPLACEME", None),
        # In a directory of templates (Antrea's ci/cluster-api/vsphere/templates/, ingress-nginx's manifest-templates/).
        ("ci/cluster-api/templates/cluster.yaml", "CLUSTERNAME", "CLUSTERNAME"),
        ("hack/manifest-templates/ns.yaml", "NAMESPACE", "NAMESPACE"),
        ("ci/templates/cluster.yaml", "web", None),
        ("ci/templates-docs/cluster.yaml", "CLUSTERNAME", None),
        # Named as a template, with a name that is valid or merely mistyped: a manifest.
        ("e2e/pod-template.yaml", "web", None),
        ("e2e/pod-template.yaml", "myApp", None),
    ],
)
def test_a_word_to_fill_in_marks_a_file_named_as_a_template(path, name, word):
    from k8scheck.loader import named_template_placeholder

    found = named_template_placeholder(path, [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}}])
    assert (found.syntax if found else None) == word


# -- bad input: one test each, never fatal to the rest -------------------------

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n"


def run_with_good(tmp_path, name, content, mode="w"):
    bad = _write(tmp_path, name, content, mode)
    good = _write(tmp_path, "zz-good.yaml", GOOD)
    result = load([str(bad), str(good)])
    assert any(m.name == "good" for m in result.manifests), "the good file must still be read"
    return result


def test_invalid_yaml_reports_parser_position(tmp_path):
    result = run_with_good(tmp_path, "bad.yaml", GOOD + "data:\n  a: [1, 2\n  b: 3\n")
    (diagnostic,) = result.diagnostics
    assert diagnostic.rule == "yaml-syntax"
    assert diagnostic.location.line == 7
    assert "did not find expected" in diagnostic.message


def test_documents_before_a_syntax_error_are_kept(tmp_path):
    result = run_with_good(tmp_path, "bad.yaml", GOOD + "---\nkey: [\n")
    assert sum(1 for m in result.manifests if m.name == "good") == 2


def test_document_that_is_not_a_mapping(tmp_path):
    result = run_with_good(tmp_path, "bad.yaml", "just a string\n")
    assert [d.rule for d in result.diagnostics] == ["document-not-object"]


def test_duplicate_keys(tmp_path):
    result = run_with_good(tmp_path, "bad.yaml", GOOD + "data:\n  a: '1'\n  a: '2'\n")
    (d,) = result.diagnostics
    assert (d.rule, d.location.line, d.location.column) == ("duplicate-key", 7, 3)
    assert d.related[0].location == Location(d.location.file, 6, 3)


def test_non_utf8_file(tmp_path):
    result = run_with_good(tmp_path, "latin1.yaml", GOOD.encode() + b"data:\n  city: M\xfcnchen\n", mode="wb")
    (error,) = result.errors
    assert "not UTF-8" in error.message and error.line == 6


def test_binary_file(tmp_path):
    result = run_with_good(tmp_path, "blob.yaml", b"\x7fELF\x00\x00\x01", mode="wb")
    (error,) = result.errors
    assert "binary" in error.message


def test_unreadable_file(tmp_path, monkeypatch):
    bad = _write(tmp_path, "secret.yaml", GOOD)
    real_open = open

    def deny(path, *args, **kwargs):
        # chmod 000 does not stop root (CI runs as root), so deny the read itself.
        if str(path) == str(bad):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    result = load([str(bad), str(_write(tmp_path, "zz-good.yaml", GOOD))])
    assert result.errors[0].message == "cannot read: Permission denied"
    assert len(result.manifests) == 1


def test_unreadable_directory_entry_is_reported(tmp_path):
    result = load([str(tmp_path / "does-not-exist.yaml"), str(_write(tmp_path, "zz-good.yaml", GOOD))])
    assert result.errors[0].message == "no such file or directory"
    assert len(result.manifests) == 1


def test_symlink_loop_and_escaping_links(tmp_path):
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    _write(root, "sub/good.yaml", GOOD)
    os.symlink(root, root / "sub" / "loop")
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(outside, "x.yaml", GOOD)
    os.symlink(outside, root / "escape")
    result = load([str(root)])
    assert len(result.manifests) == 1
    messages = sorted(e.message for e in result.errors)
    assert any("symlink loop" in m for m in messages)
    assert any("leaves" in m for m in messages)


def test_alias_bomb_is_bounded(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    result = run_with_good(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    (d,) = result.diagnostics
    assert d.rule == "yaml-syntax" and str(MAX_ALIAS_NODES) in d.message


def test_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "w") as handle:
        handle.write(GOOD)
        handle.write("data:\n")
        line = "  k{}: " + "x" * 1000 + "\n"
        for i in range(51 * 1024):
            handle.write(line.format(i))
    assert big.stat().st_size > 50 * 1024 * 1024
    result = load([str(big), str(_write(tmp_path, "zz-good.yaml", GOOD))])
    (error,) = result.errors
    assert "above the 16 MiB limit" in error.message
    assert len(result.manifests) == 1


def test_deep_block_nesting(tmp_path):
    result = run_with_good(
        tmp_path, "deep.yaml", "a:\n" + "".join("  " * i + "- \n" for i in range(1, 2)) + "- " * 10_000 + "x\n"
    )
    assert any(d.rule == "yaml-syntax" for d in result.diagnostics)


def test_deep_flow_nesting_is_refused_quickly():
    docs, problems = parse_stream("[" * 100_000 + "]" * 100_000)
    assert docs == [] and str(MAX_DEPTH) in problems[0].message


def test_python_object_tags_construct_nothing(tmp_path):
    text = GOOD + "data:\n  cmd: !!python/object/apply:os.system ['echo pwned']\n"
    (m, _good) = run_with_good(tmp_path, "tags.yaml", text).manifests
    assert m.obj["data"]["cmd"] == ["echo pwned"]


def test_mapping_as_key_is_a_syntax_finding(tmp_path):
    result = run_with_good(tmp_path, "bad.yaml", "? {a: 1}\n: value\n")
    assert [d.rule for d in result.diagnostics] == ["yaml-syntax"]


def test_huge_flow_list_on_one_line_is_bounded(tmp_path):
    from k8scheck.yamlsource import MAX_NODES

    result = run_with_good(tmp_path, "wide.yaml", "items: [" + "1," * (MAX_NODES + 10) + "1]\n")
    (d,) = result.diagnostics
    assert d.rule == "yaml-syntax" and f"more than {MAX_NODES} values" in d.message


# -- what kubectl reads, k8scheck reads (go-yaml v2 over libyaml) ---------------


def test_flow_colon_is_part_of_the_scalar_with_exact_positions():
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "yaml-syntax", "passes-flow-colon.yaml")
    result = load([path])
    assert [d.rule for d in result.diagnostics] == []
    (m,) = result.manifests
    (container,) = m.obj["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["--listen=0.0.0.0:8080", "--metrics=:9090"]
    args = ("spec", "template", "spec", "containers", 0, "args")
    assert where(m, *args, 0) == (19, 16)
    assert where(m, *args, 1) == (19, 39)
    assert where(m, *args, at="key") == (19, 9)
    assert where(m, "spec", "template", "spec", "containers", 0, "ports", 0, "containerPort") == (21, 26)


@pytest.mark.parametrize(
    "text,value",
    [
        ('[a:b, c:d:e, "f":g, {h: i:j}]\n', ["a:b", "c:d:e", {"f": "g"}, {"h": "i:j"}]),
        ("\ufeff{a:b, c: 12:30}\n", {"a:b": None, "c": "12:30"}),
        ("k: [a:b\n  c:d]\n", {"k": ["a:b c:d"]}),
        ("[a:]\n", ["a:"]),
    ],
)
def test_go_yaml_flow_colons(text, value):
    (document,), problems = parse_stream(text)
    assert problems == [] and document.value == value


def test_flow_colon_text_keeps_reporting_other_errors_where_they_are():
    documents, problems = parse_stream("a: [b:c, d\nz: {e: f:g\n")
    assert documents == []
    assert [(p.rule, p.line) for p in problems] == [("yaml-syntax", 1)]


@pytest.mark.parametrize(
    "text,line,column,words",
    [
        ("a: 1\nb: [x, .inf]\n", 1, 7, ".inf is not a JSON number"),
        ("a:\n  ~: 1\n", 1, 2, "must not be null"),
        ("d:\n  <<: 1\n", 1, 2, "map merge requires map"),
        ("a: !!int x\n", 0, 3, "cannot decode !!str `x` as a !!int"),
        ("%YAML 1.1\n---\na: 1\n", 0, 0, "directive"),
    ],
)
def test_what_kubectl_rejects_is_a_syntax_error_where_it_is(text, line, column, words):
    documents, problems = parse_stream(text)
    (problem,) = problems
    assert (problem.rule, problem.line, problem.column) == ("yaml-syntax", line, column)
    assert words in problem.message


def test_many_flow_colons_in_one_document_read_in_linear_time():
    rows = "".join(f'  k{i}: [a{i}:b, "q":r, {{s: t:u}}]\n' for i in range(3000))
    (document,), problems = parse_stream("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n" + rows)
    assert problems == []
    assert document.value["data"]["k2999"] == ["a2999:b", {"q": "r"}, {"s": "t:u"}]
    assert document.spans[("data", "k2999", 2, "s")][:2] == (3003, 30)  # the value t:u


@pytest.mark.parametrize(
    "directory, applied",
    [
        ("", {"apps/cm.yaml", "apps/other.yaml"}),  # an Argo CD directory source does not recurse by default
        (
            "directory: {recurse: true}",
            {"apps/cm.yaml", "apps/other.yaml", "apps/extras/cm.yaml", "apps/extras/deep/cm.yaml"},
        ),
        ("directory: {exclude: cm.yaml}", {"apps/other.yaml"}),
        ("directory: {recurse: true, exclude: 'extras/*'}", {"apps/cm.yaml", "apps/other.yaml"}),
        (
            "directory: {recurse: true, include: '{cm.yaml,extras/deep/*}'}",
            {"apps/cm.yaml", "apps/extras/deep/cm.yaml"},
        ),
        ("directory: {include: '*.json'}", set()),
    ],
    ids=["default", "recurse", "exclude", "recurse-exclude-subdirectory", "include-alternatives", "include-none"],
)
def test_an_argo_cd_directory_source_applies_its_own_files_unless_it_recurses(tmp_path, directory, applied):
    (tmp_path / ".git").mkdir()
    (tmp_path / "apps" / "extras" / "deep").mkdir(parents=True)
    source = f"source: {{repoURL: 'https://git.example.com/shop.git', path: apps, {directory}}}".replace(", }", "}")
    _write(tmp_path, "sync.yaml", ARGO.format(source=source))
    for index, path in enumerate(
        ("apps/cm.yaml", "apps/other.yaml", "apps/extras/cm.yaml", "apps/extras/deep/cm.yaml")
    ):
        _write(tmp_path, path, f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{index}}}\n")
    result = load([str(tmp_path)])
    in_unit = {os.path.relpath(m.file, tmp_path) for m in result.manifests if m.kind == "ConfigMap" and m.unit}
    assert in_unit == {p.replace("/", os.sep) for p in applied}


def test_every_placeholder_syntax_passes_the_parse_time_hint():
    # The hint (yamlsource.may_hold_placeholder) decides whether template_placeholder looks at all:
    # each syntax the loader recognises must pass it.
    from k8scheck.loader import _PLACEHOLDER_SYNTAXES
    from k8scheck.yamlsource import may_hold_placeholder

    examples = {"{{ }}": "name: a-{{ .Values.x }}", "${VAR}": "name: ${app_name}", "@VAR@": "name: @NAME@"}
    examples["{VAR}"] = 'image: "{IMAGE}"'
    assert set(examples) == {syntax for syntax, _pattern in _PLACEHOLDER_SYNTAXES}
    for syntax, pattern in _PLACEHOLDER_SYNTAXES:
        assert pattern.search(examples[syntax]) and may_hold_placeholder(examples[syntax]), syntax
    assert not may_hold_placeholder("metadata:\n  name: web\n  labels: {app: web}\n")
