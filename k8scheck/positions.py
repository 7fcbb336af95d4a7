"""Field path -> file:line:column, resolved in this one place.

The parser (``yamlsource``) records, per document, a compact *position tape*: flat
16-bit integers (32-bit where a line or column needs it) in document order, one short record
per YAML node, plus the list of the document's mapping keys (the very key objects of the decoded value, no
copies). Nothing per field is built while parsing. When a finding needs a
position, ``DocumentPositions.spans()`` replays the tape once into the
``path -> Span`` index of that document (aliases, merge keys and List items
resolved exactly as the parser resolved the values); a per-run ``SpanCache``
keeps the indexes of the last few documents only.

Spans are 0-based; everything that leaves this module is 1-based, for people and
their editors.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

# Tape records (ints). Spans are (line, col, end_line, end_col), 0-based.
SCALAR = 0  # SCALAR line col end_line end_col         a scalar value
KEY = 1  # KEY line col end_line end_col               a mapping key (its decoded key is next in ``keys``)
MERGE = 2  # MERGE line col end_line end_col           a '<<' merge key
ALIAS = 3  # ALIAS line col end_line end_col target    an alias value; target: tape offset of the anchored node
MAP = 4  # MAP line col                                a mapping starts
SEQ = 5  # SEQ line col                                a sequence starts
END = 6  # END end_line end_col                        the innermost collection ends


class Span(NamedTuple):
    """Where a value (and its key, if it has one) is written; 0-based, -1 where there is no key."""

    line: int
    col: int
    end_line: int
    end_col: int
    key_line: int
    key_col: int
    key_end_line: int
    key_end_col: int


NO_KEY = (-1, -1, -1, -1)
# The path step of a '<<' merge key's own value: not a key of the decoded mapping
# (a quoted "<<" is one, and keeps its text).
MERGE_STEP = type("MergeStep", (), {"__repr__": lambda self: "<<", "__slots__": ()})()


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


class SpanCache:
    """The documents whose span index is currently resolved, most recent last (one per run)."""

    def __init__(self, limit: int = 1024):
        self.limit = limit
        self.held: OrderedDict = OrderedDict()

    def hold(self, positions: DocumentPositions) -> None:
        self.held[positions] = None
        self.held.move_to_end(positions)
        while len(self.held) > self.limit:
            evicted, _ = self.held.popitem(last=False)
            evicted.resolved = None


class DocumentPositions:
    """The position tape of one document; ``spans()`` resolves it on demand."""

    __slots__ = ("tape", "keys", "plain", "cache", "resolved")

    def __init__(self, tape: bytes, keys: list, plain: bool = False, cache: SpanCache | None = None):
        self.tape = tape
        self.keys = keys
        # No alias, merge key or duplicate key: every value is written once, where the decoded
        # document has it, so one path can be followed without replaying the tape.
        self.plain = plain
        self.cache = cache  # None: keep the resolved index for good (one-off parses)
        self.resolved: dict | None = None

    def root(self) -> tuple[int, int]:
        """(line, column), 0-based, where the document's value starts: read off the tape, no replay."""
        first = _tape_ints(self.tape)
        return first[1], first[2]

    def spans(self) -> dict:
        resolved = self.resolved
        if resolved is None:
            resolved = self.resolved = replay(self.tape, self.keys)
        if self.cache is not None:
            self.cache.hold(self)
        return resolved

    def locate(self, file: str, path: tuple, at: str = "value") -> Location:
        """``locate(file, self.spans(), path, at)``, usually without replaying the tape.

        A plain document's tape is followed along ``path`` up to where its last
        written value ends, building nothing; any other is replayed.
        """
        if self.plain and self.resolved is None:
            depth, span = follow(self.tape, self.keys, path)
            return _location(file, span, depth == len(path), at)
        return locate(file, self.spans(), path, at)


def _tape_ints(tape: bytes) -> memoryview[int]:
    """The tape's integers: one header byte gives their array code, "H" (16-bit) or "i" (32-bit)."""
    view = memoryview(tape)[1:]
    code = chr(tape[0])
    if code == "H":
        return view.cast("H")
    if code == "i":
        return view.cast("i")
    raise ValueError(f"unknown position tape code {code!r}")


def replay(tape: bytes, keys: list) -> dict:
    """``path -> Span`` for every value of one document, from its tape.

    The same walk the parser made: a value's path is its parent's plus its key or
    index; an alias also stands for every value under its anchor; a merge key
    adds the merged keys that the mapping does not set itself, each with the
    spans written under the merged mapping (YAML 1.1 merge, as go-yaml does it).
    """
    ints = _tape_ints(tape).tolist() if tape else []
    log: list = []  # (path, span), in document order; later entries win
    # [is_map, path, count, key, key_span, is_merge, merges, present, log_start, own_key_span, line, col, offset]
    stack: list = []
    collections: dict = {}  # tape offset -> (path, log_start, log_end, is_map)
    next_key = iter(keys).__next__
    i, size = 0, len(ints)
    while i < size:
        kind = ints[i]
        if kind == KEY or kind == MERGE:
            frame = stack[-1]
            frame[3] = next_key() if kind == KEY else MERGE_STEP
            frame[4] = tuple(ints[i + 1 : i + 5])
            frame[5] = kind == MERGE
            i += 5
            continue
        if kind == END:
            frame = stack.pop()
            path, log_start, key_span = frame[1], frame[8], frame[9]
            log[log_start] = (path, (frame[10], frame[11], ints[i + 1], ints[i + 2]) + key_span)
            if frame[6]:
                _merge(log, path, frame[6], frame[7])
            collections[frame[12]] = (path, log_start, len(log), frame[0])
            _store(stack, log, path, log_start, frame[0])
            i += 3
            continue
        if stack:
            parent = stack[-1]
            if parent[0]:
                path, key_span = parent[1] + (parent[3],), parent[4]
            else:
                path, key_span = parent[1] + (parent[2],), NO_KEY
        else:
            path, key_span = (), NO_KEY
        if kind == SCALAR:
            log.append((path, tuple(ints[i + 1 : i + 5]) + key_span))
            _store(stack, log, path, len(log) - 1, None)
            i += 5
        elif kind == MAP or kind == SEQ:
            stack.append(
                [kind == MAP, path, 0, None, NO_KEY, False, [], set(), len(log), key_span, ints[i + 1], ints[i + 2], i]
            )
            log.append((path, None))
            i += 3
        else:  # ALIAS
            start = len(log)
            log.append((path, tuple(ints[i + 1 : i + 5]) + key_span))
            target = collections.get(ints[i + 5])
            is_map = None
            if target is not None:
                anchor_path, anchor_start, anchor_end, is_map = target
                cut = len(anchor_path)
                for entry_path, entry_span in log[anchor_start + 1 : anchor_end]:
                    if entry_path[:cut] == anchor_path:
                        log.append((path + entry_path[cut:], entry_span))
            _store(stack, log, path, start, is_map)
            i += 6
    return {path: span for path, span in log if span is not None}


def follow(tape: bytes, keys: list, path: tuple) -> tuple[int, tuple | None]:
    """(how many steps of ``path`` are written, the span of that deepest written value), read off
    the tape of a *plain* document (no alias, merge key or duplicate key: ``DocumentPositions.plain``).

    Same answer as ``replay``, but it descends along the path: in each collection on the
    path it reads the keys (or counts the items) up to the step it wants and passes over
    every other value whole, building nothing on the way. The span is None only for an
    empty document.
    """
    if not tape:
        return 0, None
    ints = _tape_ints(tape)
    i, next_key = 0, 0
    key_span: tuple = NO_KEY
    for depth, step in enumerate(path):
        kind = ints[i]
        if kind == SCALAR:  # the path runs on through a scalar, which holds nothing
            return depth, tuple(ints[i + 1 : i + 5]) + key_span
        start, own_key_span = i, key_span
        i += 3
        if kind == MAP:
            while ints[i] != END:  # a KEY record, then its value
                key_at = i
                key = keys[next_key]
                next_key += 1
                i += 5
                if key == step:
                    key_span = tuple(ints[key_at + 1 : key_at + 5])
                    break
                if ints[i] == SCALAR:  # most values: passed over inline, not by a call
                    i += 5
                else:
                    i, next_key = _past_collection(ints, i, next_key)
        else:  # SEQ
            index = 0
            while ints[i] != END:
                if index == step:
                    key_span = NO_KEY
                    break
                if ints[i] == SCALAR:
                    i += 5
                else:
                    i, next_key = _past_collection(ints, i, next_key)
                index += 1
        if ints[i] == END:  # the step is not written: this collection is the deepest written value
            return depth, (ints[start + 1], ints[start + 2], ints[i + 1], ints[i + 2]) + own_key_span
    if ints[i] == SCALAR:
        return len(path), tuple(ints[i + 1 : i + 5]) + key_span
    after, _ = _past_collection(ints, i, next_key)
    return len(path), (ints[i + 1], ints[i + 2], ints[after - 2], ints[after - 1]) + key_span


def _past_collection(ints, i: int, next_key: int) -> tuple[int, int]:
    """(the tape offset after the collection that starts at ``i``, the index of the next key after it).

    The tight loop that lets ``follow`` pass over what is off its path (most of the tape).
    """
    depth = 0
    while True:
        kind = ints[i]
        if kind == SCALAR:
            i += 5
        elif kind == KEY:
            next_key += 1
            i += 5
        elif kind == END:
            i += 3
            depth -= 1
            if depth == 0:
                return i, next_key
        else:  # MAP or SEQ (a plain document has no ALIAS or MERGE record)
            i += 3
            depth += 1


def _store(stack: list, log: list, path: tuple, log_start: int, is_map) -> None:
    """A finished value joins its parent (``is_map``: True mapping, False sequence, None scalar)."""
    if not stack:
        return
    parent = stack[-1]
    if not parent[0]:
        parent[2] += 1
    elif parent[5]:
        parent[6].append((is_map, path, log_start, len(log)))
        parent[5] = False
    else:
        parent[7].add(parent[3])


def _merge(log: list, path: tuple, merges: list, present: set) -> None:
    """Spans of the keys a mapping takes from its merge keys (never those it sets itself)."""
    for is_map, merge_path, start, end in merges:
        entries = log[start:end]
        if is_map:
            sources = [merge_path]
        else:
            depth = len(merge_path) + 1
            sources = list(dict.fromkeys(p for p, _ in entries if len(p) == depth))
        for source in sources:
            cut = len(source)
            for key in dict.fromkeys(p[cut] for p, _ in entries if len(p) > cut and p[:cut] == source):
                if key in present or key is MERGE_STEP:
                    continue
                present.add(key)
                prefix = source + (key,)
                for entry_path, span in entries:
                    if entry_path[: cut + 1] == prefix:
                        log.append((path + entry_path[cut:], span))


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
    return _location(file, spans.get(probe), exact, at)


def _location(file: str, span: tuple | None, exact: bool, at: str) -> Location:
    """The Location of ``span`` (the value at the path, ``exact``, or at its nearest written ancestor)."""
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
