"""The command line: exit codes, options, output formats (snapshots), the JSON contract."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT

REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
SEEDS = sorted(p.name for p in (ROOT / "fixtures" / "seeds").iterdir() if p.is_dir())


def validate_report(text: str) -> dict:
    data = json.loads(text)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)
    return data


def test_example_has_findings_and_exits_1(run):
    result = run("lint", "examples/hello-server")
    assert result.exit_code == 1
    assert "examples/hello-server/configmap.yaml:6:9: error implicit-type" in result.output


def test_clean_input_exits_0(run):
    result = run("lint", "fixtures/rollouts/nginx-1.25.3.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("No problems found in 1 file (1 object).")


def test_fail_on_warning_and_ignore(run):
    assert run("lint", "examples/hello-server", "--ignore", "implicit-type").exit_code == 1  # schema-type takes over
    assert run("lint", "examples/hello-server", "--select", "rollout-outage").exit_code == 0  # a warning
    assert run("lint", "examples/hello-server", "--select", "rollout-outage", "--fail-on", "warning").exit_code == 1
    assert run("lint", "examples/hello-server", "--select", "implicit-type").exit_code == 1


def test_unknown_rule_is_a_usage_error(run):
    result = run("lint", "examples/hello-server", "--select", "implicit-typo")
    assert result.exit_code == 2
    assert "unknown rule 'implicit-typo' (did you mean implicit-type?)" in result.output


def test_no_readable_input_exits_2(run, tmp_path):
    assert run("lint", str(tmp_path / "nope.yaml")).exit_code == 2
    assert run("lint", str(tmp_path)).exit_code == 2  # an empty directory: nothing to check


def test_unreadable_file_beside_good_ones_exits_1(run, tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n")
    result = run("lint", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    data = validate_report(result.output)
    assert data["summary"]["files"] == 1 and data["summary"]["objects"] == 1
    assert data["errors"][0]["message"].startswith("binary file")


def test_stdin_with_a_name(run):
    result = run(
        "lint",
        "-",
        "--stdin-filename",
        "chart.yaml",
        "--quiet",
        input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {A: 1}\n",
    )
    assert result.exit_code == 1
    assert result.output.startswith("chart.yaml:4:11: error implicit-type")


def test_quiet_prints_nothing_when_clean(run):
    result = run("lint", "fixtures/rollouts/nginx-1.25.3.yaml", "-q")
    assert (result.exit_code, result.output) == (0, "")


def test_color_on_request(run):
    result = run("lint", "examples/hello-server", "--color")
    assert "\x1b[31merror\x1b[0m" in result.output


def test_rules_and_rule(run, snapshot):
    listing = run("rules")
    assert listing.exit_code == 0 and "implicit-type" in listing.output
    doc = run("rule", "implicit-type")
    assert doc.exit_code == 0
    assert doc.output == snapshot


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_text_output(run, snapshot, seed):
    result = run("lint", f"fixtures/seeds/{seed}", "--no-color")
    assert result.output == snapshot


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_json_output_validates(run, snapshot, seed):
    result = run("lint", f"fixtures/seeds/{seed}", "--format", "json")
    data = validate_report(result.output)
    assert data == snapshot


def test_example_text_output(run, snapshot):
    assert run("lint", "examples/hello-server", "--no-color").output == snapshot


def test_findings_are_sorted(run):
    data = validate_report(run("lint", "examples/hello-server", "fixtures/implicit-type", "--format", "json").output)
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in data["findings"]]
    assert keys == sorted(keys) and len(keys) >= 4


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "json"])
def test_graph_output_is_pinned(run, snapshot, fmt):
    result = run("graph", "examples/hello-server", "--format", fmt)
    assert result.exit_code in (0, 1)
    assert "hello-serve" in result.output
    assert result.output == snapshot
