"""Image-reference checks.

Static (offline, always on):
    parse_reference(s) -> Reference | ReferenceError
    image_problems(obj) -> list[Problem]      image-reference-invalid, image-tag-missing, image-tag-latest

Registry (opt-in, ``--check-images`` / ``--image-catalog FILE``):
    check_images(references, *, cache_path, ...) -> dict[str, ImageVerdict]
    registry_problems(obj, verdicts) -> list[Problem]   image-not-found, image-check-failed

See README.md in this directory.
"""

from __future__ import annotations

from pathlib import Path

from .catalog import CatalogError, load_catalog
from .reference import Reference, ReferenceError, parse_reference
from .rules import container_images, image_problems, image_references, registry_problems
from .verdict import ImageVerdict, suggest_tags

# The registry client (urllib, ssl, http.client: some 25 ms to import) is loaded
# only by the runs that look images up, not by every run that checks references.


def check_images(references, **options) -> dict[str, ImageVerdict]:
    """Verdicts for every distinct image string: see ``registry.check_images``."""
    from .registry import check_images as look_up

    return look_up(references, **options)


def default_docker_config() -> Path | None:
    """``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json`` when it exists."""
    from .registry import default_docker_config as find

    return find()


__all__ = [
    "CatalogError",
    "ImageVerdict",
    "Reference",
    "ReferenceError",
    "check_images",
    "container_images",
    "default_docker_config",
    "image_problems",
    "image_references",
    "load_catalog",
    "parse_reference",
    "registry_problems",
    "suggest_tags",
]
