from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
OPTION = re.compile(r"^#\s*([a-z-]+):\s*(\S+)\s*$")


def expected_lines(path: Path, slug: str) -> set[int]:
    lines = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match and slug in [s.strip() for s in match.group(1).split(",")]:
            lines.add(number)
    return lines


def fixture_options(path: Path) -> dict:
    """Options from leading comments: `# kube-version: 1.25`, `# image-catalog: catalog.yaml`."""
    options = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = OPTION.match(line)
        if not match:
            break
        options[match.group(1)] = match.group(2)
    return options


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    """Every test run gets its own cache directory: no state leaks from the user's cache or between runs."""
    import os

    os.environ["K8SCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("k8scheck-cache"))
    yield
