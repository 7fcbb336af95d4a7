"""Scalars decode the way sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) decodes them."""

import math
import re

import pytest

from k8scheck.scalars import decode_plain, decode_tagged, map_key

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", True),
        ("Yes", True),
        ("YES", True),
        ("y", True),
        ("Y", True),
        ("on", True),
        ("ON", True),
        ("true", True),
        ("True", True),
        ("no", False),
        ("n", False),
        ("off", False),
        ("Off", False),
        ("false", False),
        ("FALSE", False),
        ("", None),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("0755", 493),
        ("0o755", 493),
        ("0x1F", 31),
        ("0b101", 5),
        ("-0b101", -5),
        ("+12", 12),
        ("-12", -12),
        ("1_000", 1000),
        ("0", 0),
        ("007", 7),
        ("08", 8.0),
        ("09.5", 9.5),
        ("1e3", 1000.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1.", 1.0),
        ("-1.5e-3", -0.0015),
        ("9223372036854775807", 9223372036854775807),
        ("18446744073709551615", 18446744073709551615),
        ("18446744073709551616", 1.8446744073709552e19),
        ("yess", "yess"),
        ("2024-01-01", "2024-01-01"),
        ("1:20", "1:20"),
        ("0x", "0x"),
        ("1.2.3", "1.2.3"),
        ("hello-serve", "hello-serve"),
        ("+", "+"),
        ("-", "-"),
        ("_", "_"),
        ("1__", 1),
        ("0.0.0.0", "0.0.0.0"),
    ],
)
def test_plain_scalars(text, expected):
    value = decode_plain(text)
    assert value == expected and type(value) is type(expected)


def test_special_floats():
    assert decode_plain(".inf") == math.inf
    assert decode_plain("-.Inf") == -math.inf
    assert math.isnan(decode_plain(".NaN"))


def test_explicit_tags_win():
    assert decode_tagged(STR, "0755") == "0755"
    assert decode_tagged(INT, "0755") == 493
    assert decode_tagged("tag:yaml.org,2002:float", "1") == 1.0
    assert decode_tagged("tag:yaml.org,2002:bool", "yes") is True
    assert decode_tagged("tag:yaml.org,2002:null", "") is None
    assert decode_tagged("!", "yes") == "yes"
    # Application and local tags construct nothing, and keep the text as go-yaml does.
    assert decode_tagged("tag:yaml.org,2002:python/object/apply:os.system", "ls") == "ls"
    assert decode_tagged("!Ref", "1") == "1"
    assert decode_tagged("tag:yaml.org,2002:binary", "aGVs\nbG8=\n") == "hello"


@pytest.mark.parametrize(
    "tag,text,message",
    [
        (INT, "abc", "cannot decode !!str `abc` as a !!int"),
        (INT, "1.5", "cannot decode !!float `1.5` as a !!int"),
        ("tag:yaml.org,2002:bool", "1", "cannot decode !!int `1` as a !!bool"),
        ("tag:yaml.org,2002:null", "x", "cannot decode !!str `x` as a !!null"),
        ("tag:yaml.org,2002:binary", "!!", "!!binary value contains invalid base64 data"),
    ],
)
def test_values_a_tag_cannot_hold_are_errors_as_in_go_yaml(tag, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        decode_tagged(tag, text)


def test_float_overflow_stays_text():
    assert decode_plain("1e400") == "1e400"
    assert decode_plain("-1e400") == "-1e400"


# Float keys as strconv.FormatFloat(f, 'g', -1, 32) prints them (checked against Go 1.19 on 623 values).
@pytest.mark.parametrize(
    "value,key",
    [
        ("a", "a"),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (1.0, "1"),
        (1.5, "1.5"),
        (3.14159265358979, "3.1415927"),
        (1e6, "1e+06"),
        (123456789.0, "1.2345679e+08"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (-0.0, "-0"),
        (math.inf, ".inf"),
        (-math.inf, "-.inf"),
        (math.nan, ".nan"),
        (2**63 - 1, "9223372036854775807"),
        # keys sigs.k8s.io/yaml rejects: "unsupported map key"
        (None, None),
        (2**63, None),
        ({}, None),
        ([], None),
    ],
)
def test_map_keys(value, key):
    assert map_key(value) == key
