"""SourceFile.line counts lines exactly as str.splitlines does, whatever breaks the text holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from k8scheck.model import SourceFile

PIECES = st.sampled_from(["a", "é", " ", "\n", "\n", "\n", "\r", "\r\n", "\x0c", "\u2028", "\x85"])
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXTS, st.integers(min_value=-2, max_value=45))
def test_line_is_the_splitlines_line(text, number):
    lines = text.splitlines()
    expected = lines[number - 1] if 1 <= number <= len(lines) else None
    assert SourceFile("file.yaml", text).line(number) == expected
