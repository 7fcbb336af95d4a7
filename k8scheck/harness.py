"""What an end-to-end test harness (chainsaw, kuttl) does with each file of its tests.

Operator repositories keep their end-to-end tests as steps of YAML files. Some
files are applied; others are **assertions** (a partial object the harness
compares with the cluster until it matches: it leaves out every field it does not
care about, and chainsaw's may hold JMESPath keys such as ``(length(x)): 1``) or
**error expectations** (an object that must not exist). Neither is ever applied,
so checking them as manifests reports what was never meant to be complete.

- **chainsaw**: a test is the ``chainsaw-test.yaml`` (``.yml``) of its directory.
  Each step's operations name files: ``apply``, ``create`` and ``update`` apply
  them; ``assert`` and ``error`` compare them with the cluster; ``patch`` merges
  one into an existing object; ``delete`` names what to delete. A step that
  ``use``\\ s a StepTemplate runs the template's operations as its own (their files
  relative to the test). Chainsaw templates what it applies: a value written
  ``($binding)`` is an expression it fills in first (``($namespace)``, the test's
  namespace).
- **kuttl** (and chainsaw's tests without a test file): the files ``NN-name.yaml``
  of a test directory are step NN; ``NN-assert*.yaml`` holds assertions,
  ``NN-errors*.yaml`` objects that must not exist, every other one is applied; a
  ``TestStep`` object in a step file may name more ``assert`` and ``error`` paths.

Both apply a file whose object exists already by merging it into that object
(chainsaw's apply, kuttl's CreateOrUpdate): a later step may write only the fields
it changes.

Nothing here reads a file: ``uses`` takes the documents the loader parsed.
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import NamedTuple

CHAINSAW_TEST_FILES = ("chainsaw-test.yaml", "chainsaw-test.yml")
# kuttl's step file: an index, a first word (assert, errors, or the step's name) and the rest of the name.
_STEP_FILE = re.compile(r"^(\d+)-([^-.]+)(?:-[^.]*)?\.ya?ml$", re.I)
_KUTTL_WORDS = {"assert": "assert", "errors": "error"}
_OPERATIONS = ("apply", "create", "update", "assert", "error", "patch", "delete")
APPLYING = ("apply", "create", "update")
_BLOCKS = ("try", "catch", "finally", "cleanup")


class Use(NamedTuple):
    """One thing a test does with a file."""

    harness: str  # "chainsaw" or "kuttl"
    test: str  # the test's directory
    operation: str  # one of _OPERATIONS
    step: int  # the step's position in the test (kuttl: its index)
    by: str  # where it is said: the chainsaw test file, or the file's own name for kuttl


def may_hold_tests(paths) -> bool:
    """Whether any of ``paths`` is a chainsaw test file or a kuttl step file (a name test only)."""
    return any(_names_a_test(os.path.basename(path)) for path in paths)


def tests_of(paths) -> list[str]:
    """The chainsaw test files of the tests ``paths`` (named one by one, as a pre-commit hook names changed
    files) may belong to: the first ``chainsaw-test.yaml`` in each one's directory or above it, up to the
    repository root. A stat per directory, each directory looked at once."""
    from .layout import repository_root

    found: dict[str, str | None] = {}  # directory -> its chainsaw test file, or None
    roots: dict[str, str] = {}  # directory of a named file -> its repository root
    out = []
    for path in paths:
        directory = os.path.dirname(path) or "."
        if directory not in roots:
            roots[directory] = os.path.abspath(repository_root(path))
        root = roots[directory]
        while True:
            if directory not in found:
                found[directory] = next(
                    (
                        os.path.join(directory, n)
                        for n in CHAINSAW_TEST_FILES
                        if os.path.isfile(os.path.join(directory, n))
                    ),
                    None,
                )
            test = found[directory]
            if test is not None:
                out.append(test)
                break
            parent = os.path.dirname(directory) or "."
            if os.path.abspath(directory) == root or parent == directory:
                break
            directory = parent
    return sorted(set(out))


def _names_a_test(name: str) -> bool:
    return name in CHAINSAW_TEST_FILES or (name[:1].isdigit() and _STEP_FILE.match(name) is not None)


def uses(files: dict[str, list]) -> dict[str, list[Use]]:
    """What the tests among ``files`` (normalised path -> its documents' values) do with each file, by
    normalised path. A StepTemplate counts when it is among ``files`` (what is read decides the result)."""
    found: dict[str, list[Use]] = {}
    indexed = _Files(files)
    chainsaw_tests = set()
    for path, values in files.items():
        if os.path.basename(path) in CHAINSAW_TEST_FILES:
            directory = os.path.dirname(path)
            chainsaw_tests.add(directory)
            for value in values:
                if _is_chainsaw(value, "Test"):
                    _chainsaw_test(value, directory, path, indexed, found)
    for path, values in files.items():
        name = os.path.basename(path)
        step = _STEP_FILE.match(name) if name[:1].isdigit() else None
        directory = os.path.dirname(path)
        if step is None or directory in chainsaw_tests:
            continue
        operation = _KUTTL_WORDS.get(step.group(2).lower(), "apply")
        _add(found, path, Use("kuttl", directory, operation, int(step.group(1)), name))
        for value in values:
            if isinstance(value, dict) and value.get("kind") == "TestStep" and _group(value) == "kuttl.dev":
                for key, listed in (("apply", "apply"), ("assert", "assert"), ("error", "error")):
                    for entry in _strings(value.get(key)):
                        for target in _expand(directory, entry, indexed):
                            _add(found, target, Use("kuttl", directory, listed, int(step.group(1)), name))
    return found


def _group(value: dict) -> str:
    api_version = value.get("apiVersion")
    return api_version.split("/", 1)[0] if isinstance(api_version, str) else ""


def _is_chainsaw(value, kind: str) -> bool:
    return isinstance(value, dict) and value.get("kind") == kind and _group(value) == "chainsaw.kyverno.io"


def _chainsaw_test(test: dict, directory: str, by: str, files: _Files, found) -> None:
    spec = test.get("spec")
    steps = spec.get("steps") if isinstance(spec, dict) else None
    for number, step in enumerate(steps if isinstance(steps, list) else ()):
        if not isinstance(step, dict):
            continue
        blocks = [step]
        use = step.get("use")
        template = use.get("template") if isinstance(use, dict) else None
        if isinstance(template, str) and not template.startswith("("):
            values = files.values.get(os.path.normpath(os.path.join(directory, template)), ())
            blocks += [v.get("spec") for v in values if _is_chainsaw(v, "StepTemplate")]
        for block in blocks:
            for operation, entry in _operations(block):
                for target in _expand(directory, entry, files):
                    _add(found, target, Use("chainsaw", directory, operation, number, by))


def _operations(block):
    """(operation, file) of every operation of a step or a step template's spec that names a file."""
    if not isinstance(block, dict):
        return
    for name in _BLOCKS:
        operations = block.get(name)
        for item in operations if isinstance(operations, list) else ():
            for operation in _OPERATIONS:
                value = item.get(operation) if isinstance(item, dict) else None
                entry = value.get("file") if isinstance(value, dict) else None
                if isinstance(entry, str) and entry and not entry.startswith("("):  # (an expression: unknown here)
                    yield operation, entry


def _expand(directory: str, entry: str, files: _Files) -> list[str]:
    """The normalised paths a test's file entry names: a file, the files of a directory, or a glob's."""
    if "://" in entry:
        return []
    path = os.path.normpath(os.path.join(directory, entry))
    if any(c in entry for c in "*?["):
        return sorted(p for p in files.values if fnmatch.fnmatchcase(p, path))
    if path in files.values:
        return [path]
    return files.in_directory(path) or [path]


class _Files:
    """The documents' values of every file read, by normalised path, and the files of each directory."""

    def __init__(self, values: dict[str, list]) -> None:
        self.values = values
        self._directories: dict[str, list[str]] | None = None

    def in_directory(self, directory: str) -> list[str]:
        if self._directories is None:
            self._directories = {}
            for path in sorted(self.values):
                self._directories.setdefault(os.path.dirname(path), []).append(path)
        return self._directories.get(directory, [])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _add(found: dict, path: str, use: Use) -> None:
    found.setdefault(path, []).append(use)


_NEVER_APPLIED = {
    "assert": "an assertion of a {harness} test: a partial object {harness} compares with the cluster, never applied",
    "error": "an error expectation of a {harness} test: an object {harness} checks does not exist, never applied",
    "patch": "a patch of a {harness} test: merged into an object that exists by then, partial by design",
    "delete": "names objects a {harness} test deletes, never applied",
}


def never_applied(file_uses: list[Use]) -> str | None:
    """Why a file the tests only compare with the cluster (or patch with, or delete) is passed over, or None
    when a test applies it."""
    if not file_uses or any(use.operation in APPLYING for use in file_uses):
        return None
    use = file_uses[0]
    said = f"`{use.operation}` in {use.by}" if use.harness == "chainsaw" else f"kuttl's {use.by}"
    what = _NEVER_APPLIED[use.operation].format(harness=use.harness)
    head, _, tail = what.partition(":")
    return f"{head} ({said}):{tail}"


def applied_with_templating(file_uses: list[Use]) -> bool:
    """Whether chainsaw applies the file: it fills in ``($binding)`` expressions first."""
    return any(use.harness == "chainsaw" and use.operation in APPLYING for use in file_uses)


class MadeElsewhere:
    """The objects a test asserts exist before any of its steps applies them: something else made them
    (the operator under test: a collector's Deployment, which it made from the collector).

    A file applying such objects after that assertion can only be merged into them:
    it may write just the fields the test changes. An assertion without a name
    selects objects by their labels; its ``app.kubernetes.io/name`` stands for the
    name (``objects_of`` says so).
    """

    def __init__(self, found: dict[str, list[Use]], objects_of) -> None:
        """``objects_of(path)``: the (kind, name) pairs of a file of the tests."""
        self.asserted: dict[tuple, tuple[int, str]] = {}  # (test, object) -> (first step asserting it, file)
        self.applied: dict[tuple, int] = {}  # (test, object) -> first step applying it
        for path, file_uses in sorted(found.items()):
            for use in file_uses:
                for key in objects_of(path):
                    at = (use.test, key)
                    if use.operation in APPLYING:
                        self.applied[at] = min(self.applied.get(at, use.step), use.step)
                    elif use.operation == "assert" and (at not in self.asserted or use.step < self.asserted[at][0]):
                        self.asserted[at] = (use.step, path)

    def update_reason(self, objects: list[tuple], file_uses: list[Use]) -> str | None:
        """Why an applied file with ``objects`` is an update of objects made elsewhere, or None."""
        if not objects or not file_uses or any(use.operation not in APPLYING for use in file_uses):
            return None
        for use in file_uses:
            for key in objects:
                at = (use.test, key)
                if at not in self.asserted or self.asserted[at][0] >= self.applied.get(at, use.step):
                    return None
        use = file_uses[0]
        kind, name = objects[0]
        return (
            f"applies over {kind} {name}, which an earlier step of the {use.harness} test in {use.test} asserts "
            f"exists ({self.asserted[(use.test, objects[0])][1]}) before any step creates it: {use.harness} merges "
            "it into that object (an update, partial by design), never creates it from this file"
        )
