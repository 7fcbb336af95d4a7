"""Where k8scheck keeps its caches: $K8SCHECK_CACHE_DIR, else the user cache directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path


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
