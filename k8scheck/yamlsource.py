"""YAML text -> decoded documents with a source span for every field.

The only module that touches ruamel.yaml. It drives the C (libyaml) parser at
the event level and builds plain JSON-like values itself, because:

* positions come straight from event marks (no round-trip loader: 10x faster);
* scalars are decoded with Kubernetes' YAML 1.1 rules (``k8scheck.scalars``);
* nothing is ever constructed from a tag (no Python object tags, no code runs);
* depth and alias expansion are bounded here, so a hostile file ends with a
  clear error instead of a crash (the Cython composer segfaults on ~100k
  nesting levels, and libyaml is quadratic on deep flow collections);
* where libyaml and go-yaml v2 (kubectl's parser) disagree, go-yaml wins
  (``_go_yaml_flow_colons``), so nothing kubectl reads is a syntax error here.
"""

from __future__ import annotations

import itertools
import math
import re
import struct
from array import array
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ruamel.yaml  # noqa: F401  (registers the error classes the C parser raises)
from _ruamel_yaml import CParser
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import Reader as PyReader
from ruamel.yaml.scanner import Scanner as PyScanner

from .positions import ALIAS, END, KEY, MAP, MERGE, SCALAR, SEQ, DocumentPositions
from .scalars import decode_plain, decode_tagged, map_key

MAX_DEPTH = 256
MAX_ALIAS_NODES = 100_000
MAX_NODES = 500_000  # per document; the largest real CRDs have a few tens of thousands


@dataclass
class ParsedDocument:
    index: int
    value: Any
    positions: DocumentPositions | None = field(repr=False)
    line: int  # 0-based line of the document's first content

    @property
    def spans(self) -> dict:
        """``path -> span`` of every value (resolved from the position tape on first use)."""
        return self.positions.spans() if self.positions is not None else {}


@dataclass(frozen=True)
class SourceProblem:
    """A problem of the text itself (not of an object), 0-based position."""

    rule: str
    message: str
    line: int
    column: int
    end_column: int | None = None
    document: int | None = None
    related_line: int | None = None
    related_column: int | None = None
    variant: str | None = None  # which kind of this rule's findings it is (its ``severity-of`` name), if several


class _Parser(CParser):
    """libyaml parser that leaves tag resolution to us."""

    def resolve(self, kind, value, implicit):  # noqa: D401 - libyaml callback
        return None

    def descend_resolver(self, *args):
        return None

    def ascend_resolver(self, *args):
        return None


# go-yaml v2 is a Go port of libyaml with one scanner rule changed: in a flow
# collection a ':' that is not followed by a blank belongs to the plain scalar
# (``[--listen=0.0.0.0:8080]``, ``{a: b:c}``, ``[a:b]``), where libyaml stops
# with this error (scannerc.go, yaml_parser_scan_plain_scalar).
_FLOW_COLON = "found unexpected ':'"
_BLANKZ = frozenset("\0 \t\r\n\x85\u2028\u2029")
_FLOW_INDICATORS = frozenset(",?[]{}")


def _placeholder_for(text: str) -> str | None:
    """A private-use character absent from ``text`` (libyaml reads it as a plain character)."""
    present = set(text)
    for code in range(0xE000, 0xF900):
        if chr(code) not in present:
            return chr(code)
    return None  # pragma: no cover - a text holding all 6,400 private-use characters


def _hide_scalar_colons(text: str, start: int, placeholder: str) -> str:
    """``text`` with the colons go-yaml keeps in the plain scalar at ``start`` hidden.

    Follows go-yaml's rule from the offending ':' to the end of the scalar on
    this line: a ':' followed by a blank, a blank or a flow indicator ends it.
    """
    end = start
    size = len(text)
    while end < size:
        ch = text[end]
        if ch in _BLANKZ or ch in _FLOW_INDICATORS:
            break
        if ch == ":" and (end + 1 == size or text[end + 1] in _BLANKZ):
            break
        end += 1
    return text[:start] + text[start:end].replace(":", placeholder) + text[end:]


# Where libyaml's scanner starts afresh: a '---' or '...' line (column 0, then a blank).
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n\x85\u2028\u2029]|$)", re.MULTILINE)


class _FlowColonFinder(PyScanner):
    """ruamel's pure-Python scanner (PyYAML's port of libyaml, read as YAML 1.1) that
    lists the colons go-yaml keeps inside flow-context plain scalars, in one pass.

    Only an accelerator for a document with many such colons: what it finds is
    checked by libyaml's own scanner afterwards, and it stops at its first error.
    """

    scanner_processing_version = (1, 1)

    def __init__(self, text: str):
        self.found: list[int] = []
        self._reader = PyReader(text, self)
        self.processing_version = (1, 1)
        super().__init__(self)

    def scan_plain(self):
        if self.flow_level:
            reader = self.reader
            length = 0
            while (ch := reader.peek(length)) not in _BLANKZ and ch not in _FLOW_INDICATORS:
                if ch == ":":
                    if reader.peek(length + 1) in _BLANKZ:
                        break
                    self.found.append(reader.index + length)
                length += 1
        return super().scan_plain()

    def find(self) -> list[int]:
        try:
            while self.check_token():
                self.get_token()
        except Exception:  # noqa: BLE001 - an accelerator: keep what was found before its error
            pass
        return self.found


# A document that needs more C scans than this is first searched in one Python pass.
_RESCANS_BEFORE_FINDER = 8


def _hide_found_colons(part: str, placeholder: str) -> str:
    chars = list(part)
    for at in _FlowColonFinder(part).find():
        if chars[at] == ":":
            chars[at] = placeholder
    return "".join(chars)


def _go_yaml_flow_colons(text: str, offset: int) -> tuple[str, str] | None:
    """The text libyaml reads as go-yaml reads ``text``, and the placeholder used.

    ``offset`` is where libyaml stopped with "found unexpected ':'". Each such
    colon is replaced by a one-character placeholder (so every line, column and
    offset stays what it is in the file) until libyaml's scanner (``raw_scan``,
    all in C) accepts the text; the document builder turns the placeholder back
    into ':'. The scanner runs per document, from the one that failed on, so a
    stream of many documents with such colons costs a few scans of each, not a
    scan of the whole file per colon. Files without such a colon never come here.
    """
    placeholder = _placeholder_for(text)
    if placeholder is None:  # pragma: no cover
        return None
    starts = [0] + [m.start() for m in _DOCUMENT_MARKER.finditer(text) if m.start() > 0]
    ends = starts[1:] + [len(text)]
    first = max(i for i, start in enumerate(starts) if start <= offset)
    parts = []
    for start, end in zip(starts[first:], ends[first:]):
        part = text[start:end]
        for scans in itertools.count():
            if scans == _RESCANS_BEFORE_FINDER:
                part = _hide_found_colons(part, placeholder)
            scanner = _Parser(part)
            try:
                scanner.raw_scan()
                break
            except MarkedYAMLError as exc:
                if exc.problem != _FLOW_COLON or exc.problem_mark is None:
                    break  # another error: the full parse reports it where it is
                at = _offset(part, exc.problem_mark)
            finally:
                scanner.dispose()
            if at >= len(part) or part[at] != ":":  # pragma: no cover - libyaml points at the colon
                return None
            part = _hide_scalar_colons(part, at, placeholder)
        parts.append(part)
    text = text[: starts[first]] + "".join(parts)
    return text, placeholder


class _Abort(Exception):
    def __init__(self, problem: SourceProblem):
        super().__init__(problem.message)
        self.problem = problem


_BRACKETS = re.compile(r"[\[\]{}]")
# UTF-8 bytes of a text -> its flow brackets only, an opener as 1 and a closer as 0.
_BRACKET_BYTES = bytes.maketrans(b"[{]}", b"\1\1\0\0")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[{]}"))


def _flow_depth_exceeds(text: str, limit: int) -> int | None:
    """Offset of the first flow bracket nested deeper than ``limit``, if any.

    An over-estimate (brackets inside strings count), which only matters for
    text that is pathological anyway.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    # Large JSON files have 10^5 brackets: walk bytes that are the brackets alone (picked
    # out in C) rather than regex matches, which cost as much as parsing the file. The
    # offset, for a text that is too deep, is found by a second walk.
    depth = 0
    for opener in text.encode("utf-8", "surrogatepass").translate(_BRACKET_BYTES, _NOT_BRACKETS):
        if opener:
            depth += 1
            if depth > limit:
                break
        elif depth:
            depth -= 1
    else:
        return None
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif depth:
            depth -= 1
    return None  # pragma: no cover - both walks see the same brackets


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start


def _mark_problem(exc: MarkedYAMLError, document: int | None) -> SourceProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "; ".join(parts) if parts else str(exc).splitlines()[0]
    return SourceProblem("yaml-syntax", f"invalid YAML: {message}", line, col, document=document)


def _directive_problem(event, index: int) -> SourceProblem:
    return SourceProblem(
        "yaml-syntax",
        "invalid YAML for kubectl: a %YAML or %TAG directive; kubectl splits files at '---' lines, "
        "so the directive ends up alone in a document it cannot read (delete the directive)",
        event.start_mark.line,
        event.start_mark.column,
        document=index,
    )


def _copy(value, budget: list[int]):
    """Deep copy of an aliased value, charging every node to ``budget``."""
    budget[0] -= 1
    if budget[0] < 0:
        raise OverflowError
    if isinstance(value, dict):
        return {k: _copy(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v, budget) for v in value]
    return value


class _Discard:
    """Stands in for the position tape when positions are not wanted (k8scheck's own data files)."""

    def append(self, item) -> None:
        pass

    def extend(self, items) -> None:
        pass

    def __len__(self) -> int:
        return 0


# libyaml's event classes, bound once: the builder compares ``event.__class__`` to them by identity.
_SCALAR = ev.ScalarEvent
_MAPPING_START = ev.MappingStartEvent
_SEQUENCE_START = ev.SequenceStartEvent
_MAPPING_END = ev.MappingEndEvent
_SEQUENCE_END = ev.SequenceEndEvent
_ALIAS = ev.AliasEvent
_NODE_STARTS = (_SCALAR, _MAPPING_START, _SEQUENCE_START)
# The pending "key" of a mapping whose '<<' merge key awaits its value.
_MERGE_KEY = object()


class _DocumentBuilder:
    """Turns the node events of one document into a value and its position tape (see ``positions``).

    ``build`` keeps the collection being filled in local variables, saved on a
    stack while a nested one is filled: ``container`` (None at document level),
    ``pending`` (in a mapping: the key awaiting its value, None while a key comes
    next, _MERGE_KEY for '<<'), ``key_event`` (that key's event), ``explicit``
    (key -> event of its latest key, for duplicates), ``merges`` (values of '<<')
    and ``anchor`` ((name, tape offset) of the collection's anchor).
    """

    def __init__(self, index: int, problems: list[SourceProblem], with_spans: bool = True, colon: str | None = None):
        self.index = index
        self.colon = colon  # the placeholder standing for ':' (see _go_yaml_flow_colons)
        self.problems = problems
        self.tape: Any = [] if with_spans else _Discard()
        self.keys: Any = [] if with_spans else _Discard()
        self.first_line = None
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, tape offset of the anchored node)
        self.alias_budget = [MAX_ALIAS_NODES]
        self.root: Any = None
        self.done = False
        self.plain = True  # no alias, merge key or duplicate key so far (positions.DocumentPositions.plain)

    def build(self, get_event) -> bool:
        """Reads events up to the end of the document's root value (False: the stream ended first)."""
        # The hot loop of every parse, once per YAML node: one loop, state in locals,
        # event classes by identity (scalars first), the tape extended from marks
        # directly, helpers only for rare events (a method per event, state on self: ~1.6x the CPU).
        tape, anchors, colon = self.tape, self.anchors, self.colon
        extend, keys_append = tape.extend, self.keys.append
        stack: list[tuple] = []  # the saved state of the enclosing collections (empty at document level)
        container: Any = None
        explicit: Any = None
        is_map, nodes = False, 0
        pending = key_event = merges = anchor = None
        for event in self._events(get_event):
            cls = event.__class__
            if cls is _SCALAR:
                nodes += 1
                if nodes > MAX_NODES:
                    raise self._too_many(event)
                text = event.value if colon is None else event.value.replace(colon, ":")
                tag = event.ctag  # what ``event.tag`` (a Python property) returns, for libyaml's str tags
                plain = not event.style  # libyaml's plain style is ''
                if tag is None and plain and event.implicit[0]:
                    value = decode_plain(text)
                else:
                    value = text if tag is None else self._tagged(tag, text, event)
                start, end = event.start_mark, event.end_mark
                if event.anchor:
                    anchors[event.anchor] = (value, len(tape))
                if is_map and pending is None:  # a mapping key
                    if text == "<<" and plain and tag is None:
                        pending, record = _MERGE_KEY, MERGE
                    else:
                        pending, record = (value if value.__class__ is str else self._key(value, event)), KEY
                        keys_append(pending)
                    extend((record, start.line, start.column, end.line, end.column))
                    key_event = event
                    continue
                if value.__class__ is float and not math.isfinite(value):
                    raise self._not_a_number(text, event)
                extend((SCALAR, start.line, start.column, end.line, end.column))
            elif cls is _MAPPING_END or cls is _SEQUENCE_END:
                end = event.end_mark
                extend((END, end.line, end.column))
                if merges:
                    _apply_merges(container, merges)
                if anchor:
                    anchors[anchor[0]] = (container, anchor[1])
                value = container
                container, is_map, pending, key_event, explicit, merges, anchor = stack.pop()
            elif cls is _MAPPING_START or cls is _SEQUENCE_START:
                nodes += 1
                stack.append((container, is_map, pending, key_event, explicit, merges, anchor))
                container, is_map, explicit, anchor = self._open(event, nodes, len(stack), is_map and pending is None)
                pending = key_event = merges = None
                continue
            elif cls is _ALIAS:
                if is_map and pending is None:
                    pending, key_event = self._alias(event, True), event
                    continue
                value = self._alias(event, False)
            else:
                continue  # no other event comes before the root ends
            if is_map:  # the value of ``pending``
                if pending is _MERGE_KEY or pending in explicit:
                    merges = self._store_rare(container, pending, key_event, explicit, merges, value)
                else:
                    explicit[pending] = key_event
                    container[pending] = value
                pending = None
            elif stack:
                container.append(value)
            else:
                self.root, self.done = value, True
                return True
        return False

    # -- rare events (out of the hot loop) -----------------------------------
    def _events(self, get_event):
        """The events up to the end of the stream; the first one (a node) gives the document's line."""
        first = get_event()
        if first is None:
            return iter(())
        if first.__class__ in _NODE_STARTS:
            self.first_line = first.start_mark.line
        return itertools.chain((first,), iter(get_event, None))

    def _problem(self, message: str, mark) -> _Abort:
        return _Abort(SourceProblem("yaml-syntax", message, mark.line, mark.column, document=self.index))

    def _too_many(self, event) -> _Abort:
        return self._problem(
            f"document has more than {MAX_NODES} values; k8scheck stops reading it "
            "(no Kubernetes object is that large)",
            event.start_mark,
        )

    def _open(self, event, nodes: int, depth: int, key_slot: bool) -> tuple:
        """(container, is_map, explicit, anchor) of a collection starting at its ``depth`` (1: the root)."""
        if nodes > MAX_NODES:
            raise self._too_many(event)
        if depth > MAX_DEPTH:
            raise self._problem(
                f"document nests deeper than {MAX_DEPTH} levels; k8scheck stops reading it "
                "(no Kubernetes object is that deep)",
                event.start_mark,
            )
        if key_slot:
            raise self._problem("invalid YAML for Kubernetes: a mapping key must be a scalar", event.start_mark)
        is_map = event.__class__ is _MAPPING_START
        start = event.start_mark
        anchor = (event.anchor, len(self.tape)) if event.anchor else None
        self.tape.extend((MAP if is_map else SEQ, start.line, start.column))
        return ({}, True, {}, anchor) if is_map else ([], False, None, anchor)

    def _tagged(self, tag, text: str, event):
        """The value of an explicitly tagged scalar ('!' only stops plain-scalar resolution)."""
        tag = str(tag)
        if tag == "!":
            return text
        try:
            return decode_tagged(tag, text)
        except ValueError as exc:
            raise self._problem(f"invalid YAML for Kubernetes: {exc}", event.start_mark) from None

    def _not_a_number(self, text: str, event) -> _Abort:
        return self._problem(
            f"invalid YAML for Kubernetes: {text} is not a JSON number "
            f"(kubectl: json: unsupported value); quote it to mean the string",
            event.start_mark,
        )

    def _key(self, value, event) -> str:
        """The JSON object key of a decoded mapping key that is not a string."""
        key = map_key(value)
        if key is None:
            if isinstance(value, (dict, list)):
                why = "a mapping key must be a scalar, not a " + ("mapping" if isinstance(value, dict) else "sequence")
            elif value is None:
                why = "a mapping key must not be null (kubectl: unsupported map key of type <nil>)"
            else:
                why = f"the mapping key {value} is beyond int64 (kubectl: unsupported map key of type uint64)"
            raise self._problem("invalid YAML for Kubernetes: " + why, event.start_mark)
        return key

    def _alias(self, event, as_key: bool):
        """A copy of the anchored value (charged to the alias budget), or the key it makes (``as_key``)."""
        self.plain = False
        anchor = self.anchors.get(event.anchor)
        start, end = event.start_mark, event.end_mark
        if anchor is None:  # libyaml reports undefined aliases itself; be safe anyway
            raise self._problem(f"invalid YAML: undefined alias *{event.anchor}", start)
        value, target = anchor
        try:
            copied = _copy(value, self.alias_budget)
        except OverflowError:
            raise self._problem(
                f"aliases expand to more than {MAX_ALIAS_NODES} nodes (a YAML alias bomb?); "
                "k8scheck stops reading this document",
                start,
            ) from None
        if as_key:
            key = copied if copied.__class__ is str else self._key(copied, event)
            self.tape.extend((KEY, start.line, start.column, end.line, end.column))
            self.keys.append(key)
            return key
        self.tape.extend((ALIAS, start.line, start.column, end.line, end.column, target))
        return copied

    def _store_rare(self, mapping: dict, key, key_event, explicit: dict, merges: list | None, value) -> list | None:
        """Stores the value of a '<<' merge key or of a duplicate key; returns the mapping's merges."""
        self.plain = False
        if key is _MERGE_KEY:
            if not (isinstance(value, dict) or (isinstance(value, list) and all(isinstance(v, dict) for v in value))):
                raise self._problem(
                    "invalid YAML for Kubernetes: map merge requires map or sequence of maps as the value",
                    key_event.start_mark,
                )
            if merges is None:
                merges = []
            merges.append(value)
            return merges
        first, start, end = explicit[key].start_mark, key_event.start_mark, key_event.end_mark
        if mapping.get(key) == value:  # kubectl keeps the last value, the same one: only kustomize refuses the file
            message, variant = (
                f'mapping key "{key}" is already defined at line {first.line + 1}, with the same value: kubectl '
                "loses nothing, but kustomize refuses the file (mapping key already defined)",
                "same-value",
            )
        else:
            message, variant = (
                f'mapping key "{key}" is already defined at line {first.line + 1}; '
                "the first value is silently replaced",
                None,
            )
        self.problems.append(
            SourceProblem(
                "duplicate-key",
                message,
                start.line,
                start.column,
                end.column if end.line == start.line else None,
                self.index,
                first.line,
                first.column,
                variant,
            )
        )
        explicit[key] = key_event
        mapping[key] = value
        return merges

    def positions(self) -> DocumentPositions | None:
        if isinstance(self.tape, _Discard):
            return None
        # 16-bit records unless a line or column needs more (one header byte says which).
        # struct.pack rejects a value beyond 16 bits, which spares a max() over the tape, and
        # packs ints twice as fast as array() (the same native bytes as array("H").tobytes()).
        tape = self.tape
        try:
            packed = b"H" + struct.pack(f"{len(tape)}H", *tape)
        except struct.error:
            packed = b"i" + array("i", tape).tobytes()
        return DocumentPositions(packed, self.keys, self.plain)


def _apply_merges(mapping: dict, merges: list) -> None:
    """YAML 1.1 merge keys: merged keys never override explicit ones (nor earlier merges)."""
    for value in merges:
        for source in [value] if isinstance(value, dict) else [v for v in value if isinstance(v, dict)]:
            for key, item in source.items():
                if key not in mapping:
                    mapping[key] = item


def parse_stream(text: str, with_spans: bool = True) -> tuple[list[ParsedDocument], list[SourceProblem]]:
    """Every document of a YAML (or JSON) stream, plus what was wrong with the text.

    Documents before a syntax error are kept; the error ends the stream (libyaml
    cannot resynchronise), and is reported at its position. Each document keeps
    its position tape (``positions``), so positions never need a second parse;
    ``with_spans=False`` skips even that (k8scheck's own data files).
    """
    problems: list[SourceProblem] = []
    documents: list[ParsedDocument] = []
    offset = _flow_depth_exceeds(text, MAX_DEPTH)
    if offset is not None:
        line, col = _line_col(text, offset)
        problems.append(
            SourceProblem(
                "yaml-syntax",
                f"flow collections nest deeper than {MAX_DEPTH} levels; k8scheck does not read this file "
                "(no Kubernetes object is that deep)",
                line,
                col,
            )
        )
        return documents, problems

    documents, problems, colon_at = _read(text, None, with_spans)
    if colon_at is not None:
        # libyaml stopped where go-yaml (kubectl) reads on: hide those colons and read again.
        hidden = _go_yaml_flow_colons(text, colon_at)
        if hidden is not None:
            documents, problems, _ = _read(hidden[0], hidden[1], with_spans)
    return documents, problems


def _offset(text: str, mark) -> int:
    """Offset in ``text`` of a libyaml mark (libyaml does not count a leading BOM)."""
    return mark.index + (1 if text.startswith("\ufeff") else 0)


def _read(text: str, colon: str | None, with_spans: bool):
    """(documents, problems, offset of the colon where libyaml stopped and go-yaml reads on, or None)."""
    problems: list[SourceProblem] = []
    documents: list[ParsedDocument] = []
    parser = _Parser(text)
    builder: _DocumentBuilder | None = None
    index = -1
    try:
        get_event = parser.get_event
        while (event := get_event()) is not None:
            etype = type(event)
            if etype is ev.DocumentStartEvent:
                index += 1
                if event.version is not None or event.tags:
                    raise _Abort(_directive_problem(event, index))
                builder = _DocumentBuilder(index, problems, with_spans, colon)
                if not builder.build(get_event):  # pragma: no cover - libyaml ends every document it starts
                    break
            elif etype is ev.DocumentEndEvent and builder is not None:
                if builder.done:
                    documents.append(ParsedDocument(index, builder.root, builder.positions(), builder.first_line or 0))
                builder = None
    except _Abort as abort:
        problems.append(abort.problem)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        problems.append(_mark_problem(exc, index if index >= 0 else None))
        if colon is None and exc.problem == _FLOW_COLON and mark is not None:
            return documents, problems, _offset(text, mark)
    except (YAMLError, ValueError, UnicodeError) as exc:
        problems.append(SourceProblem("yaml-syntax", f"invalid YAML: {exc}", 0, 0))
    finally:
        try:
            parser.dispose()
        except Exception:  # pragma: no cover - dispose never matters for correctness
            pass
    return documents, problems, None


# A suppression comment: a '#' preceded by whitespace (or at the line start), then
# k8scheck: ignore or ignore-next-line, with or without a [rule,...] list.
_SUPPRESSION = re.compile(r"(?:^|\s)#\s*k8scheck:\s*(ignore(?:-next-line)?)(?:\[([^\]]*)\])?(?=\s|$)")
# Any other word after "k8scheck:" is a directive k8scheck does not know (a typo such as "ignroe").
_DIRECTIVE = re.compile(r"(?:^|\s)#\s*k8scheck:\s*([^\s\[]*)")


class SuppressionComment(NamedTuple):
    """A ``# k8scheck: ignore`` comment, 1-based; ``rules`` as written, None for a bare ignore."""

    line: int
    column: int
    rules: str | None
    next_line: bool  # ignore-next-line: it applies to the line below
    unknown: str | None = None  # the word of a directive k8scheck does not know; then nothing is suppressed


# Text without any of these holds no placeholder: most files skip the walk through their objects.
# (Substring tests first: one regex alternation over a whole file costs more than the walk it saves.)
_AT_WORD, _BRACED_WORD = re.compile(r"@[A-Z]"), re.compile(r"\{[A-Z]")


def may_hold_placeholder(text: str) -> bool:
    """Whether a text may hold a template placeholder (``loader.template_placeholder`` looks only then)."""
    return (
        "{{" in text
        or "${" in text
        or ("@" in text and _AT_WORD.search(text) is not None)
        or ("{" in text and _BRACED_WORD.search(text) is not None)
    )


def suppression_comments(text: str) -> list[SuppressionComment]:
    """Every suppression comment of a text (read in the same pass as its parse)."""
    if "k8scheck:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "k8scheck:" not in line:
            continue
        match = _SUPPRESSION.search(line)
        if match:
            column = match.start() + (1 if line[match.start()] != "#" else 0) + 1
            found.append(SuppressionComment(number, column, match.group(2), match.group(1) == "ignore-next-line"))
            continue
        other = _DIRECTIVE.search(line)
        if other:
            column = other.start() + (1 if line[other.start()] != "#" else 0) + 1
            found.append(SuppressionComment(number, column, None, False, other.group(1) or "(nothing)"))
    return found


def load_single(text: str):
    """The value of a one-document YAML (or JSON) text: k8scheck's own data and config files.

    Raises ValueError with the parser's message (and 1-based line) for bad YAML.
    """
    documents, problems = parse_stream(text, with_spans=False)
    if problems:
        problem = problems[0]
        raise ValueError(f"line {problem.line + 1}: {problem.message}")
    if len(documents) > 1:
        raise ValueError(f"expected one YAML document, found {len(documents)}")
    return documents[0].value if documents else None


def load_data_file(path) -> Any:
    """``load_single`` of one of k8scheck's own data files (``k8scheck/data/*.yaml``).

    The value is kept in the cache directory (k8scheck.cachedir.installed_data)
    under a key of the file's bytes and the parser's code: parsing the larger
    files costs more than the checks of a small run."""
    from .cachedir import digest, installed_data, parser_code

    text = path.read_bytes()
    key = digest(["data-file-1", *parser_code(), text])
    return installed_data(f"data-{path.stem}", key, lambda: load_single(text.decode("utf-8")), lambda value: value)
