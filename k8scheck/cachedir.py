"""Where k8scheck keeps its caches: $K8SCHECK_CACHE_DIR, else the user cache directory.

Besides the run cache (k8scheck.runcache), it keeps *installed data*: values
computed from what is installed alone (k8scheck's code and data, the
kubernetes-validate schemas), never from the user's files or options, such as
the API history of every bundled Kubernetes version. Computing them costs
more than the rest of a small run; like a ``.pyc`` they are computed once and
kept under a key that covers everything they depend on, so an entry is either
current or a miss. They are kept with ``--no-cache`` too, which is about the
run cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    override = os.environ.get("K8SCHECK_CACHE_DIR")
    if override:
        base = Path(override)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "k8scheck"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "k8scheck" / "Cache"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "k8scheck"
    base.mkdir(parents=True, exist_ok=True)
    return base


def digest(parts: Iterable[bytes | str]) -> str:
    """A key for ``installed_data``: the SHA-256 of every part, each length-prefixed."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class _PlainData(pickle.Unpickler):
    """Unpickles plain data only (dicts, lists, strings, numbers): an entry that
    names a class or a function is damaged, and never runs code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"an installed-data entry names {module}.{name}")


def installed_data(name: str, key: str, compute: Callable[[], Any], decode: Callable[[Any], T]) -> T:
    """``decode(compute())``, with ``compute()``'s value (plain data) kept under
    ``name`` for as long as ``key`` (see ``digest``) stays the same.

    A missing, unreadable or damaged entry (anything ``decode`` rejects) is a
    miss; a cache directory that cannot be written costs the computation, never
    the run. Written atomically: a concurrent run reads the old entry or the new.
    Kept as a pickle of plain data (a tenth of the time JSON takes to read),
    read back by an unpickler that refuses everything else.
    """
    try:
        path: Path | None = cache_dir() / "installed" / f"{name}.pickle"
    except OSError:  # no usable cache directory
        path = None
    if path is not None:
        try:
            with path.open("rb") as handle:
                entry = _PlainData(handle).load()
            if isinstance(entry, dict) and entry.get("key") == key:
                return decode(entry["value"])
        except Exception:  # no entry, or a damaged one: compute it
            pass
    value = compute()
    result = decode(value)
    if path is not None:
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(pickle.dumps({"key": key, "value": value}, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(partial, path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    return result


# The modules that decide what a text parses to (k8scheck.yamlsource and what it uses).
PARSER_MODULES = ("yamlsource.py", "scalars.py", "positions.py")


def parser_code() -> list[bytes]:
    """The source of PARSER_MODULES: part of the key of anything kept parsed.

    Read here, not in yamlsource, so that checking a kept entry never imports the parser.
    """
    return [(Path(__file__).parent / name).read_bytes() for name in PARSER_MODULES]
