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
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]
