"""Render a kustomization with `kustomize build` or `kubectl kustomize`, keeping origins.

The directory is rendered through a throw-away overlay that adds
`buildMetadata: [originAnnotations]`, so every rendered object says which file it
came from; findings then point into that file (a field kustomize added points at
its nearest written ancestor there).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile

from . import render as render_module
from .layout import shown_path

ORIGIN = "config.kubernetes.io/origin"

RenderError = render_module.RenderError


def renderer() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render(directory: str, max_output: int = 64 * 1024 * 1024, allow_remote: bool = False) -> tuple[str, str]:
    """(rendered YAML, the overlay directory origins are relative to)."""
    command = renderer()
    if command is None:
        raise RenderError(
            f"{directory} is a kustomization, and neither kustomize nor kubectl is on PATH to render it; "
            "install one of them, or pipe `kustomize build` into `k8scheck lint -`"
        )
    overlay = tempfile.mkdtemp(prefix="k8scheck-kustomize-")
    try:
        target = os.path.relpath(os.path.abspath(directory), overlay)
        with open(os.path.join(overlay, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            handle.write(f"resources:\n- {target}\nbuildMetadata: [originAnnotations]\n")
        return render_module.run(command + [overlay], directory, max_output, allow_remote), overlay
    except RenderError as exc:
        raise RenderError(_without_wrapper(str(exc))) from None
    finally:
        shutil.rmtree(overlay, ignore_errors=True)


# The layer kustomize adds for the wrapper kustomization above (it first tries the target as a file).
_WRAPPER_LAYER = re.compile(
    r"accumulating resources: accumulation err='accumulating resources from '[^']*': "
    r"'([^']*)' must resolve to a file': recursed accumulation of path '\1': "
)


def _without_wrapper(message: str) -> str:
    """A render failure as rendering the directory itself reports it, without the wrapper's layer."""
    return _WRAPPER_LAYER.sub("", message, count=1)


def origin_path(annotation, overlay: str) -> str | None:
    """The source file an originAnnotations entry names, as a path for people."""
    if not isinstance(annotation, str):
        return None
    for line in annotation.splitlines():
        if line.startswith("path:"):
            relative = line.split(":", 1)[1].strip()
            return shown_path(os.path.normpath(os.path.join(overlay, relative)))
    return None
