"""The same paths as they were at a git revision (`--from-git REV`)."""

from __future__ import annotations

import os
import subprocess
import tempfile

from .loader import MANIFEST_SUFFIXES


class GitError(Exception):
    pass


def _git(args, cwd=None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {' '.join(args)} failed")
    return done.stdout


def materialize(revision: str, paths: list[str]) -> tuple[str, list[str]]:
    """Write the manifests under ``paths`` as of ``revision`` into a temporary tree.

    Returns (temporary directory, the paths to read there). Paths that did not
    exist at that revision simply yield nothing (every object is then new).
    """
    top = _git(["rev-parse", "--show-toplevel"]).strip()
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd=top)
    out_dir = tempfile.mkdtemp(prefix="k8scheck-git-")
    mapped = []
    for path in paths:
        relative = os.path.relpath(os.path.abspath(path), top)
        if relative.startswith(".."):
            raise GitError(f"{path} is outside the git repository at {top}")
        listing = _git(["ls-tree", "-r", "--name-only", revision, "--", "." if relative == "." else relative], cwd=top)
        for name in listing.splitlines():
            if not name.endswith(MANIFEST_SUFFIXES):
                continue
            content = subprocess.run(
                ["git", "show", f"{revision}:{name}"], cwd=top, capture_output=True, timeout=60
            ).stdout
            target = os.path.join(out_dir, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(content)
        mapped.append(os.path.join(out_dir, relative))
    return out_dir, mapped
