"""Image-reference checks.

Static (offline, always on):
    parse_reference(s) -> Reference | ReferenceError
    image_problems(obj) -> list[Problem]      image-reference-invalid, image-tag-missing, image-tag-latest

Registry (opt-in, ``--check-images`` / ``--image-catalog FILE``):
    check_images(references, *, cache_path, ...) -> dict[str, ImageVerdict]
    registry_problems(obj, verdicts) -> list[Problem]   image-not-found, image-check-failed

See README.md in this directory.
"""

from .catalog import CatalogError, load_catalog
from .reference import Reference, ReferenceError, parse_reference
from .registry import check_images, default_docker_config
from .rules import container_images, image_problems, image_references, registry_problems
from .verdict import ImageVerdict, suggest_tags

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
