"""Scalars decode the way sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) decodes them."""

import math

import pytest

from k8scheck.scalars import decode_plain, decode_tagged, map_key

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", True), ("Yes", True), ("YES", True), ("y", True), ("Y", True), ("on", True), ("ON", True),
        ("true", True), ("True", True), ("no", False), ("n", False), ("off", False), ("Off", False),
        ("false", False), ("FALSE", False),
        ("", None), ("~", None), ("null", None), ("Null", None), ("NULL", None),
        ("0755", 493), ("0o755", 493), ("0x1F", 31), ("0b101", 5), ("-0b101", -5), ("+12", 12), ("-12", -12),
        ("1_000", 1000), ("0", 0), ("007", 7),
        ("08", 8.0), ("09.5", 9.5), ("1e3", 1000.0), ("1.5", 1.5), (".5", 0.5), ("1.", 1.0), ("-1.5e-3", -0.0015),
        ("9223372036854775807", 9223372036854775807), ("18446744073709551615", 18446744073709551615),
        ("18446744073709551616", 1.8446744073709552e19),
        ("yess", "yess"), ("2024-01-01", "2024-01-01"), ("1:20", "1:20"), ("0x", "0x"), ("1.2.3", "1.2.3"),
        ("hello-serve", "hello-serve"), ("+", "+"), ("-", "-"), ("_", "_"), ("1__", 1), ("0.0.0.0", "0.0.0.0"),
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
    assert decode_tagged(INT, "abc") == "abc"
    assert decode_tagged("tag:yaml.org,2002:bool", "yes") is True
    assert decode_tagged("tag:yaml.org,2002:null", "x") is None
    assert decode_tagged("!", "yes") == "yes"
    # Application tags construct nothing: the text is read as a plain scalar.
    assert decode_tagged("tag:yaml.org,2002:python/object/apply:os.system", "ls") == "ls"


@pytest.mark.parametrize("value,key", [("a", "a"), (True, "true"), (False, "false"), (None, "null"), (3, "3"), (1.0, "1"), (1.5, "1.5"), ({}, None), ([], None)])
def test_map_keys(value, key):
    assert map_key(value) == key
