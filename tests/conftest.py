from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# `# expect: slug`, `# expect: slug@col`, or several: `# expect: a@5, b`.
EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+(?:@\d+)?(?:\s*,\s*[a-z0-9-]+(?:@\d+)?)*)")


class Marker(NamedTuple):
    """One `# expect:` entry: the rule fires on this line (at this 1-based column, when given)."""

    line: int
    slug: str
    column: int | None


def markers(path: Path) -> list[Marker]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        for entry in match.group(1).split(",") if match else ():
            slug, _, column = entry.strip().partition("@")
            found.append(Marker(number, slug, int(column) if column else None))
    return found


def expected_columns(path: Path, slug: str) -> set[tuple[int, int]]:
    """(line, column) of every marker of ``slug`` that states its column."""
    return {(m.line, m.column) for m in markers(path) if m.slug == slug and m.column is not None}


OPTION = re.compile(r"^#\s*([a-z-]+):\s*(\S+)\s*$")


def expected_lines(path: Path, slug: str) -> set[int]:
    return {m.line for m in markers(path) if m.slug == slug}


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


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI in-process from ``cwd`` (the repository root by default)."""
    from click.testing import CliRunner

    from k8scheck.cli import main

    def invoke(*args, cwd=ROOT, input=None):
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def write(path, text):
    """Write a dedented file, creating its directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
