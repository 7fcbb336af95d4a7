"""Project configuration: `.k8scheck.yaml` or `[tool.k8scheck]` in pyproject.toml.

Found by walking up from the working directory; the first directory holding
either wins (`.k8scheck.yaml` before pyproject.toml). Command-line options win
over the file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import data_dir, expand_names, known_names

CONFIG_NAMES = (".k8scheck.yaml", ".k8scheck.yml")


class ConfigError(Exception):
    """The configuration file is unreadable or invalid; the message names the file and key."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple = ()
    ignore: tuple = ()
    severity: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    per_file_ignores: tuple = ()  # ((compiled glob, frozenset of slugs), ...)
    assume_exists: tuple = ()
    assume_pods: tuple = ()  # (namespace, ((label, value), ...)) of pods stated to exist
    producers: tuple = ()  # the file's `producers:` catalogue (same shape as k8scheck/data/producers.yaml)
    kube_version: str | None = None
    namespace: str | None = None
    fail_on: str | None = None
    context: tuple = ()
    exclude: tuple = ()  # globs a directory walk passes over
    warnings: tuple = ()  # what was accepted but should be written differently (printed on stderr)

    def ignored_in(self, file: str) -> frozenset:
        if not self.per_file_ignores:
            return frozenset()
        base = self.path.parent if self.path else Path.cwd()
        try:
            relative = Path(file).resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            relative = Path(file).as_posix()
        out: set = set()
        for pattern, slugs in self.per_file_ignores:
            if pattern.match(relative):
                out |= slugs
        return frozenset(out)


def _glob_regex(pattern: str) -> re.Pattern:
    """Glob with ** (any number of directories), * and ? (within one name)."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def config_candidates(start: Path | None = None) -> Iterator[Path]:
    """Where a configuration file is looked for, in order: each name, then pyproject.toml, in the starting
    directory (the working directory) and each of its parents."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            yield folder / name
        yield folder / "pyproject.toml"


def find_config(start: Path | None = None, looked_at: list[Path] | None = None) -> Path | None:
    """The first candidate that is a configuration file (a pyproject.toml only with a [tool.k8scheck] table);
    every candidate looked at is appended to ``looked_at``."""
    for candidate in config_candidates(start):
        if looked_at is not None:
            looked_at.append(candidate)
        if candidate.is_file() and (candidate.name != "pyproject.toml" or _pyproject_section(candidate) is not None):
            return candidate
    return None


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


# Where a [tool.k8scheck] table can be written: a [tool.k8scheck] header or a
# tool.k8scheck key, or inside a [tool] table or an inline `tool = {...}`. A
# pyproject.toml with none of these (most, even those naming k8scheck-lint as a
# dependency) has no section, and is not given to the TOML parser (5 ms).
_MAY_HOLD_SECTION = re.compile(
    r"""tool["']?\s*\.\s*["']?k8scheck|^\s*\[\s*["']?tool["']?\s*\]|^\s*["']?tool["']?\s*=""", re.MULTILINE
)


def _pyproject_section(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
        if not _MAY_HOLD_SECTION.search(text):
            return None
        data = _toml().loads(text)
    except Exception:
        return None
    return data.get("tool", {}).get("k8scheck")


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))


def _read(path: Path) -> dict:
    if path.name == "pyproject.toml":
        try:
            data = _toml().loads(path.read_text(encoding="utf-8"))
        except Exception as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        return data.get("tool", {}).get("k8scheck") or {}
    from .yamlsource import load_single

    try:
        data = load_single(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of options")
    return data


def assume_exists_problem(pattern: str) -> str | None:
    """Why an assume-exists pattern is malformed (KIND/NAMESPACE/NAME or KIND/NAME), or None."""
    parts = pattern.split("/")
    if len(parts) in (2, 3) and all(part.strip() for part in parts):
        return None
    return f"{pattern!r}: expected KIND/NAMESPACE/NAME or KIND/NAME (patterns allowed, e.g. Secret/prod/tls-*)"


def _kube_version_from_float(value: float, path: Path) -> tuple[str, str]:
    """An unquoted `kube-version: 1.30` is the float 1.3: the version it must mean, and a warning.

    The float loses trailing zeros, so 1.3 may mean 1.3 or 1.30; it is accepted only
    when exactly one of them is bundled.
    """
    from .schema import bundled_versions

    text = repr(value)
    candidates = [v for v in (text, text + "0") if v in bundled_versions()]
    if len(candidates) != 1:
        raise ConfigError(
            f"{path}: kube-version: {value!r} is a number to YAML (unquoted), and it is not one bundled version; quote "
            'it, e.g. kube-version: "1.30"'
        )
    version = candidates[0]
    return (
        version,
        f'{path}: kube-version: {value!r} is a number to YAML (an unquoted 1.30 reads as 1.3); read as "{version}", '
        f'write kube-version: "{version}"',
    )


def load_config(path: Path, catalogue: dict) -> Config:
    import jsonschema

    data = _read(path)
    warnings = []
    if isinstance(data.get("kube-version"), float):
        data = dict(data)
        data["kube-version"], warning = _kube_version_from_float(data["kube-version"], path)
        warnings.append(warning)
    where = "[tool.k8scheck]" if path.name == "pyproject.toml" else ""
    for pattern in data.get("assume-exists") or ():
        problem = assume_exists_problem(pattern) if isinstance(pattern, str) else None
        if problem:
            raise ConfigError(f"{path}{where}: assume-exists: {problem}")
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        message = error.message
        if error.validator == "additionalProperties" and not error.absolute_path:
            extra = sorted(set(data) - set(_schema()["properties"]))
            import difflib

            close = difflib.get_close_matches(extra[0], list(_schema()["properties"]), n=1) if extra else []
            key = extra[0] if extra else key
            message = f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        raise ConfigError(f"{path}{where}: {key}: {message}")
    for option in ("select", "ignore"):
        for name in data.get(option, []):
            _known_rule_or_group(name, catalogue, path, option)
    for slug in data.get("severity", {}):
        _known(slug, catalogue, path, "severity")
    for slug, values in data.get("params", {}).items():
        rule = _known(slug, catalogue, path, "params")
        for name in values:
            if name not in rule.params:
                known = ", ".join(sorted(rule.params)) or "none"
                raise ConfigError(
                    f"{path}: params.{slug}.{name}: {slug} has no parameter {name!r} (its parameters: {known})"
                )
    per_file = []
    for pattern, slugs in data.get("per-file-ignores", {}).items():
        for name in slugs:
            _known_rule_or_group(name, catalogue, path, f"per-file-ignores.{pattern}")
        per_file.append((_glob_regex(pattern), frozenset(expand_names(slugs, catalogue)[0])))
    return Config(
        path=path,
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity=dict(data.get("severity", {})),
        params={k: dict(v) for k, v in data.get("params", {}).items()},
        per_file_ignores=tuple(per_file),
        assume_exists=tuple(data.get("assume-exists", ())),
        assume_pods=tuple(pod_labels(e["namespace"], e["labels"]) for e in data.get("assume-pods", ())),
        producers=(data["producers"],) if data.get("producers") else (),
        kube_version=data.get("kube-version"),
        namespace=data.get("namespace"),
        fail_on=data.get("fail-on"),
        context=tuple(str(path.parent / p) for p in data.get("context", ())),
        exclude=tuple(data.get("exclude", ())),
        warnings=tuple(warnings),
    )


def pod_labels(namespace: str, labels: dict) -> tuple:
    """An assume-pods entry as a hashable pair: (namespace, ((label, value), ...))."""
    return (namespace, tuple(sorted(labels.items())))


def _known_rule_or_group(name, catalogue, path, key):
    """select / ignore / per-file-ignores name rules or groups (k8scheck.catalogue.GROUPS)."""
    if expand_names([name], catalogue)[1]:
        import difflib

        close = difflib.get_close_matches(name, known_names(catalogue), n=1)
        raise ConfigError(
            f"{path}: {key}: unknown rule {name!r}"
            + (f" (did you mean {close[0]}?)" if close else "")
            + " (a rule or group; `k8scheck rules` lists them)"
        )


def _known(slug, catalogue, path, key):
    if slug not in catalogue:
        import difflib

        close = difflib.get_close_matches(slug, list(catalogue), n=1)
        raise ConfigError(f"{path}: {key}: unknown rule {slug!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    return catalogue[slug]
