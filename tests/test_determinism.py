"""Same inputs, byte-identical output: across runs, PYTHONHASHSEED values and the order paths are given in."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

PATHS = ["examples/hello-server", "fixtures/seeds/echo-releases", "fixtures/duplicate-object", "fixtures/implicit-type"]


def run(args, seed: str, jobs: str = "1") -> bytes:
    # Tiny parallel thresholds make even these few files (and objects) go through worker processes.
    env = dict(os.environ, PYTHONHASHSEED=seed, K8SCHECK_PARALLEL_MIN_BYTES="1", K8SCHECK_PARALLEL_MIN_OBJECTS="1")
    args = [*args, "--jobs", jobs, "--no-cache"]
    done = subprocess.run(
        [sys.executable, "-m", "k8scheck", "lint", *args, "--format", "json"], cwd=ROOT, env=env, capture_output=True
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_byte_identical_across_hash_seeds_and_path_order():
    first = run(PATHS, "0")
    assert run(PATHS, "1") == first
    assert run(list(reversed(PATHS)), "12345") == first
    assert run(PATHS, "7", jobs="2") == first
    assert run(PATHS, "8", jobs="3") == first
    assert b'"findings": [' in first and first.count(b'"rule"') >= 5
