"""Every command reads inputs and configuration the same way and reports unreadable inputs the same way."""

from __future__ import annotations

import pytest
from conftest import ROOT, write

SEED = ROOT / "fixtures" / "seeds" / "configmap-missing-key"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25.3
        env:
        - name: CERT
          valueFrom: {secretKeyRef: {name: tls-web, key: tls.crt}}
"""
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
BROKEN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\ndata: {}\n"
COMMANDS = [["simulate"], ["rollout"], ["why", "svc/web"], ["graph"]]


def test_rollout_reads_kube_version_from_the_config(run, tmp_path):
    write(tmp_path / "app" / "deploy.yaml", (SEED / "hello-server-env.yaml").read_text())
    newest = run("rollout", "app", cwd=tmp_path)
    assert " to 1 from 0" not in newest.stdout and "from 0 to 1" in newest.stdout
    write(tmp_path / ".k8scheck.yaml", 'kube-version: "1.29"\n')
    older = run("rollout", "app", cwd=tmp_path)
    assert " to 1 from 0" in older.stdout


def test_simulate_honours_assume_exists_from_the_config(run, tmp_path):
    write(tmp_path / "deploy.yaml", DEPLOYMENT)
    assert "CreateContainerConfigError" in run("simulate", "deploy.yaml", cwd=tmp_path).stdout
    write(tmp_path / ".k8scheck.yaml", "assume-exists: [Secret/default/tls-*]\n")
    result = run("simulate", "deploy.yaml", cwd=tmp_path)
    assert result.exit_code == 0 and "CreateContainerConfigError" not in result.stdout
    assert "CreateContainerConfigError" in run("simulate", "deploy.yaml", "--no-config", cwd=tmp_path).stdout


@pytest.mark.parametrize("command", [["lint"], *COMMANDS])
def test_malformed_assume_exists_is_a_usage_error_everywhere(run, tmp_path, command):
    write(tmp_path / "deploy.yaml", DEPLOYMENT)
    result = run(*command, "deploy.yaml", "--assume-exists", "garbage", cwd=tmp_path)
    assert result.exit_code == 2 and "KIND/NAMESPACE/NAME or KIND/NAME" in result.output
    write(tmp_path / ".k8scheck.yaml", "assume-exists: [garbage]\n")
    result = run(*command, "deploy.yaml", cwd=tmp_path)
    assert result.exit_code == 2 and "assume-exists" in result.output and ".k8scheck.yaml" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_the_shared_options(run, tmp_path, command):
    result = run(
        *command,
        "-",
        "--kube-version",
        "1.30",
        "--config",
        tmp_path / "nope.yaml",
        input=DEPLOYMENT + "---\n" + SERVICE,
    )
    assert result.exit_code == 2 and "nope.yaml does not exist" in result.output
    result = run(
        *command,
        "-",
        "--kube-version",
        "1.30",
        "--no-config",
        "--max-file-size",
        "1M",
        "--stdin-filename",
        "all.yaml",
        "--exclude",
        "x",
        "-j",
        "1",
        "--no-color",
        input=DEPLOYMENT + "---\n" + SERVICE,
    )
    assert result.exit_code in (0, 1) and result.stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_a_yaml_error_is_reported_on_stderr_and_exits_1(run, tmp_path, command):
    write(tmp_path / "deploy.yaml", DEPLOYMENT)
    write(tmp_path / "service.yaml", SERVICE)
    write(tmp_path / "broken.yaml", BROKEN)
    result = run(*command, ".", "--no-config", "--assume-exists", "Secret/default/*", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("./broken.yaml:4:5: error: invalid YAML")
    assert result.stdout  # what could be read is still answered


@pytest.mark.parametrize("command", COMMANDS)
def test_no_readable_input_exits_2(run, tmp_path, command):
    write(tmp_path / "bin.yaml", "")
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01")
    result = run(*command, "bin.yaml", cwd=tmp_path)
    assert result.exit_code == 2 and result.stderr.startswith("bin.yaml: error: binary file")


@pytest.mark.parametrize("command", [["lint"], *COMMANDS])
@pytest.mark.parametrize("text", ["", "  \n", "# helm failed\n---\n"])
def test_empty_stdin_is_an_input_error(run, command, text):
    result = run(*command, "-", input=text)
    assert result.exit_code == 2
    assert "stdin holds no YAML document" in result.output


def test_select_and_ignore_never_hide_syntax_errors(run, tmp_path):
    write(tmp_path / "broken.yaml", BROKEN)
    for option in (["--select", "implicit-type"], ["--ignore", "yaml-syntax"]):
        result = run("lint", "broken.yaml", *option, cwd=tmp_path)
        assert result.exit_code == 1 and "error yaml-syntax" in result.stdout


def test_two_formats_on_stdout_are_a_usage_error(run, tmp_path):
    result = run("lint", "examples/hello-server", "-f", "json", "-f", "sarif")
    assert result.exit_code == 2 and "both write to stdout" in result.output
    assert run("lint", "examples/hello-server", "-f", "json", "-o", tmp_path / "r.json", "-f", "sarif").exit_code == 1


def test_unquoted_kube_version_is_read_with_a_warning(run, tmp_path):
    write(tmp_path / "app" / "deploy.yaml", (SEED / "hello-server-env.yaml").read_text())
    write(tmp_path / ".k8scheck.yaml", "kube-version: 1.30\n")
    result = run("rollout", "app", cwd=tmp_path)
    assert result.exit_code in (0, 1)
    assert 'read as "1.30", write kube-version: "1.30"' in result.stderr
    assert " to 1 from 0" in result.stdout  # 1.30 event texts (before 1.32)
    write(tmp_path / ".k8scheck.yaml", "kube-version: 1.9\n")
    result = run("lint", "app", cwd=tmp_path)
    assert result.exit_code == 2 and "quote it" in result.output


def test_input_error_is_explained_by_rule_and_listed_by_rules(run):
    doc = run("rule", "input-error")
    assert doc.exit_code == 0 and "not a rule" in doc.output and "--max-file-size" in doc.output
    assert any(line.startswith("input-error ") for line in run("rules").output.splitlines())
