"""--format codeclimate: GitLab's Code Quality report, checked against the fields GitLab documents.

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format: a JSON
array of objects with description, check_name, fingerprint, severity (info, minor,
major, critical, blocker), location.path (relative to the repository, no "./") and
location.lines.begin. GitLab ignores every other Code Climate field.
"""

from __future__ import annotations

import json
import textwrap

import jsonschema
from conftest import ROOT

GITLAB_CODE_QUALITY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "additionalProperties": False,
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "additionalProperties": False,
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(\\./|/)"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "additionalProperties": False,
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}

BAD_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  PORT: 8081\n"


def codeclimate(run, *args, cwd=ROOT):
    result = run("lint", *args, "--format", "codeclimate", cwd=cwd)
    data = json.loads(result.output)
    jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(data)
    return result, data


def test_example_report_has_gitlab_fields_and_matches_json(run):
    result, issues = codeclimate(run, "examples/hello-server/")
    assert result.exit_code == 1
    findings = json.loads(run("lint", "examples/hello-server/", "-f", "json").output)["findings"]
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        (f["rule"], f["file"].removeprefix("./"), f["line"]) for f in findings
    ]
    first = issues[0]
    assert first["check_name"] == "implicit-type"
    assert first["severity"] == "critical"
    assert first["location"] == {"path": "examples/hello-server/configmap.yaml", "lines": {"begin": 6}}
    assert first["description"].startswith("8080 is read")


def test_severity_mapping(run, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD_CM)
    (tmp_path / "pod.yaml").write_text(
        textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - {name: c, image: "nginx:latest"}
        """)
    )
    (tmp_path / "crd.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    _, issues = codeclimate(run, ".", cwd=tmp_path)
    by_rule = {i["check_name"]: i["severity"] for i in issues}
    assert by_rule["implicit-type"] == "critical"
    assert by_rule["image-tag-latest"] == "minor"
    assert by_rule["unknown-kind"] == "info"
    assert {i["location"]["path"] for i in issues} == {"cm.yaml", "pod.yaml", "crd.yaml"}


def test_fingerprints_are_unique_and_survive_a_line_shift(run, tmp_path):
    (tmp_path / "a.yaml").write_text(BAD_CM)
    (tmp_path / "b.yaml").write_text(BAD_CM)  # the same object twice: one identity, two places
    _, first = codeclimate(run, ".", cwd=tmp_path)
    assert len({i["fingerprint"] for i in first}) == len(first) > 2
    (tmp_path / "a.yaml").write_text("# moved\n# down\n" + BAD_CM)
    _, second = codeclimate(run, ".", cwd=tmp_path)
    key = lambda issues: sorted((i["check_name"], i["location"]["path"], i["fingerprint"]) for i in issues)  # noqa: E731
    assert key(first) == key(second)
    assert {
        i["location"]["lines"]["begin"]
        for i in second
        if i["location"]["path"] == "a.yaml" and i["check_name"] == "implicit-type"
    } == {8}


def test_absolute_paths_become_repository_relative(run, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "cm.yaml").write_text(BAD_CM)
    _, issues = codeclimate(run, tmp_path / "k8s", cwd=tmp_path)
    assert {i["location"]["path"] for i in issues} == {"k8s/cm.yaml"}


def test_unreadable_input_is_an_issue_too(run, tmp_path):
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe\x00binary")
    (tmp_path / "cm.yaml").write_text(BAD_CM)
    _, issues = codeclimate(run, ".", cwd=tmp_path)
    assert "bad.yaml" in {i["location"]["path"] for i in issues}


def test_clean_input_is_an_empty_array(run, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD_CM.replace("8081", '"8081"'))
    result, issues = codeclimate(run, ".", cwd=tmp_path)
    assert result.exit_code == 0 and issues == []
