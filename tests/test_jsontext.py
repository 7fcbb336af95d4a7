"""The reports' JSON writer writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8scheck.report.jsontext import dumps_indented

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
KEYS = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(), children, max_size=4),
        st.dictionaries(KEYS, children, max_size=3),
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_text_as_the_standard_library(value):
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_not_a_number_is_refused_when_asked():
    with pytest.raises(ValueError):
        dumps_indented({"a": [math.nan]}, allow_nan=False)
    assert dumps_indented({"a": [math.nan]}) == json.dumps({"a": [math.nan]}, indent=2)


def test_a_value_json_cannot_encode_fails_as_json_fails():
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})
