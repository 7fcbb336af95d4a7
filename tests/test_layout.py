"""Repository layouts: what a directory walk checks, renders, and passes over.

Each directory under fixtures/layouts/ is a small repository of one layout
pattern; its expected findings are the `# expect: <slug>` markers in its files,
and every other line must stay silent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import textwrap

import pytest
from click.testing import CliRunner
from conftest import ROOT

from k8scheck import render
from k8scheck.cli import main
from k8scheck.loader import Discovery, load

LAYOUTS = ROOT / "fixtures" / "layouts"
MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")
has_kustomize = bool(shutil.which("kustomize") or shutil.which("kubectl"))
needs_kustomize = pytest.mark.skipif(
    not has_kustomize, reason="neither kustomize nor kubectl is installed (.ci/run installs kubectl)"
)


def lint_json(*args, cwd=ROOT):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["lint", "--no-cache", "-f", "json", *map(str, args)], catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result, json.loads(result.output)


def expected_markers(directory) -> set:
    out = set()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                for slug in MARKER.findall(line):
                    out.add((str(path.relative_to(ROOT)), number, slug))
    return out


LAYOUT_NAMES = sorted(p.name for p in LAYOUTS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_layout_reports_exactly_its_marked_lines(name):
    if name.startswith("kustomize") and not has_kustomize:
        pytest.skip("needs kustomize or kubectl")
    _result, data = lint_json(LAYOUTS.relative_to(ROOT) / name)
    found = sorted((f["file"], f["line"], f["rule"]) for f in data["findings"] if f["severity"] in ("error", "warning"))
    assert found == sorted(
        expected_markers(LAYOUTS / name)
    )  # a list: a base's finding is reported once, not once per overlay


@needs_kustomize
def test_overlays_render_their_base_once_each_and_consume_its_files():
    _result, data = lint_json("fixtures/layouts/kustomize-overlays")
    skipped = {os.path.relpath(s["file"], "fixtures/layouts/kustomize-overlays"): s["reason"] for s in data["skipped"]}
    assert "base" in skipped and "checked through it" in skipped["base"]
    assert "components/probes" in skipped and "Component" in skipped["components/probes"]
    assert {"base/deployment.yaml", "base/service.yaml", "overlays/prod/replicas-and-image.yaml"} <= set(skipped)
    # dev and prod each render Deployment, Service and the generated ConfigMap.
    assert data["summary"]["objects"] == 6
    assert not any(f["rule"] in ("duplicate-object", "configmap-missing") for f in data["findings"])


@needs_kustomize
def test_a_removed_api_kept_by_the_overlay_for_older_clusters_is_a_warning(tmp_path):
    layout = "fixtures/layouts/kustomize-version-variants"
    _result, data = lint_json(layout)
    (finding,) = [f for f in data["findings"] if f["rule"] == "api-removed"]
    assert finding["severity"] == "warning"
    assert f"{layout}/overlays/ha-1.25+ renders the same PodDisruptionBudget as policy/v1" in finding["message"]
    # Applied on its own (to a cluster of this version), the old overlay still breaks.
    result, alone = lint_json(f"{layout}/overlays/ha")
    assert [f["severity"] for f in alone["findings"] if f["rule"] == "api-removed"] == ["error"]
    assert result.exit_code == 1
    # A severity the user sets for the rule is kept.
    (tmp_path / "k8scheck.yaml").write_text("severity:\n  api-removed: error\n")
    _result, pinned = lint_json(layout, "--config", tmp_path / "k8scheck.yaml")
    assert [f["severity"] for f in pinned["findings"] if f["rule"] == "api-removed"] == ["error"]


def test_non_manifests_are_skipped_and_counted_in_a_walk():
    result, data = lint_json("fixtures/layouts/app-repo")
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert set(reasons) == {
        "package.json",
        "docker-compose.yml",
        "openapi.yaml",
        "app.yaml",
        "skaffold.yaml",
        "kind-cluster.yaml",
        "kube-controller-manager.yaml",
        "istio-install.yaml",
        "scheduler-policy.json",
        "kapp-config.yaml",
    }
    assert "configuration for a tool (kustomize, skaffold" in reasons["skaffold.yaml"]
    assert "no document has both apiVersion and kind" in reasons["package.json"]
    assert "a patch" in reasons["kube-controller-manager.yaml"]
    # Configuration files of other tools, named in the reason: not cluster objects without metadata.name.
    assert (
        "configuration for a tool (an IstioOperator is the input of `istioctl install -f`"
        in reasons["istio-install.yaml"]
    )
    assert "configuration for a tool (a kube-scheduler --policy-config-file" in reasons["scheduler-policy.json"]
    assert "configuration for a tool (kapp's own configuration" in reasons["kapp-config.yaml"]
    assert data["summary"]["skipped"] == 10 and data["summary"]["files"] == 2
    assert result.exit_code == 0


def test_named_non_manifest_keeps_its_findings_unless_skip_non_manifests():
    result, data = lint_json("fixtures/layouts/app-repo/docker-compose.yml")
    assert {f["rule"] for f in data["findings"]} == {"missing-required-field"}
    result, data = lint_json(
        "fixtures/layouts/app-repo/docker-compose.yml",
        "fixtures/layouts/app-repo/deploy/shop.yaml",
        "--skip-non-manifests",
    )
    assert data["findings"] == [] and [s["file"] for s in data["skipped"]] == [
        "fixtures/layouts/app-repo/docker-compose.yml"
    ]
    assert result.exit_code == 0


def test_verbose_lists_what_was_skipped_and_why():
    result = CliRunner().invoke(main, ["lint", "--no-cache", "fixtures/layouts/app-repo"])
    assert "Skipped 10 inputs that are not applied as written (--verbose lists them)." in result.output
    result = CliRunner().invoke(main, ["lint", "--no-cache", "-v", "fixtures/layouts/app-repo"])
    assert "skipped fixtures/layouts/app-repo/package.json: not a Kubernetes manifest" in result.output


def test_exclude_from_the_command_line_and_the_config(tmp_path):
    (tmp_path / "keep").mkdir()
    (tmp_path / "generated" / "x").mkdir(parents=True)
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {PORT: 8080}\n"
    (tmp_path / "keep" / "a.yaml").write_text(bad)
    (tmp_path / "generated" / "x" / "b.yaml").write_text(bad.replace("name: a", "name: b"))
    _result, data = lint_json(tmp_path, "--exclude", "generated")
    assert {os.path.basename(f["file"]) for f in data["findings"]} == {"a.yaml"}
    (tmp_path / ".k8scheck.yaml").write_text("exclude: ['**/x/*.yaml']\n")
    _result, data = lint_json(".", cwd=tmp_path)
    assert {os.path.basename(f["file"]) for f in data["findings"]} == {"a.yaml"}
    assert any(s["reason"].startswith("excluded") for s in data["skipped"])


def test_template_outside_a_chart_is_named_as_a_template():
    _result, data = lint_json("fixtures/layouts/chart-and-plain")
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert "Go/Helm template" in reasons["job.tmpl.yaml"]
    result, data = lint_json("fixtures/layouts/chart-and-plain/plain/job.tmpl.yaml")
    assert data["findings"] == []
    (error,) = data["errors"]
    assert "a Go/Helm template" in error["message"] and "yaml" not in error["message"].split("template")[0].lower()


def test_chart_without_helm_is_skipped_once_with_the_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    _result, data = lint_json("fixtures/layouts/chart-and-plain")
    charts = [e for e in data["errors"] if e["file"].endswith("/chart")]
    assert len(charts) == 1 and charts[0]["severity"] == "warning"
    assert "helm template fixtures/layouts/chart-and-plain/chart | k8scheck lint -" in charts[0]["message"]
    assert not any(f["rule"] == "yaml-syntax" for f in data["findings"])


FAKE_HELM = """#!/bin/sh
# Stands in for `helm template NAME DIR`: prints what helm would, with its Source comments.
cat <<'EOF'
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-shop
  labels:
    app.kubernetes.io/name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:latest
EOF
"""


def test_chart_is_rendered_with_helm_and_findings_point_into_the_template(tmp_path, monkeypatch):
    helm = tmp_path / "bin" / "helm"
    helm.parent.mkdir()
    helm.write_text(FAKE_HELM)
    helm.chmod(helm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{helm.parent}{os.pathsep}{os.environ['PATH']}")
    _result, data = lint_json("fixtures/layouts/chart-and-plain/chart")
    (finding,) = [f for f in data["findings"] if f["rule"] == "image-tag-latest"]
    # The rendered `image:` line is `image: {{ .Values.image }}` in the template: line 19.
    assert (finding["file"], finding["line"]) == (
        "fixtures/layouts/chart-and-plain/chart/templates/deployment.yaml",
        19,
    )
    assert not data["errors"]


def test_remote_base_is_not_fetched_without_allow_remote():
    result = load(["fixtures/layouts/remote-base"])
    (error,) = result.errors
    assert error.file.endswith("remote-base/overlay/kustomization.yaml")
    assert "needs the network" in error.message and "--allow-remote" in error.message
    assert result.manifests == []


@needs_kustomize
def test_a_repository_file_the_load_restrictor_refuses_is_a_warning_with_the_command_to_check_it():
    result = load(["fixtures/layouts/kustomize-load-restrictor"])
    (error,) = result.errors
    assert error.severity == "warning" and error.file.endswith("kustomize-load-restrictor/example/kustomization.yaml")
    assert "it reads fixtures/layouts/kustomize-load-restrictor/shared-config.yaml" in error.message
    assert "--load-restrictor LoadRestrictionsNone fixtures/layouts/kustomize-load-restrictor/example" in error.message


@needs_kustomize
def test_a_file_outside_the_repository_the_load_restrictor_refuses_stays_an_input_error(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "k").mkdir()
    (tmp_path / "shared.yaml").write_text("namePrefix:\n- path: metadata/name\n")
    (tmp_path / "repo" / "k" / "kustomization.yaml").write_text("configurations:\n- ../../shared.yaml\n")
    result = load([str(tmp_path / "repo" / "k")])
    (error,) = result.errors
    assert error.severity == "error" and "is not in or below" in error.message


def test_rendering_never_reaches_the_network_unless_allowed():
    env = render.environment(allow_remote=False)
    assert env["HTTPS_PROXY"].startswith("http://127.0.0.1") and env["GIT_ALLOW_PROTOCOL"] == "file"
    assert render.environment(allow_remote=True).get("GIT_ALLOW_PROTOCOL") == os.environ.get("GIT_ALLOW_PROTOCOL")


def test_renderer_messages_lose_klog_prefixes():
    stderr = "E1201 11:38:01.123456   4242 run.go:72] error: accumulating resources: missing.yaml: no such file\n"
    assert render.clean_message(stderr) == "accumulating resources: missing.yaml: no such file"


@needs_kustomize
def test_kustomize_failure_is_an_input_error_naming_the_kustomization(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    result = load([str(tmp_path / "app")])
    (error,) = result.errors
    assert error.file == str(tmp_path / "app" / "kustomization.yaml")
    assert "missing.yaml" in error.message and not re.match(r"^[IWEF]\d{4}", error.message.split(": ", 1)[-1])


@needs_kustomize
def test_a_base_whose_consumer_is_outside_the_walk_is_rendered_itself(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    (tmp_path / "base" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    result = load([str(tmp_path / "base")])
    assert [m.name for m in result.manifests] == ["a"] and result.manifests[0].unit == str(tmp_path / "base")


@needs_kustomize
def test_a_field_missing_from_a_patched_object_is_reported_once_where_the_object_is_defined(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- set.yaml\n")
    (tmp_path / "base" / "set.yaml").write_text(
        textwrap.dedent("""\
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                metadata:
                  labels: {app: db}
                spec:
                  containers:
                  - name: db
                    image: registry.example.com/db:1.2.3
            """)
    )
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "kustomization.yaml").write_text("resources:\n- ../base\npatches:\n- path: scale.yaml\n")
    (tmp_path / "overlay" / "scale.yaml").write_text(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 3\n"
    )
    _result, data = lint_json(tmp_path / "overlay")
    errors = [(f["rule"], os.path.basename(f["file"]), f["line"]) for f in data["findings"] if f["severity"] == "error"]
    # The patch sets spec too, but the selector is missing from the base: one finding (schema-required's
    # "spec is missing required field selector" is folded into it), at the base's spec.
    assert errors == [("selector-template-mismatch", "set.yaml", 5)]


def test_walk_discovery_options_are_part_of_the_run_key():
    assert Discovery(exclude=("a",)) != Discovery()


def test_helm_line_map_aligns_rendered_lines_with_the_template():
    from k8scheck.helm import LineMap
    from k8scheck.positions import Location

    template = textwrap.dedent("""\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}
          {{- with .Values.labels }}
          labels: {{ toYaml . | nindent 4 }}
          {{- end }}
        data:
          PORT: "8080"
        """)
    rendered = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\n  labels:\n    a: b\ndata:\n  PORT: "8080"\n'
    mapper = LineMap(rendered, template, "t.yaml")
    assert mapper(Location("r", 8, 9)).line == 9  # PORT: the same text on both sides
    assert (mapper(Location("r", 4, 9)).line, mapper(Location("r", 4, 9)).column) == (
        4,
        3,
    )  # a filled-in value: the same key
    assert mapper(Location("r", 6, 5)).line == 3  # written whole by an action: the nearest aligned line above


@needs_kustomize
def test_a_named_patch_or_base_file_is_checked_by_rendering_its_overlays():
    """A pre-commit hook names changed files: a patch is never linted raw (it would lack selector, containers...)."""
    _result, data = lint_json(
        "fixtures/layouts/kustomize-overlays/overlays/prod/replicas-and-image.yaml",
        "fixtures/layouts/kustomize-overlays/base/service.yaml",
    )
    assert sorted((f["file"], f["line"], f["rule"]) for f in data["findings"]) == [
        ("fixtures/layouts/kustomize-overlays/base/deployment.yaml", 27, "secret-missing"),
        ("fixtures/layouts/kustomize-overlays/overlays/prod/replicas-and-image.yaml", 11, "image-tag-latest"),
    ]
    reasons = {s["file"]: s["reason"] for s in data["skipped"]}
    assert (
        "checked by rendering fixtures/layouts/kustomize-overlays/overlays/dev, "
        "fixtures/layouts/kustomize-overlays/overlays/prod"
        in reasons["fixtures/layouts/kustomize-overlays/base/service.yaml"]
    )


@needs_kustomize
def test_a_named_kustomization_file_renders_its_directory_or_the_overlays_using_it():
    _result, data = lint_json("fixtures/layouts/kustomize-overlays/base/kustomization.yaml")
    assert {(f["file"], f["rule"]) for f in data["findings"]} == {
        ("fixtures/layouts/kustomize-overlays/base/deployment.yaml", "secret-missing"),
        ("fixtures/layouts/kustomize-overlays/overlays/prod/replicas-and-image.yaml", "image-tag-latest"),
    }


def test_variant_files_are_noted_once_per_pair_not_reported_as_errors():
    _result, data = lint_json("fixtures/layouts/variant-files")
    root = "fixtures/layouts/variant-files/"
    notes = sorted(
        (f["file"].removeprefix(root), f["related"][0]["file"].removeprefix(root))
        for f in data["findings"]
        if f["rule"] == "duplicate-object" and f["severity"] == "info"
    )
    assert notes == [
        ("collector/variant/collector.yaml", "collector/collector.yaml"),  # a variant in a subdirectory
        ("credentials/autoscaler-oidc.yaml", "credentials/autoscaler-keys.yaml"),  # one per credential type
        ("install/install.yaml", "install/ha/install.yaml"),  # an HA variant in a subdirectory: 4 shared objects
        ("models/model-small.yaml", "models/model-large.yaml"),  # every object of a per-model file
        ("tutorial/web-deployment.yaml", "tutorial/all-in-one.yaml"),  # split files beside their all-in-one file
        ("tutorial/web-service.yaml", "tutorial/all-in-one.yaml"),
    ]
    assert all("they look like alternatives" in f["message"] for f in data["findings"] if f["severity"] == "info")
    # Only the duplicate inside one file is an error; conflicts between plain files are warnings.
    assert [(f["file"].removeprefix(root), f["rule"]) for f in data["findings"] if f["severity"] == "error"] == [
        ("app/settings.yaml", "duplicate-object")
    ]


def test_an_error_whose_only_evidence_is_in_an_alternative_file_is_a_warning(tmp_path):
    # cluster-autoscaler's alicloud examples: the access-key variant reads a key the Secret of the
    # workload-identity variant lacks; one of the two files is applied.
    _result, data = lint_json("fixtures/layouts/variant-files/credentials")
    (finding,) = [f for f in data["findings"] if f["rule"] == "secret-key-missing"]
    assert finding["severity"] == "warning"
    assert "autoscaler-oidc.yaml, which defines the same objects as this file" in finding["message"]
    # Files that are not alternatives of each other (a Secret beside the Deployment reading it) keep the error.
    keys = (LAYOUTS / "variant-files" / "credentials" / "autoscaler-keys.yaml").read_text()
    (tmp_path / "autoscaler.yaml").write_text(keys.split("---\n", 2)[2])  # the Deployment alone
    (tmp_path / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cloud-config\n  namespace: kube-system\n"
        "stringData:\n  role-arn: arn\n"
    )
    _result, data = lint_json(tmp_path)
    assert [f["severity"] for f in data["findings"] if f["rule"] == "secret-key-missing"] == ["error"]


@needs_kustomize
def test_a_file_beside_a_kustomization_redefining_what_it_renders_from_another_directory_is_passed_over(tmp_path):
    # CloudNativePG's config/default/manager_image_pull_secret.yaml: a patch its Makefile adds before a release.
    for directory in ("base", "release"):
        (tmp_path / directory).mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n  - settings.yaml\n")
    (tmp_path / "base" / "settings.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  MODE: blue\n"
    )
    (tmp_path / "release" / "kustomization.yaml").write_text("namePrefix: op-\nresources:\n  - ../base\n")
    (tmp_path / "release" / "settings-values.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  retries: 3\n"  # implicit-type
    )
    _result, data = lint_json(tmp_path)
    reasons = {os.path.relpath(s["file"], tmp_path): s["reason"] for s in data["skipped"]}
    assert reasons[os.path.join("release", "settings-values.yaml")].startswith(
        "redefines ConfigMap settings, which the kustomization beside it renders from"
    )
    assert data["findings"] == []
    # Rook's examples: a file redefining what the kustomization renders from its own directory is a variant
    # users apply on their own (operator.yaml beside the listed operator-openshift.yaml): still checked.
    (tmp_path / "release" / "kustomization.yaml").write_text("resources:\n  - ../base\n  - openshift.yaml\n")
    (tmp_path / "release" / "openshift.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: operator\n"
    )
    (tmp_path / "release" / "operator.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: operator\ndata:\n  retries: 3\n"
    )
    _result, data = lint_json(tmp_path)
    assert [os.path.basename(f["file"]) for f in data["findings"] if f["rule"] == "implicit-type"] == ["operator.yaml"]


@needs_kustomize
def test_a_kustomization_that_renders_no_object_checks_clean(tmp_path):
    # flux bootstrap's placeholders: kustomize renders them to nothing, and succeeds.
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n"
    )
    (tmp_path / "gotk-sync.yaml").write_text("# filled in by flux bootstrap\n")
    result, data = lint_json(tmp_path)
    assert (result.exit_code, data["summary"]["files"], data["summary"]["objects"], data["errors"]) == (0, 1, 0, [])


@needs_kustomize
def test_a_render_failure_reads_as_rendering_the_directory_itself(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "shared.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n")
    (tmp_path / "app" / "kustomization.yaml").write_text("resources:\n  - ../shared.yaml\n")
    _result, data = lint_json(tmp_path / "app")
    [error] = data["errors"]
    assert "is not in or below" in error["message"]  # kustomize's load restrictor: the cause
    assert "recursed accumulation" not in error["message"]  # not the layer of k8scheck's wrapper kustomization


def test_a_template_that_parses_is_skipped_when_a_name_or_label_holds_a_placeholder():
    _result, data = lint_json("fixtures/layouts/sed-templates", "-v")
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert reasons == {
        "gate-controller-template.yaml": "a Go/Helm template ({{ }} actions), not a manifest until rendered",
        "e2e-deployment-template.yaml": "a Go/Helm template ({{ }} actions), not a manifest until rendered",
        "worker-pod-template.yaml": "a template ({{ }} in metadata.name, where no placeholder is valid), "
        "not a manifest until rendered",
        "inference-pool-variables.yaml": "a template (${VAR} in metadata.name, where no placeholder is valid), "
        "not a manifest until rendered",
        "scale-statefulset.yaml": "a template (@VAR@ placeholders a script fills in), not a manifest until rendered",
    }
    # {{ }} in values a controller expands (alert annotations, workflow arguments and pod labels,
    # an ApplicationSet's template, an Alertmanager template) leaves a manifest a manifest.
    assert data["summary"]["files"] == 4 and data["summary"]["objects"] == 7


def test_files_named_as_templates_with_words_to_fill_in_are_passed_over():
    _result, data = lint_json("fixtures/layouts/harness-templates", "-v")
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert reasons == {
        "canary-template.yaml": "a template (named a template, with ROLLOUT_NAME in metadata.name: a word a script "
        "or a test harness replaces), not a manifest until filled in",
        "template-plugin.yaml": "a template (named a template, with $$name$$ in metadata.name: a word a script "
        "or a test harness replaces), not a manifest until filled in",
        "job.monthly.tmpl.yaml": "a template (named a template, with __MONTH__ in metadata.name: a word a script "
        "or a test harness replaces), not a manifest until filled in",
        "cluster.yaml": "a template (in templates/, a directory of templates, with CLUSTERNAMESPACE in "
        "metadata.name: a word a script or a test harness replaces), not a manifest until filled in",
    }
    # Named on the command line, a template is checked as written.
    _result, data = lint_json("fixtures/layouts/harness-templates/e2e/canary-template.yaml")
    assert "invalid-name" in {f["rule"] for f in data["findings"]}


def test_a_template_whose_later_document_a_placeholder_breaks_is_skipped_in_a_walk_only():
    # cluster-autoscaler's gce-deployment-template.yaml: RBAC documents parse, then `image: {{CA_IMAGE}}` does not.
    template = "fixtures/layouts/sed-templates/e2e-deployment-template.yaml"
    _result, data = lint_json(template)  # named, it is checked as written
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("yaml-syntax", 21)]


def test_a_syntax_error_away_from_any_placeholder_is_reported_in_a_walk(tmp_path):
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  annotations:\n    note: '{{ .Value }}'\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  a: [1, 2\n  b: 3\n"
    )
    (tmp_path / "settings.yaml").write_text(text)
    _result, data = lint_json(tmp_path)
    assert [f["rule"] for f in data["findings"] if f["severity"] == "error"] == ["yaml-syntax"]


def test_a_service_selecting_pods_only_a_passed_over_template_writes_is_a_warning(tmp_path):
    _result, data = lint_json("fixtures/layouts/sed-templates")
    (finding,) = [f for f in data["findings"] if f["rule"] == "service-no-endpoints"]
    assert finding["severity"] == "warning"
    assert (
        "gate-controller-template.yaml, a template passed over unrendered, writes app=shop,component=gate"
        in (finding["message"])
    )
    # A template that does not write every selected label leaves the error (and its did-you-mean) as it was.
    for name in ("admin.yaml", "gate-service.yaml", "gate-controller-template.yaml"):
        shutil.copy(LAYOUTS / "sed-templates" / name, tmp_path / name)
    template = tmp_path / "gate-controller-template.yaml"
    template.write_text(template.read_text().replace("component: gate", "component: gateway"))
    _result, data = lint_json(tmp_path)
    (finding,) = [f for f in data["findings"] if f["rule"] == "service-no-endpoints"]
    assert finding["severity"] == "error" and "Did you mean" in finding["message"]
    assert "passed over" not in finding["message"]


@needs_kustomize
def test_a_file_beside_a_kustomization_that_does_not_list_it_is_passed_over(tmp_path):
    # Argo CD's dev-tilt: a Service file the kustomization never applies, checked as a plain file in namespace
    # default against a Deployment the kustomization renders into another namespace.
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "kustomization.yaml").write_text("namespace: tools\nresources:\n  - deploy.yaml\n")
    (tmp_path / "k" / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  MODE: blue\n"
    )
    (tmp_path / "k" / "unused-service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: ui\n"
        "spec:\n  selector:\n    app: ui\n  ports:\n    - port: 80\n"
    )
    _result, data = lint_json(tmp_path)
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert "not listed itself" in reasons["unused-service.yaml"]
    assert data["summary"]["objects"] == 1
    _result, data = lint_json(tmp_path / "k" / "unused-service.yaml")  # named, it is checked
    assert data["summary"]["objects"] == 1 and not data["skipped"]


def test_a_walk_that_passes_over_every_file_says_so(tmp_path):
    (tmp_path / "statefulset.yaml").write_text("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: @NAME@\n")
    result = CliRunner().invoke(main, ["lint", "--no-cache", str(tmp_path)])
    assert result.exit_code == 2
    assert f"nothing to check in {tmp_path}: 1 file found, all passed over (--verbose says why)" in result.output


def test_test_fixtures_of_the_code_are_passed_over_in_a_walk(tmp_path):
    invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  retries: 3\n"  # implicit-type
    fixtures = ("pkg/config/testdata", "src/test/resources", "test/gator/fixtures", "confd/tests/mock_data")
    # Go packages of test doubles (Linkerd's controller/proxy-injector/fake reads fake/data/*.yaml).
    fakes = ("controller/injector/fake", "pkg/mocks")
    vendored = ("vendor", "vendor_jsonnet", "node_modules")
    for directory in (*fixtures, *fakes, *vendored, "deploy", "fixtures", "deploy/mocks"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "config.yaml").write_text(invalid)
    for directory in fakes:
        (tmp_path / directory / "factory.go").write_text("package fake\n")
    _result, data = lint_json(tmp_path)
    skipped = {os.path.relpath(s["file"], tmp_path).replace(os.sep, "/"): s["reason"] for s in data["skipped"]}
    assert set(skipped) == {*fixtures, *fakes, *vendored}
    assert all("test fixtures of the code" in skipped[d] for d in (*fixtures, *fakes))
    assert all("vendored" in skipped[d] for d in vendored)
    # A fixtures/ directory outside any test directory, or a mocks/ directory without Go code (mock servers a
    # team deploys), holds what the repository applies.
    assert sorted(os.path.relpath(f["file"], tmp_path) for f in data["findings"] if f["rule"] == "implicit-type") == [
        os.path.join("deploy", "config.yaml"),
        os.path.join("deploy", "mocks", "config.yaml"),
        os.path.join("fixtures", "config.yaml"),
    ]
    _result, data = lint_json(tmp_path / "pkg" / "config" / "testdata")  # named, it is checked
    assert [f["rule"] for f in data["findings"]] == ["implicit-type"]


@needs_kustomize
def test_files_beside_a_kustomization_that_lists_few_of_them_are_checked(tmp_path):
    # Rook's deploy/examples: an OpenShift-only kustomization among the files users apply one by one.
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - openshift.yaml\n")
    for name in ("openshift", "common", "operator", "cluster"):
        (tmp_path / f"{name}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
    _result, data = lint_json(tmp_path)
    skipped = {os.path.basename(s["file"]) for s in data["skipped"]}
    assert skipped == {"openshift.yaml"}  # (checked through the kustomization)
    assert data["summary"]["objects"] == 4


@needs_kustomize
def test_a_file_left_out_of_a_directory_a_kustomization_lists_from_is_passed_over(tmp_path):
    # Gatekeeper's config/crd: the kustomization lists most CRDs of bases/; the others are empty
    # controller-gen leftovers nothing applies.
    (tmp_path / "crd" / "bases").mkdir(parents=True)
    (tmp_path / "crd" / "kustomization.yaml").write_text("resources:\n  - bases/one.yaml\n  - bases/two.yaml\n")
    for name in ("one", "two"):
        (tmp_path / "crd" / "bases" / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
        )
    (tmp_path / "crd" / "bases" / "_.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
    _result, data = lint_json(tmp_path)
    reasons = {os.path.basename(s["file"]): s["reason"] for s in data["skipped"]}
    assert "not listed itself" in reasons["_.yaml"]
    assert data["findings"] == []


@needs_kustomize
def test_a_kustomization_that_renders_a_template_is_passed_over(tmp_path):
    # Gatekeeper's helmify kustomization writes {{ .Release.Namespace }} into what it renders for a chart
    # generator; config/default renders the same base for kubectl.
    for directory in ("base", "default", "helmify"):
        (tmp_path / directory).mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n  - settings.yaml\n")
    (tmp_path / "base" / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n")
    (tmp_path / "default" / "kustomization.yaml").write_text("namespace: system\nresources:\n  - ../base\n")
    (tmp_path / "helmify" / "kustomization.yaml").write_text(
        'namespace: "{{ .Release.Namespace }}"\nresources:\n  - ../base\n'
    )
    _result, data = lint_json(tmp_path)
    reasons = {os.path.relpath(s["file"], tmp_path): s["reason"] for s in data["skipped"]}
    helmify = os.path.join("helmify", "kustomization.yaml")
    assert reasons[helmify].startswith("renders a template ({{ }} in metadata.namespace")
    assert data["findings"] == [] and data["summary"]["objects"] == 1  # the base, through default/


@needs_kustomize
def test_an_operator_sdk_bundle_input_is_passed_over_and_the_base_only_it_uses_is_rendered_itself():
    # CloudNativePG's config/olm-manifests: a ClusterServiceVersion base and an OLM layer over config/default
    # that gives the webhooks a containerPort for `operator-sdk generate bundle` (7 schema errors as a unit).
    layout = "fixtures/layouts/kustomize-operator-sdk"
    _result, data = lint_json(layout, "-v")
    reasons = {os.path.relpath(s["file"], layout): s["reason"] for s in data["skipped"]}
    assert reasons[os.path.join("config", "manifests")].startswith("renders the input of `operator-sdk generate")
    assert reasons[os.path.join("config", "olm")].startswith("only the input of a generator uses it")
    assert os.path.join("config", "default") not in reasons  # what `make deploy` applies: rendered on its own
    assert reasons[os.path.join("config", "default", "manager_pull_secret.yaml")].startswith(
        "redefines Deployment controller-manager, which the kustomization beside it renders from"
    )
    assert [f["rule"] for f in data["findings"]] == ["image-tag-latest"]
    # Named one by one (a pre-commit hook): a base file renders config/default, the OLM patch renders nothing.
    _result, data = lint_json(f"{layout}/config/manager/manager.yaml")
    assert [f["rule"] for f in data["findings"]] == ["image-tag-latest"]
    result = CliRunner().invoke(main, ["lint", "--no-cache", "-v", f"{layout}/config/olm/webhook_port_patch.yaml"])
    assert "error" not in result.output and "renders the input of `operator-sdk generate bundle`" in result.output


@needs_kustomize
def test_a_kustomization_missing_a_file_the_repository_ignores_is_not_rendered_with_a_warning(tmp_path):
    # aks-store-demo's azd overlays: azd writes the .env their configMapGenerator reads, and .gitignore lists it.
    overlay = tmp_path / "overlays" / "azd"
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text("configMapGenerator:\n  - name: settings\n    envs: [.env]\n")
    (tmp_path / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    result, data = lint_json(tmp_path)
    (error,) = data["errors"]
    assert error["severity"] == "error" and "no such file or directory" in error["message"]
    assert result.exit_code == 1
    (tmp_path / ".git").mkdir()  # a checkout: its root holds the .gitignore that counts
    (tmp_path / ".gitignore").write_text("node_modules\n.env\n")
    result, data = lint_json(tmp_path)
    (error,) = data["errors"]
    assert error["severity"] == "warning"
    assert ".env is not in the checkout" in error["message"]
    assert ".gitignore:2 ignores it (`.env`)" in error["message"]
    assert result.exit_code == 0


@needs_kustomize
def test_a_kustomization_missing_files_a_script_fills_in_from_templates_beside_them_is_a_warning(tmp_path):
    # KubeVirt's kubevirtci sriov-components: the script envsubsts sriovdp-config.yaml.in (and two patches)
    # into a copy of the directory, then builds it.
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "kustomization.yaml").write_text(
        "resources:\n  - ns.yaml\n  - plugin-config.yaml\npatches:\n  - path: patch-node-selector.yaml\n"
    )
    (manifests / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sriov\n")
    (manifests / "plugin-config.yaml.in").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    (tmp_path / "plain.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    result, data = lint_json(tmp_path)
    (error,) = data["errors"]  # the patch has no template: what kustomize would fail on next is a real gap
    assert error["severity"] == "error"
    (manifests / "patch-node-selector.yaml.in").write_text("[]\n")
    result, data = lint_json(tmp_path)
    (error,) = data["errors"]
    assert error["severity"] == "warning" and result.exit_code == 0
    assert (
        "the files it lacks in the checkout are made from the templates beside them, which a script fills in "
        "(patch-node-selector.yaml.in, plugin-config.yaml.in)" in error["message"]
    )


@needs_kustomize
def test_a_kustomization_none_of_whose_files_is_in_the_checkout_is_a_warning(tmp_path):
    # KubeVirt's hack/kustomization/whereabouts: a bump script copies it into a downloaded release and builds it there.
    kustomization = tmp_path / "hack" / "whereabouts" / "kustomization.yaml"
    kustomization.parent.mkdir(parents=True)
    kustomization.write_text("resources:\n  - ./daemonset-install.yaml\n  - ./ippools.yaml\n")
    (tmp_path / "plain.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    result, data = lint_json(tmp_path)
    (error,) = data["errors"]
    assert error["severity"] == "warning" and result.exit_code == 0
    assert "none of the files it lists (daemonset-install.yaml, ippools.yaml) is in the checkout" in error["message"]
    # One of them there: the other is missing from what the directory applies.
    (kustomization.parent / "ippools.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
    result, data = lint_json(tmp_path)
    assert [e["severity"] for e in data["errors"]] == ["error"] and result.exit_code == 1
    # A base that is gone (a directory-like entry) stays an error too.
    kustomization.write_text("resources:\n  - ../base\n")
    result, data = lint_json(tmp_path)
    assert [e["severity"] for e in data["errors"]] == ["error"]


def test_a_multi_line_klog_value_is_joined_into_the_message():
    stderr = (
        "# Warning: 'patchesStrategicMerge' is deprecated.\n"
        'E1201 22:25:41.604239   24140 run.go:72] "command failed" err=<\n'
        "\ttrouble configuring builtin PatchStrategicMergeTransformer with config: `\n"
        "\tpaths:\n"
        "\t- manager_image_patch.yaml\n"
        "\t`: lstat overlays/dev/manager_image_patch.yaml: no such file or directory\n"
        " >\n"
    )
    message = render.clean_message(stderr)
    assert message.startswith('"command failed" err=trouble configuring builtin PatchStrategicMergeTransformer')
    assert message.endswith("manager_image_patch.yaml: no such file or directory")


def test_end_to_end_test_files_a_harness_never_applies_are_passed_over():
    root = "fixtures/layouts/e2e-test-harness/tests"
    _result, data = lint_json(root, "-v")
    reasons = {os.path.relpath(s["file"], root): s["reason"] for s in data["skipped"]}
    chainsaw = f"{root}/chainsaw/gateway/chainsaw-test.yaml"
    assert reasons["chainsaw/gateway/00-assert-deployment.yaml"] == (
        f"an assertion of a chainsaw test (`assert` in {chainsaw}): a partial object chainsaw compares with the "
        "cluster, never applied"
    )
    assert reasons["chainsaw/gateway/00-no-migration.yaml"] == (
        f"an error expectation of a chainsaw test (`error` in {chainsaw}): an object chainsaw checks does not "
        "exist, never applied"
    )
    assert reasons["chainsaw/gateway/01-scale-up.yaml"].startswith("a patch of a chainsaw test (`patch` in")
    assert reasons["chainsaw/gateway/01-label-by-hand.yaml"] == (
        f"applies over Deployment edge-gateway, which an earlier step of the chainsaw test in {root}/chainsaw/gateway "
        f"asserts exists ({root}/chainsaw/gateway/00-assert-deployment.yaml) before any step creates it: chainsaw "
        "merges it into that object (an update, partial by design), never creates it from this file"
    )
    assert reasons["chainsaw/gateway/01-annotate-agents.yaml"].startswith(
        "applies over DaemonSet edge-agent, which an earlier step of the chainsaw test"
    )  # asserted without a name, by its app.kubernetes.io/name label
    assert reasons["chainsaw/gateway/resources/reader.yaml"] == (
        "a template (($binding) in metadata.namespace, an expression chainsaw fills in when its test applies the "
        "file), not a manifest until rendered"
    )
    assert reasons["kuttl/relay/00-assert.yaml"].startswith("an assertion of a kuttl test (kuttl's 00-assert.yaml)")
    assert reasons["kuttl/relay/01-errors.yaml"].startswith("an error expectation of a kuttl test (kuttl's 01-errors")
    assert reasons["kuttl/relay/checks/probe-done.yaml"].startswith("an assertion of a kuttl test (kuttl's 01-step")
    assert "chainsaw end-to-end test" in reasons["chainsaw/gateway/chainsaw-test.yaml"]
    assert "kuttl test suite" in reasons["kuttl/kuttl-test.yaml"]
    # What the tests apply is checked: the Deployment a step creates, the Pod beside kuttl's TestStep.
    assert {(os.path.basename(f["file"]), f["rule"]) for f in data["findings"] if f["severity"] == "error"} == {
        ("02-client.yaml", "selector-template-mismatch"),
        ("01-step.yaml", "invalid-name"),
    }
    # Named on the command line, an assertion is checked as written.
    _result, data = lint_json(f"{root}/chainsaw/gateway/00-assert-deployment.yaml")
    assert "missing-required-field" in {f["rule"] for f in data["findings"]}


def test_a_file_a_test_applies_over_an_object_it_created_itself_is_checked(tmp_path):
    test = tmp_path / "tests" / "scale"
    test.mkdir(parents=True)
    deployment = textwrap.dedent(
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: registry.example.com/web:1.0.0
        """
    )
    (test / "00-web.yaml").write_text(deployment)
    (test / "00-assert.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    # Step 1 re-applies the Deployment step 0 created, without its selector: kuttl would merge it, but the test
    # made the object itself, so nothing says it was made elsewhere; the file is checked as a whole object.
    (test / "01-web.yaml").write_text(deployment.replace("  selector:\n    matchLabels: {app: web}\n", ""))
    _result, data = lint_json(tmp_path)
    assert {(os.path.basename(f["file"]), f["rule"]) for f in data["findings"] if f["severity"] == "error"} == {
        ("01-web.yaml", "selector-template-mismatch")
    }


@needs_kustomize
def test_a_kustomization_a_go_program_embeds_and_writes_out_elsewhere_is_a_warning(tmp_path):
    _result, data = lint_json("fixtures/layouts/kustomize-go-embed")
    (error,) = data["errors"]
    assert error["severity"] == "warning"
    assert error["file"].endswith("test/framework/versions/data/kustomization.yaml")
    assert (
        "embeds this kustomization (`//go:embed data/kustomization.yaml`): the program writes it out beside the files "
        "it generates, so it never builds where it is" in error["message"]
    )
    # Without the Go file, a missing file is what it is: the kustomization does not build (one of its files is
    # there, so it is not one a script copies elsewhere either).
    shutil.copytree(LAYOUTS / "kustomize-go-embed", tmp_path / "repo")
    versions = tmp_path / "repo" / "test" / "framework" / "versions"
    (versions / "template.go").unlink()
    (versions / "data" / "generated-cluster.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
    _result, data = lint_json(tmp_path / "repo")
    assert [e["severity"] for e in data["errors"]] == ["error"]


def test_a_hook_naming_a_tests_files_one_by_one_passes_over_what_the_test_never_applies():
    # The pre-commit hook runs `lint --skip-non-manifests` on the changed files: the chainsaw test above each
    # one comes along (its own file is a tool configuration), and kuttl's names say the rest.
    root = "fixtures/layouts/e2e-test-harness/tests"
    named = [
        f"{root}/chainsaw/gateway/00-assert-deployment.yaml",
        f"{root}/chainsaw/gateway/resources/reader.yaml",
        f"{root}/chainsaw/gateway/02-client.yaml",
        f"{root}/kuttl/relay/00-assert.yaml",
    ]
    _result, data = lint_json("--skip-non-manifests", "-v", *named)
    skipped = {os.path.relpath(s["file"], root) for s in data["skipped"]}
    assert skipped == {
        "chainsaw/gateway/00-assert-deployment.yaml",
        "chainsaw/gateway/resources/reader.yaml",
        "chainsaw/gateway/chainsaw-test.yaml",
        "kuttl/relay/00-assert.yaml",
    }
    assert {(os.path.basename(f["file"]), f["rule"]) for f in data["findings"] if f["severity"] == "error"} == {
        ("02-client.yaml", "selector-template-mismatch")
    }
    # Without --skip-non-manifests a named file is checked as written.
    _result, data = lint_json(named[0])
    assert "missing-required-field" in {f["rule"] for f in data["findings"]}
