"""An image catalog: the registry contents written down, for air-gapped CI.

``--image-catalog FILE`` answers the image check from a file instead of the
network.  The file is YAML or JSON in one of two shapes:

1. a list of references that exist::

       - blux2/hello-server:1.2
       - registry.example.com:5000/team/api:2.1.0
       - nginx@sha256:0123...cdef          # a digest that exists
       - busybox                           # no tag: means busybox:latest

2. a mapping repository -> list of tags (and/or digests)::

       blux2/hello-server: ["1.0", "1.1", "1.2"]   # quote versions: YAML reads 1.10 as 1.1
       registry.example.com/team/api: [2.1.0, "sha256:0123...cdef"]

Repositories are normalized like image references (``nginx`` is
``docker.io/library/nginx``).  The catalog is authoritative for the
repositories it lists: a tag missing from a listed repository is
``not-found`` (with suggestions from the listed tags).  A repository the
catalog does not list at all is *not* reported as missing; its verdict is
``error`` ("not listed in the image catalog") and becomes image-check-failed.
Catalog answers make no network requests (``requests == 0``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .reference import Reference, parse_reference
from .verdict import ImageVerdict, not_found_verdict


class CatalogError(ValueError):
    """The catalog file cannot be read or does not have one of the two shapes."""


@dataclass
class _Repo:
    tags: set[str] = field(default_factory=set)
    digests: set[str] = field(default_factory=set)


@dataclass
class Catalog:
    source: str
    repos: dict[str, _Repo]

    def verdict(self, ref: Reference) -> ImageVerdict:
        repo = self.repos.get(ref.name)
        if repo is None:
            return ImageVerdict(
                "error",
                f"the image catalog {self.source} does not list the repository {ref.short_name}",
            )
        where, note = ref.registry, f" according to the image catalog {self.source}"
        if ref.digest is not None:
            if ref.digest in repo.digests:
                return ImageVerdict("found", f"{ref.familiar} is in the image catalog {self.source}", ref.digest)
            return not_found_verdict(ref, where, None, note=note)
        if ref.effective_tag in repo.tags:
            return ImageVerdict("found", f"{ref.familiar} is in the image catalog {self.source}")
        return not_found_verdict(ref, where, sorted(repo.tags), note=note)


def _read(path: Path) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read image catalog {path}: {exc}") from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    from ..yamlsource import load_single

    try:
        return load_single(text)
    except ValueError as exc:
        raise CatalogError(f"image catalog {path} is neither JSON nor YAML: {exc}") from None


def _parse_repo_key(key: object, source: str) -> Reference:
    ref = parse_reference(key) if isinstance(key, str) else None
    if not isinstance(ref, Reference):
        raise CatalogError(f"image catalog {source}: {key!r} is not a repository name")
    if ref.tag is not None or ref.digest is not None:
        raise CatalogError(
            f"image catalog {source}: mapping key {key!r} must be a repository without tag; list tags as its value"
        )
    return ref


def load_catalog(path: Path) -> Catalog:
    """Read a catalog file (see the module docstring); raises ``CatalogError``."""
    path = Path(path)
    data = _read(path)
    source = path.name
    repos: dict[str, _Repo] = {}
    if isinstance(data, list):
        for index, item in enumerate(data):
            ref = parse_reference(item) if isinstance(item, str) else None
            if not isinstance(ref, Reference):
                raise CatalogError(f"image catalog {source}: entry {index + 1} ({item!r}) is not an image reference")
            repo = repos.setdefault(ref.name, _Repo())
            if ref.digest is not None:
                repo.digests.add(ref.digest)
                if ref.tag is not None:
                    repo.tags.add(ref.tag)
            else:
                repo.tags.add(ref.effective_tag)
    elif isinstance(data, dict):
        for key, values in data.items():
            ref = _parse_repo_key(key, source)
            repo = repos.setdefault(ref.name, _Repo())
            if values is None:
                values = []
            if not isinstance(values, list):
                raise CatalogError(f"image catalog {source}: the value of {key!r} must be a list of tags")
            for value in values:
                if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, (str, int)):
                    raise CatalogError(
                        f"image catalog {source}: tag {value!r} of {key!r} must be a quoted string "
                        "(YAML reads 1.10 as the number 1.1)"
                    )
                value = str(value)
                if ":" in value:
                    check = parse_reference(f"{ref.short_name}@{value}")
                    if not isinstance(check, Reference):
                        raise CatalogError(f"image catalog {source}: {value!r} of {key!r}: {check.reason}")
                    repo.digests.add(value)
                else:
                    check = parse_reference(f"{ref.short_name}:{value}")
                    if not isinstance(check, Reference):
                        raise CatalogError(f"image catalog {source}: {value!r} of {key!r}: {check.reason}")
                    repo.tags.add(value)
    elif data is None:
        pass
    else:
        raise CatalogError(
            f"image catalog {source} must be a list of references or a mapping repository -> tags, "
            f"not a {type(data).__name__}"
        )
    return Catalog(source, repos)
