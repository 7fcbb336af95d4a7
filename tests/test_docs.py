"""The README stays true: its rule table is the catalogue, its quick start names real paths."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import ROOT

from k8scheck.cli import main


def test_readme_rule_table_is_the_catalogue():
    table = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    assert table.strip() in (ROOT / "README.md").read_text(), "regenerate with python scripts/update_readme_rules.py"


def test_quick_start_example_exists_and_has_findings():
    readme = (ROOT / "README.md").read_text()
    assert "pip install . && k8scheck lint examples/hello-server/" in readme
    assert (ROOT / "examples" / "hello-server").is_dir()
    assert "pip install -e '.[test]' && python -m pytest" in readme
    assert "pip install -e '.[test]' && python -m pytest" in (ROOT / ".ci" / "run").read_text().splitlines()
