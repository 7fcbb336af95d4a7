"""Each fires-* fixture's rendered text output, pinned: message, column, code frame (ruff's snapshots).

One snapshot file (__snapshots__/test_fixture_output.ambr); review it with
`pytest tests/test_fixture_output.py --snapshot-update` and `git diff`.
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from test_fixtures import CASES, run_fixture

from k8scheck.report.text import render_text

FIRES = [(slug, path) for slug, path in CASES if path.name.startswith("fires-")]


@pytest.mark.parametrize("slug,path", FIRES, ids=[f"{s}/{p.name}" for s, p in FIRES])
def test_fires_fixture_text_output(slug, path, snapshot, monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in the output are relative to the repository, as a user types them
    report = run_fixture(slug, path.relative_to(ROOT))
    assert render_text(report, color=False) == snapshot
