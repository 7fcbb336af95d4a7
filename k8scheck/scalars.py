"""Plain YAML scalars decoded the way Kubernetes decodes them.

kubectl and the API server read YAML through sigs.k8s.io/yaml, which uses a
YAML 1.1 resolver (a fork of go-yaml v2): ``yes``/``no``/``on``/``off``/``y``/``n``
are booleans, ``0755`` is an octal integer, ``1_000`` is 1000, ``08`` is the float
8. Timestamps stay strings (go-yaml keeps them as text when the target is an
untyped value). k8scheck must see exactly what the API server will see, so this
module is the only place that turns plain scalar text into values.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})
_INF = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NEG_INF = frozenset({"-.inf", "-.Inf", "-.INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})

# go-yaml v2 yamlStyleFloat
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# Go strconv.ParseInt(s, 0, 64) after underscores are removed.
_GO_INT = re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
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
        value = float(plain)
        # strconv.ParseFloat fails on overflow, and go-yaml then keeps the text.
        return text if math.isinf(value) else value
    return text


_YAML_TAG = "tag:yaml.org,2002:"
# go-yaml v2 resolves only these tags (resolve.go, resolvableTag); any other tag keeps the text.
_RESOLVED = frozenset({"str", "bool", "int", "float", "null", "timestamp"})


def _short_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def decode_tagged(tag: str, text: str):
    """Value of a scalar with an explicit tag (``!!str 123``), as go-yaml v2 decodes it.

    Raises ValueError with go-yaml's message where go-yaml (so kubectl) rejects the
    text: a value its standard tag cannot hold (``!!int x``), bad ``!!binary``.
    """
    short = tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else None
    if short == "binary":
        try:
            data = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("!!binary value contains invalid base64 data") from None
        return data.decode("utf-8", "replace")  # Go's json.Marshal replaces invalid UTF-8 the same way
    if short not in _RESOLVED or short == "str":
        # Local and unknown tags (``!Ref``, ``!!python/object``): go-yaml keeps the text,
        # and k8scheck never constructs anything from a tag.
        return text
    value = decode_plain(text)
    kind = _short_kind(value)
    if kind == short or short == "timestamp":
        return value if short != "timestamp" else text
    if short == "float" and kind == "int":
        return float(value)
    raise ValueError(f"cannot decode !!{kind} `{text}` as a !!{short}")


def _go_float32(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32): how sigs.k8s.io/yaml prints a float key."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    single = struct.unpack("f", struct.pack("f", value))[0]
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    for digits in range(1, 10):  # the shortest decimal that reads back as the same float32
        text = f"{single:.{digits - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    mantissa, exponent = text.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    numerals = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exp = int(exponent) if numerals != "0" else 0
    if exp < -4 or exp >= 6:  # Go's 'g' with the shortest precision switches to %e here
        head = numerals[0] + ("." + numerals[1:] if len(numerals) > 1 else "")
        return f"{sign}{head}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{numerals}"
    whole, frac = numerals[: exp + 1], numerals[exp + 1 :]
    return sign + whole.ljust(exp + 1, "0") + ("." + frac if frac else "")


def map_key(value) -> str | None:
    """The JSON object key sigs.k8s.io/yaml makes of a decoded YAML key.

    Returns None for keys it rejects ("unsupported map key"): mappings, sequences,
    null, and integers beyond int64 (go-yaml makes those uint64).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if _INT64_MIN <= value <= _INT64_MAX else None
    if isinstance(value, float):
        return _go_float32(value)
    return None
