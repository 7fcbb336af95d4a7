"""Rule groups: every rule has one, --select/--ignore and the config take group names, security is off by default."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from k8scheck.catalogue import ALL, DEFAULT, GROUPS, load_catalogue
from k8scheck.config import ConfigError, load_config
from k8scheck.engine import UsageError, active_rules

CATALOGUE = load_catalogue()


def test_rule_schema_lists_exactly_the_groups():
    schema = json.loads((ROOT / "schemas" / "rule.schema.json").read_text())
    assert schema["properties"]["group"]["enum"] == list(GROUPS)
    assert "group" in schema["required"]


def test_group_names_never_shadow_a_rule():
    assert not (set(GROUPS) | {ALL, DEFAULT}) & set(CATALOGUE)


def test_every_group_has_a_rule():
    assert {rule.group for rule in CATALOGUE.values()} == set(GROUPS)


def test_default_run_leaves_out_groups_that_are_off_by_default():
    slugs = {rule.slug for rule in active_rules()}
    off = {slug for slug, rule in CATALOGUE.items() if not GROUPS[rule.group].on_by_default}
    assert off and not slugs & off
    assert slugs | off == set(CATALOGUE)


def test_select_a_group_runs_only_it_and_default_adds_it():
    only = {rule.group for rule in active_rules(select=["security"])}
    assert only == {"security", "syntax"}  # the input rules always run: a parse error is never hidden
    both = {rule.slug for rule in active_rules(select=["default", "security"])}
    assert both == set(CATALOGUE)
    assert {rule.slug for rule in active_rules(select=["all"])} == set(CATALOGUE)


def test_ignore_a_group():
    slugs = {rule.slug for rule in active_rules(ignore=["images"])}
    assert not any(CATALOGUE[s].group == "images" for s in slugs)


def test_unknown_group_is_a_usage_error_with_a_hint():
    with pytest.raises(UsageError, match="did you mean security"):
        active_rules(select=["securty"])


def test_config_accepts_group_names(tmp_path):
    path = tmp_path / ".k8scheck.yaml"
    path.write_text(
        "select: [default, security]\nignore: [best-practice]\nper-file-ignores:\n  'legacy/**': [security]\n"
    )
    config = load_config(path, CATALOGUE)
    assert config.select == ("default", "security")
    security = {slug for slug, rule in CATALOGUE.items() if rule.group == "security"}
    assert config.ignored_in(str(tmp_path / "legacy" / "a.yaml")) == frozenset(security)


def test_config_rejects_unknown_group(tmp_path):
    path = tmp_path / ".k8scheck.yaml"
    path.write_text("ignore: [securit]\n")
    with pytest.raises(ConfigError, match="unknown rule 'securit'"):
        load_config(path, CATALOGUE)
