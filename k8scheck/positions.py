"""Field path -> file:line:column, resolved in this one place.

Spans come from ``yamlsource`` (0-based, per document); everything that leaves
this module is 1-based, for people and their editors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; 1-based line and column, end column exclusive."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def locate(file: str, spans: dict, path: tuple, at: str = "value") -> Location:
    """Where ``path`` is written in the document whose spans are given.

    A path that does not exist in the text (a missing field) resolves to its
    nearest written ancestor, pointing at that ancestor's key, which is where a
    person would add the field. A value that starts on a later line than its
    key (a block mapping or sequence) is pointed at by its key.
    """
    probe = tuple(path)
    exact = True
    while probe not in spans and probe:
        probe = probe[:-1]
        exact = False
    span = spans.get(probe)
    if span is None:
        return Location(file, 1, 1)
    line, col, end_line, end_col, key_line, key_col, key_end_line, key_end_col = span
    has_key = key_line >= 0
    use_key = has_key and (at == "key" or not exact or line != key_line)
    if use_key:
        return Location(file, key_line + 1, key_col + 1, key_end_line + 1, key_end_col + 1)
    if end_line != line:
        # Multi-line values (block scalars, flow collections): underline the first line only.
        return Location(file, line + 1, col + 1, line + 1, None)
    return Location(file, line + 1, col + 1, end_line + 1, max(end_col, col + 1) + 1)
