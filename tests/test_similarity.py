"""The one edit distance every did-you-mean uses (k8scheck.similarity)."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from k8scheck.similarity import edit_distance

WORDS = st.text(alphabet="abcd_-", max_size=9)


def reference(a: str, b: str) -> int:
    """Optimal string alignment, as its definition reads: the cheapest last edit, recursively."""

    @cache
    def distance(i: int, j: int) -> int:
        if i == 0 or j == 0:
            return i + j
        best = min(
            distance(i - 1, j) + 1,  # delete a[i - 1]
            distance(i, j - 1) + 1,  # insert b[j - 1]
            distance(i - 1, j - 1) + (a[i - 1] != b[j - 1]),  # substitute (or keep)
        )
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            best = min(best, distance(i - 2, j - 2) + 1)  # swap two neighbours
        return best

    return distance(len(a), len(b))


@settings(max_examples=500, deadline=None)
@given(WORDS, WORDS)
def test_agrees_with_the_definition(a, b):
    assert edit_distance(a, b) == reference(a, b)


def test_common_typos_are_one_edit_away():
    assert edit_distance("wbe", "web") == 1  # a swap
    assert edit_distance("contianers", "containers") == 1
    assert edit_distance("LOGLEVEL", "LOG_LEVEL") == 1
    assert edit_distance("hello-serve", "hello-server") == 1
    assert edit_distance("", "abc") == 3 and edit_distance("same", "same") == 0
