"""Same inputs, byte-identical output: across runs, PYTHONHASHSEED values and the order paths are given in."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

PATHS = ["examples/hello-server", "fixtures/seeds/echo-releases", "fixtures/duplicate-object", "fixtures/implicit-type"]


def run(args, seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-m", "k8scheck", "lint", *args, "--format", "json"], cwd=ROOT, env=env, capture_output=True)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_byte_identical_across_hash_seeds_and_path_order():
    first = run(PATHS, "0")
    assert run(PATHS, "1") == first
    assert run(list(reversed(PATHS)), "12345") == first
    assert b'"findings": [' in first and first.count(b'"rule"') >= 5
