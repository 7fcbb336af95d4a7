"""The README's table of peer linters' checks (k8scheck/data/peer_checks.yaml) and what covers each."""

from __future__ import annotations

from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "peer_checks.yaml"
MARKER = (
    "<!-- generated from k8scheck/data/peer_checks.yaml by scripts/update_readme_peers.py; tests/test_peer_checks.py "
    "keeps it in sync -->\n"
)


def load() -> dict:
    from .yamlsource import load_single

    return load_single(DATA_FILE.read_text(encoding="utf-8"))


def markdown(data: dict | None = None) -> str:
    data = load() if data is None else data
    lines = ["| tool | check | k8scheck |", "|---|---|---|"]
    for tool, checks in data.items():
        for check, entry in sorted(checks.items(), key=lambda kv: kv[0].lower()):
            covered = ", ".join(f"`{slug}`" for slug in entry.get("rules") or ())
            lines.append(f"| {tool} | `{check}` | {covered or 'out of scope: ' + entry['out']} |")
    return "\n".join(lines) + "\n"
