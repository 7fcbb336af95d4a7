"""Turn jsonschema's errors into k8scheck Problems: one per fault, at the field."""

from __future__ import annotations

import json
from typing import Literal

from k8scheck.problem import Problem, dotted
from k8scheck.similarity import edit_distance

from .fastcheck import INTEGER_RANGES

UNKNOWN_FIELD = "schema-unknown-field"
WRONG_TYPE = "schema-type"
MISSING_REQUIRED = "schema-required"
NOT_IN_ENUM = "schema-enum"
INVALID_VALUE = "schema-invalid-value"

_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
_ARTICLE = {"integer": "an integer", "object": "an object", "array": "an array"}


def json_type(value) -> str:
    """The JSON type name of a Python value ("string", "integer", ...)."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def show_value(value) -> str:
    """A short rendering of a value for messages: strings quoted, containers by type."""
    if isinstance(value, (dict, list)):
        return json_type(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{json_type(value)} {text}"


def _describe_types(types) -> str:
    names = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    if not names:
        return "null"
    first = _ARTICLE.get(names[0], f"a {names[0]}")
    return " or ".join([first] + names[1:])


def _where(path) -> str:
    return dotted(path) or "the object"


def did_you_mean(unknown: str, candidates) -> str | None:
    """The closest known field name, if one is close enough to be a typo."""
    if not isinstance(unknown, str):
        return None
    best, best_distance = None, None
    for candidate in sorted(c for c in candidates if isinstance(c, str)):
        if candidate.lower() == unknown.lower():
            return candidate
        distance = edit_distance(unknown.lower(), candidate.lower())
        if best_distance is None or distance < best_distance:
            best, best_distance = candidate, distance
    if best is None or best_distance is None or best_distance > max(1, min(len(unknown), len(best)) // 3):
        return None
    return best


def _type_name(schema) -> str | None:
    title = schema.get("title") if isinstance(schema, dict) else None
    return title if isinstance(title, str) and title else None


def problems_from_error(error) -> list[Problem]:
    """Problems for one jsonschema error (and, for oneOf/anyOf, its best sub-error)."""
    path = tuple(error.absolute_path)
    keyword = error.validator
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}

    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties") or {}
        type_name = _type_name(schema)
        found = []
        for key in instance:
            if key in known:
                continue
            where = dotted(path + (key,))
            message = f"{where} is not a field of {type_name}" if type_name else f"{where} is not a known field"
            suggestion = did_you_mean(key, known)
            fix = None
            if suggestion:
                message += f" (did you mean {suggestion}?)"
                fix = suggestion  # the span is the key: rename it
            found.append(Problem(UNKNOWN_FIELD, path + (key,), message, at="key", fix=fix))
        return found

    if keyword == "required" and isinstance(instance, dict):
        missing = [r for r in (error.validator_value or []) if isinstance(r, str) and r not in instance]
        type_name = _type_name(schema)
        owner = f" ({type_name})" if type_name else ""
        return [
            Problem(
                MISSING_REQUIRED,
                path,
                f"{_where(path)}{owner} is missing required field {name}",
                at="key",
                subject=path + (name,),
            )
            for name in missing
        ]

    if keyword == "type":
        return [_type_problem(path, error.validator_value, instance)]

    if keyword == "format" and error.validator_value in INTEGER_RANGES:
        low, high = INTEGER_RANGES[error.validator_value]
        return [
            Problem(
                WRONG_TYPE,
                path,
                f"{_where(path)} must be an {error.validator_value} integer "
                f"({low} to {high}), got {show_value(instance)}",
                at=_at(path, instance),
            )
        ]

    if keyword in ("enum", "const"):
        allowed = error.validator_value if keyword == "enum" else [error.validator_value]
        shown = ", ".join(str(a) for a in allowed if a not in (None, ""))
        message = f"{_where(path)} must be one of {shown}, got {show_value(instance)}"
        suggestion = did_you_mean(instance, [a for a in allowed if isinstance(a, str) and a])
        if suggestion is not None and suggestion != instance:
            message += f" (did you mean {suggestion}?)"
        return [Problem(NOT_IN_ENUM, path, message, at=_at(path, instance))]

    if keyword in ("oneOf", "anyOf") and error.context:
        return _from_alternatives(error)

    if keyword == "oneOf" and not error.context:
        names = _required_alternatives(error.validator_value)
        detail = f"may set only one of {', '.join(names)}" if names else "matches more than one of its allowed forms"
        return [Problem(INVALID_VALUE, path, f"{_where(path)} {detail}", at=_at(path, instance))]

    return [Problem(INVALID_VALUE, path, f"{_where(path)} {_constraint_text(error)}", at=_at(path, instance))]


def _constraint_text(error) -> str:
    """What a constraint asks for and what the value is, in words."""
    keyword, limit, instance = error.validator, error.validator_value, error.instance
    size = len(instance) if isinstance(instance, (str, list, dict)) else None
    texts = {
        "minimum": f"must be at least {limit}",
        "maximum": f"must be at most {limit}",
        "exclusiveMinimum": f"must be greater than {limit}",
        "exclusiveMaximum": f"must be less than {limit}",
        "multipleOf": f"must be a multiple of {limit}",
        "minLength": f"must be at least {limit} characters long",
        "maxLength": f"must be at most {limit} characters long",
        "pattern": f"must match the pattern {limit}",
        "minItems": f"must have at least {limit} items",
        "maxItems": f"must have at most {limit} items",
        "uniqueItems": "must not contain the same item twice",
        "minProperties": f"must have at least {limit} fields",
        "maxProperties": f"must have at most {limit} fields",
        "not": "has a value that is explicitly not allowed",
    }
    if keyword in texts:
        got = (
            str(size)
            if keyword.endswith(("Length", "Items", "Properties")) and size is not None
            else show_value(instance)
        )
        return f"{texts[keyword]}, got {got}"
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"is not valid: {message}"


def _required_alternatives(branches) -> list[str]:
    """Field names when every alternative is just ``required: [name, ...]``."""
    if not isinstance(branches, list):
        return []
    names: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) != {"required"} or not isinstance(branch["required"], list):
            return []
        names += [n for n in branch["required"] if isinstance(n, str) and n not in names]
    return names


def _at(path, instance) -> Literal["key", "value"]:
    # A mapping or list value spans several lines; its key is where to point.
    return "key" if path and isinstance(instance, (dict, list)) else "value"


def _type_problem(path, types, instance) -> Problem:
    return Problem(
        WRONG_TYPE,
        path,
        f"{_where(path)} must be {_describe_types(types)}, got {show_value(instance)}",
        at=_at(path, instance),
    )


def _from_alternatives(error) -> list[Problem]:
    """oneOf/anyOf: if every branch only disagrees on the type, say which types
    are allowed; if every branch only requires a field, name them all;
    otherwise report the most specific sub-error."""
    names = _required_alternatives(error.validator_value)
    if names and isinstance(error.instance, dict):
        path = tuple(error.absolute_path)
        how = "exactly one" if error.validator == "oneOf" else "at least one"
        return [Problem(MISSING_REQUIRED, path, f"{_where(path)} must set {how} of {', '.join(names)}", at="key")]
    direct = [e for e in error.context if len(e.relative_path) == 0]
    if direct and all(e.validator == "type" for e in direct) and len(direct) == len(error.context):
        types: list[str] = []
        for sub in direct:
            value = sub.validator_value
            for t in [value] if isinstance(value, str) else value:
                if t not in types:
                    types.append(t)
        return [_type_problem(tuple(error.absolute_path), types, error.instance)]
    from jsonschema.exceptions import best_match  # only invalid objects get here

    return problems_from_error(best_match(error.context))


def problems_from_errors(errors) -> list[Problem]:
    """All Problems for an iterable of jsonschema errors, without duplicates."""
    seen = set()
    out = []
    for error in errors:
        for problem in problems_from_error(error):
            key = (problem.rule, problem.path, problem.message)
            if key not in seen:
                seen.add(key)
                out.append(problem)
    return out
