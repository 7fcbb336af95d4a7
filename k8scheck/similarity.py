"""How close two strings are: the one edit distance every did-you-mean uses.

Optimal string alignment (restricted Damerau-Levenshtein): an insertion, a
deletion, a substitution or a swap of two neighbouring characters each cost 1, so
the commonest typos -- ``wbe`` for ``web``, ``contianers`` -- are one edit away,
as a reader counts them. Plain Levenshtein counts a swap as two and, under the
"a third of the length" limit the suggestions use, missed short transpositions.
"""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (a swap of neighbours costs 1; no substring is edited twice)."""
    if a == b:
        return 0
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] * (len(b) + 1)
        left = i  # current[j - 1]
        for j, cb in enumerate(b, 1):
            # The cheapest of a substitution (or match), a deletion and an insertion, compared
            # by hand: every did-you-mean runs this loop, and min() of three doubled its cost.
            cost = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if left + 1 < cost:
                cost = left + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb and before[j - 2] + 1 < cost:
                cost = before[j - 2] + 1  # a swap of neighbours
            current[j] = left = cost
        before, previous = previous, current
    return previous[-1]
