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
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

from .cachedir import cache_dir

FORMAT = b"k8scheck-run-cache-1"
KEEP = 32  # entries kept; older ones are pruned


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    digest = hashlib.sha256(FORMAT)
    package = Path(__file__).resolve().parent
    roots = [package]
    for name in ("rules", "schemas"):
        from .catalogue import data_dir

        roots.append(data_dir(name))
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".json"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    try:
        from importlib.metadata import version

        digest.update(version("kubernetes-validate").encode())
    except Exception:
        digest.update(b"no-kubernetes-validate")
    return digest.digest()


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
    for extra in list(options.schema_dirs) + ([options.image_catalog] if options.image_catalog else []):
        for path in sorted(Path(extra).rglob("*")) if Path(extra).is_dir() else [Path(extra)]:
            if path.is_file():
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    for source in inputs.sources:
        digest.update(b"\0file\0" + source.path.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(source.text.encode("utf-8", "surrogatepass"))
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
    except OSError:
        pass  # a read-only or full cache directory only costs speed


class FileCache:
    """What one file's text parses to (``parallel.encode`` blobs), by code and text."""

    KEEP = 200_000  # entries; beyond this, the oldest half is pruned

    def __init__(self, directory: Path | None = None):
        self.directory = directory or cache_dir() / "files"
        self.stored = 0

    def key(self, text: str) -> str:
        digest = hashlib.sha256(code_fingerprint())
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

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
