"""Content-addressed caches: of whole lint runs, and of what each file parses to.

The key covers everything a finding can depend on: k8scheck's own code, rules and
schemas (hashed, so any change to k8scheck invalidates), the kubernetes-validate
data version, every option, the working directory (per-file-ignores are relative),
and the path and full text of every input file. Any difference is a miss; a hit
returns exactly the findings the same run produced before, so a stale entry can
never hide a finding. Runs that depend on the outside world are never cached:
registry lookups (--check-images), git (--diff-base) and kustomize rendering.

``FileCache`` keeps, per file text, what that text alone decides: its documents
(decoded values and position tapes), its YAML problems and its suppression
comments, keyed by k8scheck's code and the text (never the path or the time), so
a run where one file changed parses one file; and what the per-object stages
(schema, API-server checks) found in its objects, keyed also by what configures
them (Kubernetes version, the CustomResourceDefinitions of the run).

``StatIndex`` remembers, per input path, the stat of the file when its text was
last hashed, so an unchanged file is neither read nor hashed again (a warm run,
the pre-commit hook over a large ``--context``). A stat is trusted only when the
file was already two seconds old when it was recorded (git's "racy clean" rule),
and it includes the change time, which no tool sets back.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import pickle
import time
from pathlib import Path

from .cachedir import cache_dir

FORMAT = b"k8scheck-run-cache-1"
KEEP = 32  # entries kept; older ones are pruned


@functools.lru_cache(maxsize=1)
def code_paths() -> tuple[str, ...]:
    """The files and directories that make this build of k8scheck: its code, rules and schemas, the
    directory of the kubernetes-validate schema data (its stat changes with every installed version)
    and those of the libraries it reads and words with."""
    from .catalogue import data_dir

    paths = []
    for root in (str(Path(__file__).resolve().parent), str(data_dir("rules")), str(data_dir("schemas"))):
        for directory, subdirectories, names in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
            paths.append(directory)
            paths += [os.path.join(directory, n) for n in sorted(names) if n.endswith((".py", ".yaml", ".json"))]
    from .schema.bundle import data_root

    try:
        paths.append(str(data_root()))
    except (ModuleNotFoundError, TypeError):
        pass
    # The libraries whose behaviour shapes the output: reinstalling one rewrites its directory.
    from importlib.util import find_spec

    for library in _LIBRARIES:
        try:
            spec = find_spec(library)
        except (ImportError, ValueError):
            spec = None
        paths += list(spec.submodule_search_locations or ()) if spec is not None else [f"<no {library}>"]
    return tuple(paths)


_LIBRARIES = ("ruamel.yaml", "click", "jsonschema", "referencing")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """Which build of k8scheck this is: the name, size and modification time of each of ``code_paths``.

    Stat, not content: an installed k8scheck never changes under the same stat, and
    reading the whole package on every run would cost a warm run a tenth of its time.
    """
    digest = hashlib.sha256(FORMAT)
    for path in code_paths():
        try:
            stat = os.stat(path)
        except OSError:
            digest.update(f"{path}\0missing\0".encode())
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\0".encode())
    return digest.digest()


def text_digest(text: str) -> str:
    """The content digest of an input's text, as read (what the caches key files on)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def option_paths(options) -> list[str]:
    """The files and directories options name besides the inputs: --schema-dir and --image-catalog."""
    paths = []
    for extra in list(options.schema_dirs) + ([options.image_catalog] if options.image_catalog else []):
        paths.append(str(extra))
        if os.path.isdir(extra):
            paths += [str(path) for path in sorted(Path(extra).rglob("*"))]
    return paths


def run_key(inputs, settings) -> str | None:
    options = settings.options
    if inputs.kustomizations or inputs.charts or options.check_images or options.old_manifests is not None:
        return None
    digest = hashlib.sha256(code_fingerprint())
    config = settings.config
    described = (
        options.namespace,
        options.kube_version,
        sorted((k, sorted(v.items())) for k, v in options.params.items()),
        options.assume_exists,
        repr(options.producers),
        options.assume_pods,
        options.schema_dirs,
        options.image_catalog,
        options.registry_mirrors,
        options.insecure_registries,
        tuple(settings.select),
        tuple(settings.ignore),
        sorted(settings.severity.items()),
        tuple(settings.context),
        sorted(settings.baseline.items()) if settings.baseline is not None else None,
        settings.max_file_size,
        settings.stdin_name,
        settings.discovery,
        str(config.path) if config and config.path else None,
        tuple((p.pattern, sorted(s)) for p, s in config.per_file_ignores) if config else (),
        os.getcwd(),
    )
    digest.update(repr(described).encode())
    for path in option_paths(options):
        if os.path.isfile(path):
            digest.update(path.encode())
            digest.update(Path(path).read_bytes())
    for source in inputs.sources:
        digest.update(b"\0file\0" + source.path.encode("utf-8", "surrogatepass") + b"\0")
        digest.update((source.digest or text_digest(source.text)).encode())
    for error in inputs.errors:
        digest.update(repr(error).encode())
    return digest.hexdigest()


def _entry(key: str) -> Path:
    return cache_dir() / "runs" / f"{key}.pickle"


def load(key: str):
    try:
        with open(_entry(key), "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a missing, truncated or foreign entry is a miss
        return None


def store(key: str, value) -> None:
    path = _entry(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
            for rendering in path.parent.glob(f"{old.stem}.*.out"):
                rendering.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache directory only costs speed


def rendered(key: str, signature: str, render) -> str:
    """``render()``, kept beside the run's report: a warm run prints without formatting again."""
    path = cache_dir() / "runs" / f"{key}.{hashlib.sha256(signature.encode()).hexdigest()[:16]}.out"
    try:
        return path.read_bytes().decode("utf-8", "surrogatepass")  # bytes: no newline translation
    except (OSError, UnicodeDecodeError):
        pass
    text = render()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(text.encode("utf-8", "surrogatepass"))
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only or full cache directory only costs speed
    return text


class FileCache:
    """What one file's text parses to (``parallel.encode`` blobs), by code and text."""

    KEEP = 200_000  # entries; beyond this, the oldest half is pruned

    def __init__(self, directory: Path | None = None):
        self.directory = directory or cache_dir() / "files"
        self.stored = 0

    def key(self, text_digest: str) -> str:
        """Key of what a file whose text has ``text_digest`` parses to."""
        return hashlib.sha256(code_fingerprint() + text_digest.encode()).hexdigest()

    def stage_key(self, digest: str, stage: bytes) -> str:
        """Key of what a per-object stage (configured as ``stage``) found in the objects of the file ``digest``."""
        return hashlib.sha256(digest.encode() + b"\0" + stage).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key[2:]

    def load(self, key: str) -> bytes | None:
        try:
            with open(self._path(key), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def store(self, key: str, blob: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(blob)
            os.replace(temporary, path)
            self.stored += 1
        except OSError:
            pass  # a read-only or full cache directory only costs speed

    def prune(self) -> None:
        """Keep the cache bounded: past ``KEEP`` entries, drop the least recently written half."""
        if self.stored < 64:
            return  # a small run adds little; listing the cache would cost more
        try:
            entries = [p for d in self.directory.iterdir() if d.is_dir() for p in d.iterdir()]
            if len(entries) <= self.KEEP:
                return
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[: len(entries) // 2]:
                old.unlink(missing_ok=True)
        except OSError:
            pass


class StatIndex:
    """Path -> the text digest of a file whose stat has not changed since it was hashed."""

    KEEP = 100_000  # entries; beyond this the index starts afresh
    RACY_SECONDS = 2.0  # a file changed this recently may change again within the same stat

    def __init__(self, path: Path | None = None):
        self.path = path or cache_dir() / "stat-index"
        self.entries: dict[str, tuple] = {}
        self.changed = False
        try:
            with open(self.path, "rb") as handle:
                fingerprint, entries = marshal.load(handle)
            if fingerprint == code_fingerprint() and isinstance(entries, dict):
                self.entries = entries
        except (OSError, EOFError, ValueError, TypeError):
            pass  # no index yet, or a damaged one: every file is read

    @staticmethod
    def _signature(stat: os.stat_result) -> tuple:
        return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)

    def stat(self, path: str) -> os.stat_result | None:
        try:
            return os.stat(path)
        except OSError:
            return None

    def digest(self, path: str, stat: os.stat_result | None) -> str | None:
        """The recorded digest of ``path`` if ``stat`` (taken now) is the recorded one."""
        if stat is None:
            return None
        entry = self.entries.get(os.path.abspath(path))
        if entry is None or entry[0] != self._signature(stat):
            return None
        return entry[1]

    def record(self, path: str, stat: os.stat_result | None, digest: str) -> None:
        """``digest`` of the text read after ``stat`` was taken; kept only if the file was not changing."""
        if stat is None:
            return
        now = time.time_ns()
        racy = self.RACY_SECONDS * 1e9
        if now - stat.st_mtime_ns < racy or now - stat.st_ctime_ns < racy:
            return
        key = os.path.abspath(path)
        value = (self._signature(stat), digest)
        if self.entries.get(key) != value:
            self.entries[key] = value
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        if len(self.entries) > self.KEEP:
            self.entries = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                marshal.dump((code_fingerprint(), self.entries), handle)
            os.replace(temporary, self.path)
            self.changed = False
        except OSError:
            pass  # a read-only or full cache directory only costs speed
