"""`fix` is one thing everywhere (schemas/report.schema.json): the text that replaces the finding's span.

Prose (how to fix, what to add elsewhere) belongs in the message; a consumer that
applies fixes (an editor, a bot) must be able to paste `fix` over the span.
"""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from conftest import FIXTURES

from k8scheck.cli import main

SPECIAL = {"seeds", "examples", "catalogs", "rollouts", "why", "layouts", "simulate"}
REPLACEMENT = re.compile(r'^(?:"[^"]*"|[^\s(]+)$')  # a quoted string, or one token with no prose


def test_every_fix_is_replacement_text_for_its_span():
    rule_dirs = sorted(str(d) for d in FIXTURES.iterdir() if d.is_dir() and d.name not in SPECIAL)
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--select", "all", "-f", "json", *rule_dirs])
    findings = json.loads(result.output)["findings"]
    fixes = [(f["rule"], f["fix"]) for f in findings if f["fix"] is not None]
    assert fixes, "the fixtures exercise rules that propose fixes"
    bad = [(rule, fix) for rule, fix in fixes if not REPLACEMENT.match(fix)]
    assert bad == []
