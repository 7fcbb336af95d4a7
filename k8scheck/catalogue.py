"""The rule catalogue: ``rules/<slug>.yaml`` files, validated against ``schemas/rule.schema.json``."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from .model import SEVERITIES


class CatalogueError(Exception):
    """A rule file is missing, unreadable, or does not follow the rule schema."""


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / name


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: str
    summary: str
    docs: dict
    params: dict = field(default_factory=dict)

    def param_defaults(self) -> dict:
        return {name: spec.get("default") for name, spec in self.params.items()}


def _read_yaml(path: Path):
    from .yamlsource import parse_stream

    documents, problems = parse_stream(path.read_text(encoding="utf-8"), with_spans=False)
    if problems or len(documents) != 1:
        raise ValueError(problems[0].message if problems else "expected exactly one YAML document")
    return documents[0].value


@functools.lru_cache(maxsize=1)
def rule_schema() -> dict:
    return json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _rule_validator():
    import jsonschema

    return jsonschema.Draft202012Validator(rule_schema())


def validate_rule(data, path: Path) -> None:
    errors = sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.path) or "(top)"
        raise CatalogueError(f"{path}: {where}: {first.message}")
    if data["slug"] != path.stem:
        raise CatalogueError(f"{path}: slug {data['slug']!r} does not match the file name")


@functools.lru_cache(maxsize=1)
def load_catalogue() -> dict[str, Rule]:
    """Every rule, by slug, sorted by slug."""
    rules: dict[str, Rule] = {}
    directory = data_dir("rules")
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = _read_yaml(path)
        except Exception as exc:  # the catalogue ships with k8scheck: any failure is a bug
            raise CatalogueError(f"{path}: cannot read: {exc}") from exc
        validate_rule(data, path)
        rules[data["slug"]] = Rule(
            slug=data["slug"],
            severity=data["severity"],
            summary=data["summary"],
            docs=data["docs"],
            params=data.get("params") or {},
        )
    if not rules:
        raise CatalogueError(f"no rules found in {directory}")
    return rules


__all__ = ["Rule", "CatalogueError", "load_catalogue", "data_dir", "SEVERITIES"]
