"""Plain YAML scalars decoded the way Kubernetes decodes them.

kubectl and the API server read YAML through sigs.k8s.io/yaml, which uses a
YAML 1.1 resolver (a fork of go-yaml v2): ``yes``/``no``/``on``/``off``/``y``/``n``
are booleans, ``0755`` is an octal integer, ``1_000`` is 1000, ``08`` is the float
8. Timestamps stay strings (go-yaml keeps them as text when the target is an
untyped value). k8scheck must see exactly what the API server will see, so this
module is the only place that turns plain scalar text into values.
"""

from __future__ import annotations

import math
import re

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})
_INF = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NEG_INF = frozenset({"-.inf", "-.Inf", "-.INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})

# go-yaml v2 yamlStyleFloat
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# Go strconv.ParseInt(s, 0, 64) after underscores are removed.
_GO_INT = re.compile(
    r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$"
)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MAX = 2**64 - 1
_NUMERIC_START = frozenset("0123456789+-.")


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), or ParseUint on positive overflow."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    digits = text.lstrip("+-")
    lower = digits.lower()
    if lower.startswith("0x"):
        value = int(digits[2:], 16)
    elif lower.startswith("0o"):
        value = int(digits[2:], 8)
    elif lower.startswith("0b"):
        value = int(digits[2:], 2)
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits, 8)
    else:
        value = int(digits)
    value *= sign
    if _INT64_MIN <= value <= _INT64_MAX:
        return value
    if 0 <= value <= _UINT64_MAX and text[0] != "-":
        return value
    return None


def decode_plain(text: str):
    """Value of an untagged, unquoted scalar under sigs.k8s.io/yaml's rules."""
    if text in _NULLS:
        return None
    first = text[0]
    if first not in _NUMERIC_START:
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if text in _INF:
        return math.inf
    if text in _NEG_INF:
        return -math.inf
    if text in _NAN:
        return math.nan
    plain = text.replace("_", "")
    if not plain:
        return text
    number = _go_parse_int(plain)
    if number is not None:
        return number
    if _FLOAT.match(plain):
        try:
            return float(plain)
        except ValueError:  # pragma: no cover - the regex admits only floats
            return text
    return text


def decode_tagged(tag: str, text: str):
    """Value of a scalar with an explicit standard tag (``!!str 123``)."""
    short = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else None
    if short == "str" or tag == "!":
        return text
    if short == "null":
        return None
    if short == "bool":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if short in ("int", "float"):
        value = decode_plain(text) if text else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return text
        return float(value) if short == "float" else value
    # Unknown and application tags (``!Ref``, ``!!python/object``): k8scheck never
    # constructs anything from a tag; the text is read as a plain scalar would be.
    return decode_plain(text)


def map_key(value) -> str | None:
    """The JSON object key sigs.k8s.io/yaml makes of a decoded YAML key.

    Returns None for keys JSON cannot hold (mappings or sequences as keys).
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return None
