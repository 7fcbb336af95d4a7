"""The README's peer-check table is generated from k8scheck/data/peer_checks.yaml, and every rule it names exists."""

from __future__ import annotations

from conftest import ROOT

from k8scheck.catalogue import load_catalogue
from k8scheck.peers import MARKER, load, markdown


def test_readme_peer_table_is_the_data():
    readme = (ROOT / "README.md").read_text()
    assert MARKER + markdown() in readme + "\n", "regenerate with python scripts/update_readme_peers.py"


def test_every_peer_check_is_covered_or_explained_and_names_real_rules():
    catalogue = load_catalogue()
    data = load()
    assert set(data) == {"kube-linter", "kube-score", "Polaris"}
    for tool, checks in data.items():
        for check, entry in checks.items():
            assert bool(entry.get("rules")) != bool(entry.get("out")), (tool, check)
            assert set(entry.get("rules") or ()) <= set(catalogue), (tool, check)
