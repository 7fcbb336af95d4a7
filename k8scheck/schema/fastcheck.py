"""A fast yes/no checker for the subset of JSON Schema that Kubernetes schemas use.

jsonschema's ``iter_errors`` walks every keyword through generic dispatch; on a
Deployment that is a few hundred microseconds. Most manifests are valid, so we
compile each schema once into nested Python closures that only answer "valid?".
Anything this module does not understand compiles to "not valid", which sends
the object to jsonschema, the reference implementation, for the precise answer:
the fast path may be conservative, never permissive.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[object], bool]

_NEVER_SURE = frozenset(
    # Keywords we do not implement: their presence forces the slow path.
    {
        "patternProperties",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "if",
        "then",
        "else",
        "prefixItems",
        "contains",
        "minContains",
        "maxContains",
        "unevaluatedProperties",
        "unevaluatedItems",
        "$dynamicRef",
        "$recursiveRef",
        "additionalItems",
    }
)


def _accept(_value) -> bool:
    return True


def _reject(_value) -> bool:
    return False


def _is_integer(value) -> bool:
    # JSON integers; integral floats count (3.0), as in jsonschema and as the
    # API server sees them after kubectl re-encodes YAML as JSON.
    cls = value.__class__
    return cls is int or (cls is float and value.is_integer())


_TYPE_TESTS: dict[str, Check] = {
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
    "string": lambda v: v.__class__ is str,
    "integer": _is_integer,
    "number": lambda v: v.__class__ in (int, float),
    "boolean": lambda v: v.__class__ is bool,
    "null": lambda v: v is None,
}
_PY_CLASSES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


# Integer formats the API server enforces when it decodes into Go int32/int64
# fields (out of range -> "cannot unmarshal number ... of type int32").
INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def in_integer_range(value, fmt: str) -> bool:
    """False only for a number outside the range of an int32/int64 format."""
    low, high = INTEGER_RANGES[fmt]
    if value.__class__ in (int, float):
        return low <= value <= high
    return True


def _json_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a.__class__ is b.__class__ and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return a == b


# Check factories: each closes over its own arguments (a lambda built in a loop
# would see the loop's last value).


def _integer_range_check(fmt: str) -> Check:
    return lambda v: in_integer_range(v, fmt)


def _const_check(const: object) -> Check:
    return lambda v: _json_equal(v, const)


def _all_of_check(checks: list[Check]) -> Check:
    return lambda v: all(c(v) for c in checks)


def _any_of_check(checks: list[Check]) -> Check:
    return lambda v: any(c(v) for c in checks)


def _one_of_check(checks: list[Check]) -> Check:
    return lambda v: sum(1 for c in checks if c(v)) == 1


def _not_check(check: Check) -> Check:
    return lambda v: not check(v)


class FastChecker:
    """Compiles schemas into closures; one instance per (validator, document)
    so that compiled ``$ref`` targets are shared by every kind of a version."""

    def __init__(self, resolve_ref: Callable[[str, dict], tuple[object, object] | None]):
        # resolve_ref(ref, base_document) -> (schema, document) or None
        self._resolve_ref = resolve_ref
        self._compiled_refs: dict[tuple[int, str], Check] = {}

    def compile(self, schema, document=None) -> Check:
        """A function telling whether a value is valid against ``schema``."""
        try:
            return self._compile(schema, document if document is not None else schema)
        except RecursionError:
            return _reject

    def _compile(self, schema, document) -> Check:
        if schema is True or schema == {}:
            return _accept
        if schema is False or not isinstance(schema, dict):
            return _reject if schema is False else _accept
        if _NEVER_SURE & schema.keys():
            return _reject
        checks: list[Check] = []

        ref = schema.get("$ref")
        if isinstance(ref, str):
            checks.append(self._compile_ref(ref, document))

        types = schema.get("type")
        if types is not None:
            checks.append(self._compile_type(types))

        if "enum" in schema:
            checks.append(self._compile_enum(schema["enum"]))
        if schema.get("format") in INTEGER_RANGES:
            checks.append(_integer_range_check(schema["format"]))
        if "const" in schema:
            checks.append(_const_check(schema["const"]))

        object_check = self._compile_object(schema, document)
        if object_check is not None:
            checks.append(object_check)
        array_check = self._compile_array(schema, document)
        if array_check is not None:
            checks.append(array_check)
        scalar_check = self._compile_scalar_limits(schema)
        if scalar_check is not None:
            checks.append(scalar_check)

        for keyword in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list):
                compiled = [self._compile(b, document) for b in branches]
                if keyword == "allOf":
                    checks.append(_all_of_check(compiled))
                elif keyword == "anyOf":
                    checks.append(_any_of_check(compiled))
                else:
                    checks.append(_one_of_check(compiled))
        if "not" in schema:
            checks.append(_not_check(self._compile(schema["not"], document)))

        if not checks:
            return _accept
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda v: first(v) and second(v)
        return lambda v: all(c(v) for c in checks)

    def _compile_ref(self, ref: str, document) -> Check:
        key = (id(document), ref)
        if key in self._compiled_refs:
            return self._compiled_refs[key]
        resolved = self._resolve_ref(ref, document)
        if resolved is None:
            return _reject  # unresolvable here; jsonschema will say what is wrong
        target, target_document = resolved
        # The target is compiled when a value first reaches it: a Pod's schema
        # refers to some 200 definitions and a manifest uses a few of them, so a
        # small run compiles what it checks, not the whole tree (15 ms a kind).
        # This also lets recursive schemas (JSONSchemaProps) refer to themselves.
        cell: list[Check] = []

        def compile_on_first_use(value) -> bool:
            if not cell:
                cell.append(self._compile(target, target_document))
                self._compiled_refs[key] = cell[0]
            return cell[0](value)

        self._compiled_refs[key] = compile_on_first_use
        return compile_on_first_use

    @staticmethod
    def _compile_type(types) -> Check:
        names = [types] if isinstance(types, str) else list(types)
        if any(n not in _TYPE_TESTS for n in names):
            return _reject
        if all(n in _PY_CLASSES for n in names):
            classes = frozenset(_PY_CLASSES[n] for n in names)
            return lambda v: v.__class__ in classes
        tests = [_TYPE_TESTS[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(t(v) for t in tests)

    @staticmethod
    def _compile_enum(values) -> Check:
        if not isinstance(values, list):
            return _reject
        if all(isinstance(x, str) or x is None for x in values):
            strings = frozenset(x for x in values if isinstance(x, str))
            allow_null = None in values
            return lambda v: (v.__class__ is str and v in strings) or (allow_null and v is None)
        return lambda v: any(_json_equal(v, x) for x in values)

    def _compile_object(self, schema, document) -> Check | None:
        props = schema.get("properties")
        additional = schema.get("additionalProperties", True)
        required = schema.get("required")
        min_props, max_props = schema.get("minProperties"), schema.get("maxProperties")
        if props is None and additional is True and not required and min_props is None and max_props is None:
            return None
        compiled_props = {name: self._compile(sub, document) for name, sub in (props or {}).items()}
        closed = additional is False
        extra = None if additional in (True, False) else self._compile(additional, document)
        required = [r for r in (required or []) if isinstance(r, str)]

        def check_object(value) -> bool:
            if value.__class__ is not dict:
                return True  # "type" decides about non-objects
            for key, item in value.items():
                sub = compiled_props.get(key)
                if sub is not None:
                    if not sub(item):
                        return False
                elif closed:
                    return False
                elif extra is not None and not extra(item):
                    return False
            for name in required:
                if name not in value:
                    return False
            if min_props is not None and len(value) < min_props:
                return False
            if max_props is not None and len(value) > max_props:
                return False
            return True

        return check_object

    def _compile_array(self, schema, document) -> Check | None:
        items = schema.get("items")
        min_items, max_items = schema.get("minItems"), schema.get("maxItems")
        unique = schema.get("uniqueItems") is True
        if items is None and min_items is None and max_items is None and not unique:
            return None
        item_check = self._compile(items, document) if items is not None else _accept

        def check_array(value) -> bool:
            if value.__class__ is not list:
                return True
            if min_items is not None and len(value) < min_items:
                return False
            if max_items is not None and len(value) > max_items:
                return False
            if unique:
                for i, a in enumerate(value):
                    if any(_json_equal(a, b) for b in value[i + 1 :]):
                        return False
            return all(item_check(x) for x in value)

        return check_array

    @staticmethod
    def _compile_scalar_limits(schema) -> Check | None:
        limits = {
            k: schema[k]
            for k in (
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
                "minLength",
                "maxLength",
                "pattern",
            )
            if k in schema
        }
        if not limits:
            return None
        for k, v in limits.items():
            # draft-04 boolean exclusive bounds or odd values: let jsonschema judge
            if k == "pattern":
                if not isinstance(v, str):
                    return _reject
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                return _reject
        try:
            pattern = re.compile(limits["pattern"]) if "pattern" in limits else None
        except re.error:
            return _reject

        def check_scalar(value) -> bool:
            cls = value.__class__
            if cls in (int, float):
                if "minimum" in limits and value < limits["minimum"]:
                    return False
                if "maximum" in limits and value > limits["maximum"]:
                    return False
                if "exclusiveMinimum" in limits and value <= limits["exclusiveMinimum"]:
                    return False
                if "exclusiveMaximum" in limits and value >= limits["exclusiveMaximum"]:
                    return False
                if "multipleOf" in limits:
                    try:
                        quotient = value / limits["multipleOf"]
                        if quotient != int(quotient):
                            return False
                    except (ArithmeticError, ValueError):
                        return False  # overflow, nan, zero divisor: jsonschema decides
            elif cls is str:
                if "minLength" in limits and len(value) < limits["minLength"]:
                    return False
                if "maxLength" in limits and len(value) > limits["maxLength"]:
                    return False
                if pattern is not None and not pattern.search(value):
                    return False
            return True

        return check_scalar


# What jsonschema (draft 2020-12) validates that ``Explainer`` does not word itself:
# an invalid value under one of these goes to jsonschema.
_NOT_EXPLAINED = _NEVER_SURE | {
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "const",
    "multipleOf",
    "uniqueItems",
}

# Limits jsonschema applies to one JSON type: (the type's test, what is compared with the limit, the
# comparison that is a fault).
_LIMITS: dict[str, tuple[Check, Callable, Callable]] = {
    "minimum": (_TYPE_TESTS["number"], lambda v: v, lambda v, limit: v < limit),
    "maximum": (_TYPE_TESTS["number"], lambda v: v, lambda v, limit: v > limit),
    "exclusiveMinimum": (_TYPE_TESTS["number"], lambda v: v, lambda v, limit: v <= limit),
    "exclusiveMaximum": (_TYPE_TESTS["number"], lambda v: v, lambda v, limit: v >= limit),
    "minLength": (_TYPE_TESTS["string"], len, lambda v, limit: v < limit),
    "maxLength": (_TYPE_TESTS["string"], len, lambda v, limit: v > limit),
    "minItems": (_TYPE_TESTS["array"], len, lambda v, limit: v < limit),
    "maxItems": (_TYPE_TESTS["array"], len, lambda v, limit: v > limit),
    "minProperties": (_TYPE_TESTS["object"], len, lambda v, limit: v < limit),
    "maxProperties": (_TYPE_TESTS["object"], len, lambda v, limit: v > limit),
}


class SchemaError:
    """One fault, with the attributes of jsonschema's ValidationError that schema.messages reads."""

    __slots__ = ("validator", "validator_value", "instance", "absolute_path", "schema")
    context = ()

    def __init__(self, validator: str, validator_value, instance, absolute_path: tuple, schema: dict):
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.absolute_path = absolute_path
        self.schema = schema


class Explainer:
    """jsonschema's errors for an invalid value, for the keywords the fast checker compiles directly
    (``$ref``, type, enum, integer formats, properties, additionalProperties, required, items, the
    numeric, length and size limits, pattern).

    Same errors, in the same order (the schema's keyword order, as jsonschema's
    ``iter_errors``); a valid subtree is passed over by its compiled check. Where an
    invalid value meets any other keyword, the answer is None: jsonschema words it.
    A common fault (an unquoted number, a misspelt field, a missing required field)
    is then reported without importing jsonschema.
    """

    def __init__(self, checker: FastChecker):
        self._checker = checker
        self._checks: dict[int, tuple[object, Check]] = {}  # id(schema) -> (schema, its check)

    def errors(self, schema, value, document=None) -> list[SchemaError] | None:
        found: list[SchemaError] = []
        try:
            known = self._explain(schema, document if document is not None else schema, value, (), found)
        except RecursionError:
            return None
        return found if known and found else None  # no error found for an invalid value: not ours to word

    def _check(self, schema, document) -> Check:
        entry = self._checks.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = self._checks[id(schema)] = (schema, self._checker.compile(schema, document))
        return entry[1]

    def _explain(self, schema, document, value, path: tuple, found: list) -> bool:
        """Append the errors of ``value`` under ``schema`` to ``found``; False where it cannot say."""
        if schema is True or not isinstance(schema, dict):
            return schema is True or not isinstance(schema, bool)
        if self._check(schema, document)(value):
            return True
        if _NOT_EXPLAINED & schema.keys():
            return False
        for keyword, argument in schema.items():
            if keyword == "$ref":
                resolved = self._checker._resolve_ref(argument, document) if isinstance(argument, str) else None
                if resolved is None or not self._explain(resolved[0], resolved[1], value, path, found):
                    return False
            elif keyword == "type":
                names = [argument] if isinstance(argument, str) else argument
                if not isinstance(names, list) or any(name not in _TYPE_TESTS for name in names):
                    return False
                if not FastChecker._compile_type(argument)(value):
                    found.append(SchemaError("type", argument, value, path, schema))
            elif keyword == "enum":
                if not isinstance(argument, list):
                    return False
                if not FastChecker._compile_enum(argument)(value):
                    found.append(SchemaError("enum", argument, value, path, schema))
            elif keyword == "format":
                if argument in INTEGER_RANGES and not in_integer_range(value, argument):
                    found.append(SchemaError("format", argument, value, path, schema))
            elif keyword == "properties" and isinstance(argument, dict) and value.__class__ is dict:
                for name, sub in argument.items():
                    if name in value and not self._explain(sub, document, value[name], path + (name,), found):
                        return False
            elif keyword == "additionalProperties" and value.__class__ is dict:
                known = schema.get("properties") or {}
                extras = [key for key in value if key not in known]
                if argument is False and extras:
                    found.append(SchemaError("additionalProperties", argument, value, path, schema))
                elif isinstance(argument, dict):
                    for key in extras:
                        if not self._explain(argument, document, value[key], path + (key,), found):
                            return False
            elif keyword == "required" and isinstance(argument, list) and value.__class__ is dict:
                for name in argument:
                    if isinstance(name, str) and name not in value:
                        found.append(SchemaError("required", argument, value, path, schema))
            elif keyword in _LIMITS:
                if isinstance(argument, bool) or not isinstance(argument, (int, float)):
                    return False
                applies, measure, faulty = _LIMITS[keyword]
                if applies(value) and faulty(measure(value), argument):
                    found.append(SchemaError(keyword, argument, value, path, schema))
            elif keyword == "pattern":
                try:
                    if value.__class__ is str and not re.search(argument, value):
                        found.append(SchemaError(keyword, argument, value, path, schema))
                except (re.error, TypeError):
                    return False
            elif keyword == "items" and value.__class__ is list:
                if not isinstance(argument, (dict, bool)):
                    return False
                for index, item in enumerate(value):
                    if not self._explain(argument, document, item, path + (index,), found):
                        return False
        return True
