"""The objects that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from .kinds import PodTemplate, pod_template
from .positions import DocumentPositions, Location, locate

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, order=True)
class ObjectRef:
    kind: str
    namespace: str | None
    name: str
    api_version: str = ""

    def to_json(self) -> dict:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


class Manifest:
    """One Kubernetes object as read from the inputs, and where it was written."""

    __slots__ = (
        "obj",
        "file",
        "document",
        "prefix",
        "positions",
        "namespace",
        "unit",
        "overlays",
        "relocate",
        "digest",
        "_template",
    )

    def __init__(self, obj: dict, file: str, document: int, prefix: tuple, positions, namespace: str | None):
        self.obj = obj
        self.file = file
        self.document = document
        self.prefix = prefix  # ("items", i) for an item of a kind: List
        self.positions = positions  # DocumentPositions of the document (shared by List items), or a fixed span dict
        self.namespace = namespace
        self.unit: str | None = None  # the kustomization or chart directory it was rendered from; None: plain files
        self.overlays: tuple = ()  # strategic-merge patches (Manifests) applied to it, in order
        self.relocate = None  # Location -> Location, for objects rendered from a template (helm)
        self.digest: str | None = None  # content key of the file it was parsed from as written (None: rendered)
        self._template: PodTemplate | None | bool = False  # False: not looked up yet

    @property
    def spans(self) -> dict:
        positions = self.positions
        if positions is None:
            return {}
        return positions if isinstance(positions, dict) else positions.spans()

    @property
    def template(self) -> PodTemplate | None:
        """The object's pod template (``kinds.pod_template``), looked up once: a dozen checks ask."""
        if self._template is False:
            self._template = pod_template(self.obj)
        return self._template  # type: ignore[return-value]

    @property
    def api_version(self) -> str | None:
        return _text(self.obj.get("apiVersion"))

    @property
    def kind(self) -> str | None:
        return _text(self.obj.get("kind"))

    @property
    def metadata(self) -> dict:
        meta = self.obj.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str | None:
        return _text(self.metadata.get("name"))

    @property
    def group(self) -> str:
        version = self.api_version or ""
        return version.rpartition("/")[0] if "/" in version else ""

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.kind or "?", self.namespace, self.name or "?", self.api_version or "")

    def locate(self, path: tuple = (), at: str = "value") -> Location:
        full = self.prefix + tuple(path)
        # A field an overlay's patch sets is edited in the patch, not in the base.
        for patch in reversed(self.overlays):
            in_patch = patch_path(self.obj, patch.obj, full)
            if in_patch is not None:
                return patch.locate(in_patch, at)
        positions = self.positions
        if isinstance(positions, DocumentPositions):
            location = positions.locate(self.file, full, at)
        else:
            location = locate(self.file, self.spans, full, at)
        return self.relocate(location) if self.relocate is not None else location

    def first_line(self) -> tuple[str, int]:
        """(file, 1-based line) where the object starts: ``locate(())`` without resolving every span."""
        positions = self.positions
        if self.prefix or isinstance(positions, dict) or positions is None or not positions.tape:
            where = self.locate(())
            return where.file, where.line
        line, column = positions.root()
        location = Location(self.file, line + 1, column + 1)
        if self.relocate is not None:
            location = self.relocate(location)
        return location.file, location.line

    def __repr__(self) -> str:
        return f"<Manifest {self.ref} {self.file}#{self.document}>"


# Keys strategic merge matches list items by (containers, env, volumes, ports, mounts...).
_MERGE_KEYS = ("name", "containerPort", "mountPath", "devicePath", "ip", "port")


def _patch_index(item, patch_list: list, index: int) -> int | None:
    if isinstance(item, dict):
        for key in _MERGE_KEYS:
            if key in item:
                for i, candidate in enumerate(patch_list):
                    if isinstance(candidate, dict) and candidate.get(key) == item[key]:
                        return i
                return None
    return index if index < len(patch_list) else None  # a list without merge keys is replaced whole


def patch_path(rendered, patch, path: tuple) -> tuple | None:
    """``path`` of the rendered object as written in a strategic-merge patch, or None if the patch does not set it."""
    out = []
    for step in path:
        if isinstance(step, int):
            if not isinstance(rendered, list) or not isinstance(patch, list) or not 0 <= step < len(rendered):
                return None
            index = _patch_index(rendered[step], patch, step)
            if index is None:
                return None
            rendered, patch = rendered[step], patch[index]
            out.append(index)
        else:
            if not isinstance(rendered, dict) or not isinstance(patch, dict) or step not in patch:
                return None
            rendered, patch = rendered.get(step), patch[step]
            out.append(step)
    if (
        not path
        or path[:1] in (("apiVersion",), ("kind",))
        or path[:2] in (("metadata", "name"), ("metadata", "namespace"))
    ):
        return None  # what names the target: the base defines it
    if isinstance(patch, dict) and set(patch) <= set(_MERGE_KEYS):
        return None  # the patch only names this item to reach inside it
    return tuple(out)


@dataclass(frozen=True)
class Related:
    """The other end of a cross-object problem."""

    location: Location
    message: str

    def to_json(self) -> dict:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    location: Location
    object: ObjectRef | None = None
    path: str = ""
    related: tuple = ()
    fix: str | None = None
    # For the merge step (k8scheck.merge), not part of the reports: the field the
    # finding is about when it is not ``path`` (a missing field), and the note this
    # finding becomes when it is folded into its root cause's finding.
    subject: str = field(default="", compare=False)
    consequence: Related | None = field(default=None, compare=False)
    # ``path`` with list items named by a stable key (``containers[name=web]``), for baselines.
    stable_path: str = field(default="", compare=False)

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)

    def identity(self) -> str:
        """What makes a finding the same finding after unrelated edits move its line.

        Rule, object and field path; file-level findings (no object) use the file
        and the message instead.
        """
        return self._identity(self.stable_path or self.path)

    def _identity(self, path: str) -> str:
        if self.object is not None:
            o = self.object
            return f"{self.rule}|{o.kind}|{o.namespace or ''}|{o.name}|{path}"
        return f"{self.rule}|{self.location.file}|{self.message}"

    def fingerprint(self) -> str:
        return _digest(self.identity())

    def index_fingerprint(self) -> str:
        """The fingerprint baselines before version 2 recorded (list items by index)."""
        return _digest(self._identity(self.path))


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class LoadError:
    """A file (or part of one) that could not be read as Kubernetes objects at all."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }


# What str.splitlines breaks lines at besides "\n".
_OTHER_LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _nth_line(text: str, number: int) -> str | None:
    """``text.splitlines()[number - 1]`` for a text whose only line break is "\n" (None past the end)."""
    if number < 1:
        return None
    parts = text.split("\n", number)  # the lines up to ``number`` and the rest
    if len(parts) < number or (len(parts) == number and not parts[-1]):
        return None  # fewer lines; an empty rest after the last "\n" is no line for splitlines
    return parts[number - 1]


class SourceFile:
    """A file that was read, with its text kept for code frames.

    ``text`` may be left unread: a file the stat index knows unchanged (``runcache``)
    comes with its digest and a ``reader``, and is read only if something asks for
    its text (a code frame, a syntax error's last line), never just to be checked.
    """

    __slots__ = ("path", "_text", "_reader", "digest", "documents", "comments", "_lines", "_newlines_only")

    def __init__(self, path: str, text: str | None = None, *, digest: str | None = None, reader=None):
        if text is None and reader is None:
            raise ValueError("a SourceFile needs its text or a reader of it")
        self.path = path
        self._text = text
        self._reader = reader  # () -> str, for a file not read yet
        self.digest = digest  # content digest of the text (runcache.text_digest), when a cache is in use
        self.documents = 0
        # SuppressionComments of the file, found by the parse pass (None: not parsed in
        # that pass, found from the text when asked)
        self.comments: list | None = None
        self._lines: list | None = None
        self._newlines_only: bool | None = None  # whether "\n" is the text's only line break (once known)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._reader()
            self._reader = None
        return self._text

    def line(self, number: int) -> str | None:
        """Line ``number`` (1-based) as ``text.splitlines()`` counts lines (None past the end)."""
        if self._lines is None:
            text = self.text
            if self._newlines_only is None:
                self._newlines_only = not any(brk in text for brk in _OTHER_LINE_BREAKS)
            if self._newlines_only:
                # Only "\n" breaks lines: find the one line without splitting the file (a
                # finding's fix reads one line of a file that is never printed).
                return _nth_line(text, number)
            self._lines = text.splitlines()
        if 1 <= number <= len(self._lines):
            return self._lines[number - 1]
        return None

    def __repr__(self) -> str:
        return f"SourceFile({self.path!r}, documents={self.documents})"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while reading, already located (syntax, duplicate keys...)."""

    rule: str
    message: str
    location: Location
    related: tuple = ()
    variant: str | None = None  # which kind of the rule's findings the reader saw (``same-value``), if several
    severity: str | None = None  # this finding's own severity, as its rule's check gives it (from ``variant``)
