"""Parsing on every core, through the per-file cache.

Each file is parsed once per run, into its documents (decoded values and position
tapes), its problems and its suppression comments: everything that depends on
that file's text alone. With a ``FileCache`` (``runcache``), a file whose exact
text was parsed before by this same k8scheck is not parsed again.

The main process parses its share of the files while worker processes (forked, so
they start with everything imported) parse the rest and send the plain decoded
values back with marshal, which is ten times faster than pickle for such data.
Results are merged in input order, so the output never depends on the number of
processes. Small runs (a pre-commit hook) stay in one process.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
from typing import Protocol

from .positions import DocumentPositions
from .yamlsource import (
    ParsedDocument,
    SourceProblem,
    SuppressionComment,
    may_hold_placeholder,
    parse_stream,
    suppression_comments,
)


class Texts(Protocol):
    """Texts by index (a list, or sources that read a text only when it is indexed)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> str: ...


# Below this many bytes of input to parse, starting a process costs more than it saves.
PARALLEL_MIN_BYTES = int(os.environ.get("K8SCHECK_PARALLEL_MIN_BYTES", str(4 * 1024 * 1024)))


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def processes(jobs: int | None) -> int:
    """How many processes to use: ``jobs`` (None: every core); one inside a worker of ours,
    which may not start processes of its own."""
    if multiprocessing.current_process().daemon:
        return 1
    return default_jobs() if jobs is None else max(1, jobs)


def parse_file(text: str) -> tuple:
    """(documents, problems, suppression comments, whether it may hold a template placeholder) of one
    file's text: everything a run needs from the text, so that a file the cache answers is not read."""
    documents, problems = parse_stream(text)
    return documents, problems, suppression_comments(text), may_hold_placeholder(text)


def encode(parsed: tuple) -> bytes:
    documents, problems, comments, placeholder_hint = parsed
    return marshal.dumps(
        (
            [(d.index, d.value, d.line, d.positions.tape, d.positions.keys, d.positions.plain) for d in documents],
            [tuple(vars(p).values()) for p in problems],
            [tuple(c) for c in comments],  # marshal takes plain tuples only
            placeholder_hint,
        )
    )


def decode(blob: bytes) -> tuple:
    documents, problems, comments, placeholder_hint = marshal.loads(blob)
    return (
        [
            ParsedDocument(index, value, DocumentPositions(tape, keys, plain), line)
            for index, value, line, tape, keys, plain in documents
        ],
        [SourceProblem(*p) for p in problems],
        [SuppressionComment(*c) for c in comments],
        placeholder_hint,
    )


def _decode_or_none(blob: bytes) -> tuple | None:
    """A cached entry, or None when it is truncated or foreign (then the file is parsed again)."""
    try:
        return decode(blob)
    except Exception:  # noqa: BLE001 - whatever a damaged entry raises
        return None


def parse_all(texts: Texts, jobs: int | None = None, cache=None, keys: list | None = None) -> list:
    """``parse_file(text)`` for every text: from ``cache`` when it has it, else on up to ``jobs`` processes.

    ``keys``: the cache keys of the texts, when the caller has them already (then
    a text the cache has is never looked at: ``texts`` may read it lazily).
    """
    from .runcache import text_digest

    results: list = [None] * len(texts)
    if keys is None:
        keys = (
            [cache.key(text_digest(texts[i])) for i in range(len(texts))] if cache is not None else [None] * len(texts)
        )
    missing = []
    for index in range(len(texts)):
        if cache is not None:
            key = keys[index]
            blob = cache.load(key)
            if blob is not None:
                results[index] = _decode_or_none(blob)
                if results[index] is not None:
                    continue
        missing.append(index)
    for index, parsed, blob in _parse_missing(texts, missing, jobs, cache is not None):
        results[index] = parsed
        if cache is not None:
            cache.store(keys[index], blob if blob is not None else encode(parsed))
    return results


def _parse_missing(texts: Texts, indices: list[int], jobs: int | None, want_blobs: bool):
    """(index, parsed, encoded or None) for each of ``indices`` (in no particular order)."""
    jobs = processes(jobs)
    total = sum(len(texts[i]) for i in indices)
    if (
        jobs == 1
        or total < PARALLEL_MIN_BYTES
        or len(indices) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [(i, parse_file(texts[i]), None) for i in indices]
    # Every process claims the next file from a shared counter until none is left: files
    # differ too much in cost (a 400 KB block scalar parses like six small manifests)
    # for shares planned ahead to come out even. Workers inherit the texts by fork.
    global _PARSE
    context = multiprocessing.get_context("fork")
    try:
        _PARSE = (texts, indices, context.Value("i", 0))  # a lock-guarded counter in shared memory
        with context.Pool(jobs - 1) as pool:
            pending = [pool.apply_async(_parse_claimed) for _ in range(jobs - 1)]
            out: list[tuple[int, tuple, bytes | None]] = [(i, parse_file(texts[i]), None) for i in _claimed()]
            for async_result in pending:
                for i, blob in async_result.get():
                    out.append((i, decode(blob), blob if want_blobs else None))
    except (OSError, ValueError, EOFError):  # no processes here (a sandbox): one core it is
        return [(i, parse_file(texts[i]), None) for i in indices]
    finally:
        _PARSE = None
    return out


_PARSE: tuple | None = None  # (texts, indices, shared counter) for the forked workers of _parse_missing


def _claimed():
    """The indices this process claims, one at a time, from the shared counter of ``_PARSE``."""
    if _PARSE is None:
        raise RuntimeError("_claimed runs while _parse_missing has set _PARSE")
    _, indices, counter = _PARSE
    while True:
        with counter.get_lock():
            position = counter.value
            counter.value = position + 1
        if position >= len(indices):
            return
        yield indices[position]


def _parse_claimed() -> list[tuple[int, bytes]]:
    """In a worker: (index, encoded parse) of every file it claims."""
    texts = _PARSE[0] if _PARSE is not None else None
    return [(i, encode(parse_file(texts[i]))) for i in _claimed()] if texts is not None else []


# Below this many objects, a per-object stage stays in one process.
PARALLEL_MIN_OBJECTS = int(os.environ.get("K8SCHECK_PARALLEL_MIN_OBJECTS", "2000"))
_TASK: tuple | None = None  # (function, items) for the forked workers of map_objects


def _run_share(start: int, end: int) -> list:
    if _TASK is None:
        raise RuntimeError("_run_share runs in the workers map_objects forks, after it sets _TASK")
    function, items = _TASK
    return [function(item) for item in items[start:end]]


def map_objects(function, items: list, jobs: int | None = None, min_items: int | None = None) -> list:
    """``[function(item) for item in items]``, shares of a large list in forked processes.

    For per-object stages that depend on one object alone (schema, API-server
    checks), and for the rules of a large run: the workers inherit everything by
    fork and pickle their results back, merged in order, so the result never
    depends on the number of processes. ``min_items``: fewer items stay in this
    process (default ``PARALLEL_MIN_OBJECTS``).
    """
    global _TASK
    jobs = processes(jobs)
    min_items = PARALLEL_MIN_OBJECTS if min_items is None else max(2, min_items)
    if jobs == 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    bounds = [len(items) * share // jobs for share in range(jobs + 1)]
    _TASK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs - 1) as pool:
            pending = [pool.apply_async(_run_share, (bounds[s], bounds[s + 1])) for s in range(1, jobs)]
            out = _run_share(bounds[0], bounds[1])
            for async_result in pending:
                out += async_result.get()
    except (OSError, ValueError, EOFError):  # no processes here (a sandbox): one core it is
        return [function(item) for item in items]
    finally:
        _TASK = None
    return out


class Claims:
    """Items that processes forked after it is made claim one at a time: each item goes to exactly one
    of them, whichever asks first (a lock-guarded counter in shared memory)."""

    def __init__(self, items: list):
        self.items = items
        self.counter = None
        if items and "fork" in multiprocessing.get_all_start_methods():
            try:
                self.counter = multiprocessing.get_context("fork").Value("i", 0)
            except (OSError, ValueError):  # no shared memory here (a sandbox): one process claims all
                self.counter = None
        self.next = 0  # without a shared counter

    def claimed(self):
        """The items this process claims, one at a time, until none is left."""
        while True:
            if self.counter is None:
                position, self.next = self.next, self.next + 1
            else:
                with self.counter.get_lock():
                    position = self.counter.value
                    self.counter.value = position + 1
            if position >= len(self.items):
                return
            yield self.items[position]


class Background:
    """A function running in a forked process; ``get()`` waits for its (pickled) result."""

    def __init__(self, function):
        global _BACKGROUND
        self.function = function
        self.pool = None
        self.result = None
        if processes(None) == 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        _BACKGROUND = function
        try:
            self.pool = multiprocessing.get_context("fork").Pool(1)
            self.result = self.pool.apply_async(_run_background)
        except (OSError, ValueError):  # no processes here (a sandbox): it runs in get()
            self.pool = None
        finally:
            _BACKGROUND = None

    def get(self):
        if self.pool is None or self.result is None:
            return self.function()
        try:
            return self.result.get()
        except (OSError, EOFError):
            return self.function()
        finally:
            self.pool.close()
            self.pool.join()


_BACKGROUND = None  # the function a Background's forked process runs


def _run_background():
    if _BACKGROUND is None:
        raise RuntimeError("_run_background runs in the process a Background forks, after it sets _BACKGROUND")
    return _BACKGROUND()


def in_background(function) -> Background:
    """Start ``function()`` in a forked process (in this one when processes are not available)."""
    return Background(function)
