"""Reading .gitignore files as git does (k8scheck/gitignore.py): rows checked against `git check-ignore`."""

from __future__ import annotations

import pytest

from k8scheck.gitignore import ignored_by

# (the root .gitignore, a .gitignore in sub/ or None, the path below the root, ignored?)
CASES = [
    (".env\n", None, "kustomize/overlays/azd/ai-service/.env", True),  # a name at any depth
    (".env\n", None, "kustomize/overlays/azd/ai-service/.env.sample", False),
    ("dep-crds\n", None, "dep-crds/training-operator/manifests", True),  # below an ignored directory
    ("/dep-crds\n", None, "test/dep-crds", False),  # a leading slash anchors it to the root
    ("config/overlays/dev/manager_image_patch.yaml\n", None, "config/overlays/dev/manager_image_patch.yaml", True),
    ("config/*.yaml\n", None, "config/overlays/patch.yaml", False),  # "*" never crosses a slash
    ("config/**/patch.yaml\n", None, "config/overlays/dev/patch.yaml", True),
    ("**/generated/\n", None, "deploy/generated/crds.yaml", True),
    ("*.env\n!keep.env\n", None, "sub/keep.env", False),  # the last matching pattern wins
    ("*.env\n", "!local.env\n", "sub/local.env", False),  # a deeper .gitignore overrides the root's
    ("build/\n!build/keep.yaml\n", None, "build/keep.yaml", True),  # nothing below an ignored directory comes back
    ("# .env\n\n", None, ".env", False),  # comments and blank lines
    ("manifest.yam[l]\n", None, "common/manifest.yaml", True),
    ("", "manifest.yaml\n", "sub/manifest.yaml", True),
    ("", "manifest.yaml\n", "other/manifest.yaml", False),  # a .gitignore only speaks for its own directory
]


@pytest.mark.parametrize(("root_rules", "sub_rules", "path", "ignored"), CASES)
def test_ignored_by_reads_gitignore_files_as_git_does(tmp_path, root_rules, sub_rules, path, ignored):
    (tmp_path / ".gitignore").write_text(root_rules)
    if sub_rules is not None:
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / ".gitignore").write_text(sub_rules)
    assert (ignored_by(str(tmp_path / path), str(tmp_path)) is not None) == ignored


def test_the_rule_that_ignores_a_path_is_named(tmp_path):
    (tmp_path / ".gitignore").write_text("# dotenv files\n.env\n")
    rule = ignored_by(str(tmp_path / "overlays" / ".env"), str(tmp_path))
    assert rule is not None and (rule.line, rule.pattern) == (2, ".env")
    assert ignored_by(str(tmp_path.parent / ".env"), str(tmp_path)) is None  # outside the repository


def test_only_the_part_of_the_path_the_checkout_lacks_is_looked_up(tmp_path):
    # aks-store-demo ignores `kustomize` (a binary make builds), which also matches its kustomize/ directory of
    # committed manifests: the .env missing there is ignored by its own line, not by that one.
    (tmp_path / ".gitignore").write_text(".env\nkustomize\n")
    (tmp_path / "kustomize" / "overlays").mkdir(parents=True)
    rule = ignored_by(str(tmp_path / "kustomize" / "overlays" / ".env"), str(tmp_path))
    assert rule is not None and rule.pattern == ".env"
    assert ignored_by(str(tmp_path / "kustomize" / "overlays" / "manifest.yaml"), str(tmp_path)) is None
