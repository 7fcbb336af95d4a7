"""Every slug a stage or check can emit is a rule of the catalogue, declared for that stage.

A finding carries the slug of the rule that ran, so a problem whose slug no rule
names would be dropped without a word: two proofs that none exists.

- statically: every string literal passed as a problem's slug (``Problem``,
  ``SourceProblem``, ``Diagnostic``; through module constants and through one
  level of helper parameters, as ``_invalid("invalid-port", ...)``);
- dynamically: every fixture read through each stage, the slugs of what it found.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import FIXTURES, ROOT

from k8scheck import apilifecycle
from k8scheck.catalogue import load_catalogue
from k8scheck.context import Context, Options
from k8scheck.loader import load
from k8scheck.simulate.rollout import parse_deployment

CATALOGUE = load_catalogue()
# What carries a slug, and at which argument: problems first, checks' hit(manifest, slug, ...) second.
SLUG_ARGUMENT = {"Problem": 0, "SourceProblem": 0, "Diagnostic": 0, "hit": 1}
NOT_SLUGS = {"input-error"}  # cli.INPUT_ERROR: a label for unreadable inputs, documented as not a rule


class Emitted(NamedTuple):
    """A slug written in the code as a problem's rule, and where."""

    slug: str
    where: str


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _rule_argument(call: ast.Call):
    for keyword in call.keywords:
        if keyword.arg == "rule":
            return keyword.value
    index = SLUG_ARGUMENT[_callee(call)]
    return call.args[index] if index < len(call.args) else None


def _module_constants(trees) -> dict:
    """NAME -> string of every module-level ``NAME = "..."`` (constants are imported by name)."""
    constants = {}
    for tree in trees.values():
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = node.value.value
    return constants


def _literal_arguments(tree, function: ast.FunctionDef, name: str, constants: dict):
    """The literals callers in the same module pass for parameter ``name`` of ``function``."""
    params = [a.arg for a in function.args.args]
    if name not in params:
        return
    index = params.index(name)
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _callee(call) == function.name:
            value = next(
                (k.value for k in call.keywords if k.arg == name), call.args[index] if index < len(call.args) else None
            )
            yield from _strings(value, constants)


def _strings(value, constants: dict):
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        yield value.value
    elif (
        isinstance(value, (ast.Name, ast.Attribute))
        and (value.id if isinstance(value, ast.Name) else value.attr) in constants
    ):
        yield constants[value.id if isinstance(value, ast.Name) else value.attr]  # NAME or module.NAME
    elif isinstance(value, ast.IfExp):
        yield from _strings(value.body, constants)
        yield from _strings(value.orelse, constants)


def _local_values(function, name: str, constants: dict):
    """The strings a local variable ``name`` of ``function`` is assigned (``rule = A if ... else B``)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            yield from _strings(node.value, constants)


def emitted_in_code() -> list[Emitted]:
    paths = sorted((ROOT / "k8scheck").rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in paths}
    constants = _module_constants(trees)
    found = []
    for path, tree in trees.items():
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [tree]:
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or _callee(call) not in SLUG_ARGUMENT:
                    continue
                value = _rule_argument(call)
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                found += [Emitted(slug, where) for slug in _strings(value, constants)]
                if isinstance(value, ast.Name) and isinstance(function, ast.FunctionDef):
                    found += [Emitted(slug, where) for slug in _literal_arguments(tree, function, value.id, constants)]
                    found += [Emitted(slug, where) for slug in _local_values(function, value.id, constants)]
    return found


def test_the_static_scan_finds_every_stage():
    slugs = {e.slug for e in emitted_in_code()}
    for stage in {rule.stage for rule in CATALOGUE.values() if rule.stage}:
        assert any(CATALOGUE[slug].stage == stage for slug in slugs & set(CATALOGUE)), f"the scan misses stage {stage}"
    assert "invalid-port" in slugs  # through semantic's helpers


def test_every_slug_written_in_the_code_is_a_rule():
    unknown = [e for e in emitted_in_code() if e.slug not in CATALOGUE and e.slug not in NOT_SLUGS]
    assert unknown == []


def test_checks_name_their_findings_by_the_rule_they_run_for():
    """hit(manifest, rule.slug, ...): a check never writes a slug literally (it could be another rule's)."""
    written = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in sorted((ROOT / "k8scheck" / "checks").glob("*.py"))
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(call, ast.Call)
        and _callee(call) == "hit"
        and len(call.args) > 1
        and isinstance(call.args[1], ast.Constant)
    ]
    assert written == []


def test_every_slug_written_in_the_code_belongs_to_a_stage_or_check():
    """A stage's problem with another stage's slug would be handed to no rule (STAGES filter by slug)."""
    stray = [e for e in emitted_in_code() if e.slug in CATALOGUE and CATALOGUE[e.slug].stage is None]
    assert stray == []


def _stage_outputs(ctx: Context):
    """(stage, slug) of every problem each stage finds in the loaded objects."""
    yield from (("source", d.rule) for d in ctx.loaded.diagnostics)
    yield from (("schema", p.rule) for _, p in ctx.schema_problems)
    yield from (("semantic", p.rule) for _, p in ctx.semantic_problems)
    yield from (("images", p.rule) for _, p in ctx.image_static_problems)
    for m in ctx.manifests:
        yield from (("api-lifecycle", p.rule) for p in apilifecycle.check(m.obj, ctx.kube_version))
        if m.kind == "Deployment":
            yield from (("rollout-simulation", p.rule) for p in parse_deployment(m.obj).problems)


FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.yaml") if p.name.startswith(("fires-", "passes-")))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_slug_a_stage_emits_on_the_fixtures_is_declared_for_it(path: Path):
    ctx = Context(load([str(path)]), Options())
    wrong = [
        (stage, slug) for stage, slug in _stage_outputs(ctx) if slug not in CATALOGUE or CATALOGUE[slug].stage != stage
    ]
    assert wrong == []
