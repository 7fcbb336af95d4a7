"""The real pre-commit client runs k8scheck's hook from this checkout in a scratch repository.

pre-commit installs the hook into its own virtualenv. The test makes no network
requests: pip is pointed at a local wheelhouse that `.ci/run` builds before the
tests (`python3 -m pip wheel -w .ci/wheelhouse . hatchling`); without it the test
skips and says how to build it.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

WHEELHOUSE = ROOT / ".ci" / "wheelhouse"
PRE_COMMIT = shutil.which("pre-commit")

pytestmark = [
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(
        not any(WHEELHOUSE.glob("k8scheck_lint-*.whl")),
        reason="no wheelhouse: run `python3 -m pip wheel -w .ci/wheelhouse . hatchling` (as .ci/run does)",
    ),
]

TYPO_SERVICE = (ROOT / "fixtures/seeds/service-selector-typo/service-nodeport.yaml").read_text()
DEPLOYMENT = (ROOT / "fixtures/seeds/service-selector-typo/deployment.yaml").read_text()


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    return dict(
        os.environ,
        PRE_COMMIT_HOME=str(home),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )


def scratch_repo(path, files: dict):
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    subprocess.run(["git", "add", "."], cwd=path, check=True)


def try_repo(path, env):
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "k8scheck", "--color", "never"],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_commit_with_the_seed_selector_typo_is_blocked(tmp_path, hook_env):
    repo = tmp_path / "manifests"
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  PORT: 8080\n"
    scratch_repo(repo, {"deployment.yaml": DEPLOYMENT, "service.yaml": TYPO_SERVICE, "configmap.yaml": configmap})
    done = try_repo(repo, hook_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "service.yaml:8:10: error service-no-endpoints" in done.stdout
    assert "Did you mean app=hello-server" in done.stdout
    assert "configmap.yaml:6:9: error implicit-type" in done.stdout
    assert "Failed" in done.stdout


NOT_MANIFESTS = {
    # The hook is handed every changed YAML/JSON file, manifests or not.
    ".pre-commit-config.yaml": (
        "repos:\n- repo: local\n  hooks:\n  - id: k8scheck\n    name: k8scheck\n"
        "    entry: k8scheck lint --skip-non-manifests\n    language: system\n    types_or: [yaml, json]\n"
    ),
    "package.json": '{"name": "shop", "version": "1.0.0"}\n',
    "openapi.yaml": "openapi: 3.0.3\ninfo: {title: Shop, version: '1.0'}\npaths: {}\n",
    "app-config.yaml": "server:\n  listen: 0.0.0.0:8080\n",
    "docker-compose.yml": "services:\n  web:\n    image: shop:dev\n",
    "README.md": "not yaml",
}


def test_clean_commit_passes(tmp_path, hook_env):
    repo = tmp_path / "manifests"
    scratch_repo(repo, {"pod.yaml": (ROOT / "fixtures/seeds/simple-echo/simple-pod.yaml").read_text(), **NOT_MANIFESTS})
    done = try_repo(repo, hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_broken_manifest_next_to_non_manifests_is_blocked(tmp_path, hook_env):
    repo = tmp_path / "manifests"
    scratch_repo(repo, {"deployment.yaml": DEPLOYMENT, "service.yaml": TYPO_SERVICE, **NOT_MANIFESTS})
    done = try_repo(repo, hook_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "service.yaml:8:10: error service-no-endpoints" in done.stdout
    for name in NOT_MANIFESTS:
        assert f"{name}:" not in done.stdout, done.stdout


KUSTOMIZE = {
    "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
    "base/deployment.yaml": (ROOT / "fixtures/layouts/kustomize-overlays/base/deployment.yaml")
    .read_text()
    .replace(
        "          envFrom:\n            - secretRef:\n                name: web-credentials  # expect: "
        "secret-missing\n",
        "",
    ),
    "overlays/prod/kustomization.yaml": "resources:\n- ../../base\npatches:\n- path: replicas.yaml\n",
    # A patch alone lacks selector and containers' images: linted raw it would fail.
    "overlays/prod/replicas.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n"
    ),
}


@pytest.mark.skipif(
    not (shutil.which("kustomize") or shutil.which("kubectl")),
    reason="needs kustomize or kubectl (.ci/run installs kubectl)",
)
def test_commit_of_a_kustomize_patch_is_checked_through_its_overlay(tmp_path, hook_env):
    repo = tmp_path / "manifests"
    scratch_repo(repo, KUSTOMIZE)
    done = try_repo(repo, hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = dict(
        KUSTOMIZE,
        **{
            "overlays/prod/replicas.yaml": KUSTOMIZE["overlays/prod/replicas.yaml"]
            + (
                "  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:latest\n        "
                "imagePullPolicy: Sometimes\n"
            )
        },
    )
    repo = tmp_path / "broken"
    scratch_repo(repo, broken)
    done = try_repo(repo, hook_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "overlays/prod/replicas.yaml:12:26: error schema-enum" in done.stdout, done.stdout
