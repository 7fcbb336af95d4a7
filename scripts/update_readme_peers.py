"""Regenerate the README's peer-check table from k8scheck/data/peer_checks.yaml.

tests/test_peer_checks.py checks that README and data agree.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from k8scheck.peers import MARKER, markdown  # noqa: E402

table = markdown()
readme = (ROOT / "README.md").read_text()
start = readme.index(MARKER) + len(MARKER)
end = readme.index("\n\n", start)
(ROOT / "README.md").write_text(readme[:start] + table.rstrip("\n") + readme[end:])
print(f"{table.count(chr(10)) - 2} peer checks")
