"""Every README snippet that installs or runs k8scheck in someone's setup is run here.

Snippets are fenced blocks right after `<!-- snippet: NAME -->`. Nothing reaches a
package index: pip resolves from the wheelhouse `.ci/run` builds (hatchling for
builds, the dependencies for fresh virtualenvs), placeholders for the repository
(`<owner>/k8scheck`, `<commit sha>`) become this checkout and its HEAD commit, and
the GitLab job's K8SCHECK_PACKAGE variable becomes a wheel built from this checkout
by the release snippet. The test-suite command is the one snippet not run here:
`.ci/run` runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import tomllib
from ci_steps import installed_action_runner_temp, load_action, load_yaml, offline_pip_env, run_action, wheelhouse_ready
from conftest import ROOT
from test_codeclimate import GITLAB_CODE_QUALITY_SCHEMA

from k8scheck import __version__

README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPET = re.compile(r"<!-- snippet: ([a-z0-9-]+) -->\n```[a-z]*\n(.*?)```", re.S)
SNIPPETS = {name: text for name, text in SNIPPET.findall(README)}
DISTRIBUTION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
REPO_PLACEHOLDER = "https://github.com/<owner>/k8scheck"
SHA_PLACEHOLDER = "<commit sha>"

needs_wheelhouse = pytest.mark.skipif(
    not wheelhouse_ready(),
    reason="no wheelhouse: run `python3 -m pip wheel -w .ci/wheelhouse . hatchling` (as .ci/run does)",
)


def head_commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def bash(script: str, *, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def base_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update(offline_pip_env(), K8SCHECK_CACHE_DIR=str(tmp / "cache"))
    return env


def venv(path: Path, tmp: Path) -> dict:
    """A virtualenv that sees the system's packages (so installs need no index) and comes first on PATH."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(path)], check=True)
    env = base_env(tmp)
    env.update(VIRTUAL_ENV=str(path), PATH=f"{path / 'bin'}{os.pathsep}{env['PATH']}")
    return env


# -- the snippets are all found, and the test command is what CI runs ---------------------------

TESTED = {"quickstart", "test-suite", "install-git", "pre-commit", "github-workflow", "gitlab-ci", "release-smoke"}


def test_every_snippet_is_tested_and_every_install_block_is_a_snippet():
    assert set(SNIPPETS) == TESTED
    blocks = re.findall(r"(<!-- snippet: [a-z0-9-]+ -->\n)?```[a-z]*\n(.*?)```", README, re.S)
    for marker, text in blocks:
        if re.search(r"pip install|uses: |^repos:|script:", text, re.M):
            assert marker, f"README block installs or runs k8scheck in CI but is not a tested snippet:\n{text}"


def test_no_snippet_installs_the_unrelated_pypi_project():
    for name, text in SNIPPETS.items():
        assert not re.search(r"pip install (-\S+ )*['\"]?k8scheck\b(?!-lint)", text), name
        assert "rev: v" not in text and "@v0" not in text, f"{name}: no release tag exists yet"
    assert DISTRIBUTION == "k8scheck-lint"
    assert f'"{DISTRIBUTION} @ git+{REPO_PLACEHOLDER}@{SHA_PLACEHOLDER}"' in SNIPPETS["install-git"]


def test_the_test_suite_command_is_what_ci_runs():
    (command,) = SNIPPETS["test-suite"].strip().splitlines()
    ci = (ROOT / ".ci" / "run").read_text()
    assert command in ci.splitlines(), f".ci/run must run the README's test command verbatim: {command}"


def test_the_skip_table_counts_what_it_names():
    counts = {name: int(n) for name, n in re.findall(r"`(tests/test_[a-z_]+\.py)` \((\d+)\)", README)}
    assert {"tests/test_images_registry.py", "tests/test_precommit.py", "tests/test_action.py"} <= set(counts)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *counts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    collected = {name: int(n) for name, n in re.findall(r"^(tests/test_[a-z_]+\.py): (\d+)$", done.stdout, re.M)}
    assert collected == counts, done.stdout[-2000:]


# -- installs --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The release checklist's build and smoke test, with dist/ and /tmp/v in a temporary directory."""
    tmp = tmp_path_factory.mktemp("release")
    # The fresh virtualenv sees this interpreter's packages (no dependency to install, no index).
    script = SNIPPETS["release-smoke"].replace("python -m venv /tmp/v", "python -m venv --system-site-packages /tmp/v")
    script = script.replace("/tmp/v", str(tmp / "v"))
    script = re.sub(r"(?<![\w/.])dist(?=/|\s|$)", str(tmp / "dist"), script)
    assert str(tmp / "dist") in script and "rm -rf dist" not in script
    done = bash(script, cwd=ROOT, env=base_env(tmp))
    (wheel,) = (tmp / "dist").glob("*.whl")
    return tmp, wheel, done


@needs_wheelhouse
def test_release_smoke_test(release):
    tmp, wheel, done = release
    assert done.returncode == 0, done.stdout + done.stderr
    assert wheel.name == f"{DISTRIBUTION.replace('-', '_')}-{__version__}-py3-none-any.whl"
    assert f"k8scheck, version {__version__}" in done.stdout
    assert "error service-no-endpoints" in done.stdout
    # --version is the installed distribution's version.
    metadata = subprocess.run(
        [str(tmp / "v/bin/python"), "-c", f"import importlib.metadata as m; print(m.version({DISTRIBUTION!r}))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert metadata.stdout.strip() == __version__


@needs_wheelhouse
def test_quickstart(tmp_path):
    env = venv(tmp_path / "venv", tmp_path)
    done = bash(SNIPPETS["quickstart"], cwd=ROOT, env=env)
    assert done.returncode == 1, done.stdout + done.stderr  # the README says: it finds errors
    assert "examples/hello-server/service.yaml:8:10: error service-no-endpoints" in done.stdout
    where = bash("k8scheck --version && python -c 'import k8scheck; print(k8scheck.__file__)'", cwd=tmp_path, env=env)
    assert where.stdout.startswith(f"k8scheck, version {__version__}") and str(tmp_path / "venv") in where.stdout


@needs_wheelhouse
def test_install_from_a_commit(tmp_path):
    env = venv(tmp_path / "venv", tmp_path)
    script = SNIPPETS["install-git"].replace(
        f"{REPO_PLACEHOLDER}@{SHA_PLACEHOLDER}", f"file://localhost{ROOT}@{head_commit()}"
    )
    done = bash(script, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(f"k8scheck, version {__version__}")


# -- CI --------------------------------------------------------------------------------------------


def workspace_with_errors(path: Path) -> Path:
    shutil.copytree(ROOT / "examples/hello-server", path / "k8s")
    return path


@needs_wheelhouse
def test_gitlab_job(tmp_path, release):
    _, wheel, _ = release
    job = load_yaml(SNIPPETS["gitlab-ci"])["k8scheck"]
    assert job["variables"]["K8SCHECK_PACKAGE"] == f"{DISTRIBUTION} @ git+{REPO_PLACEHOLDER}@{SHA_PLACEHOLDER}"
    workspace = workspace_with_errors(tmp_path / "project")
    env = venv(tmp_path / "venv", tmp_path)
    env["K8SCHECK_PACKAGE"] = str(wheel)  # a CI/CD variable overrides it; the index is never asked
    done = bash("\n".join(job["script"]), cwd=workspace, env=env)
    assert done.returncode == 1, done.stdout + done.stderr  # findings fail the job; artifacts are kept (when: always)
    assert job["artifacts"]["when"] == "always"
    assert "error service-no-endpoints" in done.stdout
    reports = job["artifacts"]["reports"]
    issues = json.loads((workspace / reports["codequality"]).read_text())
    jsonschema.Draft202012Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(issues)
    assert ("service-no-endpoints", "k8s/service.yaml", 8) in {
        (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues
    }
    assert "<testsuites" in (workspace / reports["junit"]).read_text()


@needs_wheelhouse
def test_github_workflow_with_the_action(tmp_path):
    workflow = load_yaml(SNIPPETS["github-workflow"])
    assert workflow["permissions"]["security-events"] == "write"
    (job,) = workflow["jobs"].values()
    workspace = workspace_with_errors(tmp_path / "project")
    context: dict = {}
    ran = []
    for step in job["steps"]:
        uses = step["uses"]
        if uses.startswith(("actions/checkout@", "actions/setup-python@")):
            continue  # the checkout is the workspace; Python is this interpreter
        if uses == f"<owner>/k8scheck@{SHA_PLACEHOLDER}":
            done = run_action(
                load_action(),
                step.get("with", {}),
                workspace=workspace,
                runner_temp=installed_action_runner_temp(),
                skip_steps=("Install k8scheck",),
            )
            assert done.returncode == 1, done.stdout + done.stderr  # the example has errors
            assert "::error file=k8s/service.yaml,line=8,col=10," in done.stdout
            context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in done.outputs.items()})
            ran.append("k8scheck")
        elif uses.startswith("github/codeql-action/upload-sarif@"):
            assert step["if"] == "always()"  # upload also when k8scheck failed the job
            from ci_steps import substitute

            sarif = json.loads((workspace / substitute(step["with"]["sarif_file"], context)).read_text())
            assert any(r["ruleId"] == "service-no-endpoints" for r in sarif["runs"][0]["results"])
            ran.append("upload-sarif")
        else:
            raise AssertionError(f"unexpected step {uses}")
    assert ran == ["k8scheck", "upload-sarif"]


@needs_wheelhouse
@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed (pip install -e '.[test]')")
def test_pre_commit_config(tmp_path):
    config = SNIPPETS["pre-commit"].replace(REPO_PLACEHOLDER, str(ROOT)).replace(SHA_PLACEHOLDER, head_commit())
    assert load_yaml(config)["repos"][0]["hooks"][0]["id"] == "k8scheck"
    repo = tmp_path / "manifests"
    (repo / "k8s").mkdir(parents=True)
    seed = ROOT / "fixtures/seeds/service-selector-typo"
    shutil.copy(seed / "deployment.yaml", repo / "k8s/deployment.yaml")
    shutil.copy(seed / "service-nodeport.yaml", repo / "k8s/service.yaml")
    (repo / ".pre-commit-config.yaml").write_text(config)
    env = base_env(tmp_path)
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    done = subprocess.run(
        ["pre-commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "k8s/service.yaml:8:10: error service-no-endpoints" in done.stdout


def test_changelog_and_version_agree():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n") and "## [Unreleased]" in changelog
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    # Every version the changelog calls released is tagged, and the newest is not ahead of the code.
    assert all(f"v{v}" in tags for v in released), (released, tags)
    if released:
        assert tuple(map(int, released[0].split("."))) <= tuple(map(int, __version__.split(".")))
