"""The rule catalogue: ``rules/<slug>.yaml`` files, validated against ``schemas/rule.schema.json``."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .model import SEVERITIES


class CatalogueError(Exception):
    """A rule file is missing, unreadable, or does not follow the rule schema."""


def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / name


class Group(NamedTuple):
    """A family of rules that --select / --ignore and the config can name at once."""

    description: str
    on_by_default: bool = True


# Every rule's `group:` is one of these (schemas/rule.schema.json lists the same names;
# tests/test_catalogue.py keeps the two equal). A group off by default runs only when
# selected: `--select security` (only it) or `--select default,security` (added).
GROUPS: dict[str, Group] = {
    "syntax": Group("the file is not readable YAML, or a suppression comment is wrong"),
    "schema": Group("the API server rejects the object (schema and validation rules)"),
    "api": Group("the target Kubernetes version does not serve (or deprecates) the API, field or annotation"),
    "refs": Group("an object refers to another that is missing or does not fit"),
    "rollout": Group("a rollout, drain or autoscaler will not do what the manifests intend"),
    "images": Group("container image references"),
    "best-practice": Group("the cluster accepts it, but it fails people in production"),
    "security": Group(
        "what an attacker or the kernel does with a container's privileges (kube-linter's defaults)",
        on_by_default=False,
    ),
}

#: Names --select / --ignore accept besides slugs and groups.
ALL, DEFAULT = "all", "default"


def expand_names(names, catalogue: dict) -> tuple[set, list]:
    """(slugs, unknown names) for rule slugs, group names, ``all`` and ``default``."""
    chosen: set = set()
    unknown = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name in catalogue:
            chosen.add(name)
        elif name in GROUPS:
            chosen.update(slug for slug, rule in catalogue.items() if rule.group == name)
        elif name == ALL:
            chosen.update(catalogue)
        elif name == DEFAULT:
            chosen.update(slug for slug, rule in catalogue.items() if GROUPS[rule.group].on_by_default)
        else:
            unknown.append(name)
    return chosen, unknown


def known_names(catalogue: dict) -> list:
    """Everything --select accepts, for "did you mean" hints."""
    return [*catalogue, *GROUPS, ALL, DEFAULT]


class Template(NamedTuple):
    """``template: {name, params}``: the rule is an instance of a shared check (checks/refs.py missing_object)."""

    name: str
    params: dict


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: str
    summary: str
    docs: dict
    group: str = "best-practice"
    params: dict = field(default_factory=dict)
    # One mistake, one finding (k8scheck.merge): rules whose finding at the same
    # place reports the same fact better (this rule's is dropped), and rules whose
    # finding at the same place is the root cause (this rule's becomes its note).
    covered_by: tuple = ()
    consequence_of: tuple = ()
    template: Template | None = None
    severity_of_findings: dict = field(default_factory=dict)  # `severity-of`: finding name -> severity
    remediation: str = ""  # one sentence: what to change
    status: str = "stable"  # stable, preview (may still change), deprecated
    since: str = ""  # the k8scheck version that added it
    stage: str | None = None  # a pipeline stage emits this rule's problems (k8scheck.checks.STAGES)

    def severity_of(self, name: str) -> str:
        """The severity ``severity-of`` in the rule's YAML gives findings the check calls ``name``."""
        try:
            return self.severity_of_findings[name]
        except KeyError:
            raise KeyError(f"rules/{self.slug}.yaml declares no severity-of: {name}") from None

    def param_defaults(self) -> dict:
        return {name: spec.get("default") for name, spec in self.params.items()}


def stage_slugs(*stages: str) -> frozenset:
    """The slugs the named pipeline stages emit: the rules whose ``stage:`` names one of them."""
    return frozenset(slug for slug, rule in load_catalogue().items() if rule.stage in stages)


def _read_yaml(path: Path, data: bytes | None = None):
    from .yamlsource import load_single

    return load_single((data if data is not None else path.read_bytes()).decode("utf-8"))


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
    for data in _rule_data(directory):
        rules[data["slug"]] = Rule(
            slug=data["slug"],
            severity=data["severity"],
            group=data["group"],
            summary=data["summary"],
            docs=data["docs"],
            params=data.get("params") or {},
            covered_by=tuple(data.get("covered-by") or ()),
            consequence_of=tuple(data.get("consequence-of") or ()),
            template=Template(**data["template"]) if data.get("template") else None,
            stage=data.get("stage"),
            severity_of_findings=dict(data.get("severity-of") or {}),
            remediation=data["remediation"],
            status=data["status"],
            since=data["since"],
        )
    if not rules:
        raise CatalogueError(f"no rules found in {directory}")
    return rules


def _rule_data(directory: Path) -> list[dict]:
    """The data of every rule file, sorted by file name.

    The full rule schema is checked by the test suite (tests/test_catalogue.py)
    for every shipped file; at run time only what loading needs (_check_shape).

    Parsing some 80 YAML files takes longer than a small run's checks, so their
    data are kept in the cache directory (k8scheck.cachedir.installed_data) under
    a key of the files' bytes and the parser's code."""
    from .cachedir import digest, installed_data, parser_code

    texts = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            texts.append((path, path.read_bytes()))
        except OSError as exc:  # the catalogue ships with k8scheck: any failure is a bug
            raise CatalogueError(f"{path}: cannot read: {exc}") from exc

    def parse() -> list:
        rows = []
        for path, text in texts:
            try:
                rows.append([path.name, _read_yaml(path, text)])
            except Exception as exc:
                raise CatalogueError(f"{path}: cannot read: {exc}") from exc
        return rows

    def decode(rows: list) -> list[dict]:
        if [name for name, _ in rows] != [path.name for path, _ in texts]:
            raise ValueError("not the data of these rule files")
        for name, data in rows:
            _check_shape(data, directory / name)
        return [data for _, data in rows]

    key = digest(["rule-catalogue-1", *parser_code(), *(part for path, text in texts for part in (path.name, text))])
    return installed_data("rule-catalogue", key, parse, decode)


_REQUIRED = ("slug", "severity", "group", "summary", "docs", "remediation", "status", "since")


def _check_shape(data, path: Path) -> None:
    if not isinstance(data, dict) or data.get("slug") != path.stem:
        raise CatalogueError(f"{path}: slug does not match the file name")
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise CatalogueError(f"{path}: missing {', '.join(missing)} (schemas/rule.schema.json)")


__all__ = [
    "Rule",
    "stage_slugs",
    "GROUPS",
    "expand_names",
    "CatalogueError",
    "load_catalogue",
    "data_dir",
    "SEVERITIES",
]
