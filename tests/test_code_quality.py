"""The code checks itself, as flake8 dogfoods itself: ruff and mypy run clean (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a test extra: pip install -e '.[test]'")
def test_ruff_is_clean():
    done = _run("ruff", "check", "k8scheck", "tests", "scripts", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean():
    pytest.importorskip("mypy", reason="mypy is a test extra: pip install -e '.[test]'")
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
