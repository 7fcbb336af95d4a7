"""Container image references, parsed the way the kubelet parses them.

The kubelet normalizes every ``image:`` through the distribution reference
grammar before it pulls; a string that does not parse never reaches a registry
and the container sits in ``InvalidImageName``.  This module implements that
grammar (written from the published grammar, not ported):

    reference   := name [":" tag] ["@" digest]
    name        := [domain "/"] path
    domain      := host [":" port]            host: dns-ish components or [IPv6]
    path        := component ("/" component)*
    component   := [a-z0-9]+ (separator [a-z0-9]+)*   separator: "." "_" "__" "-"+
    tag         := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    digest      := algorithm ":" hex

Normalization (what ``docker pull`` and the kubelet do):

- the first path segment is a registry host when it contains ``.`` or ``:``,
  is ``localhost``, or contains an uppercase letter (the real parser treats
  ``MyHost/app`` as host ``MyHost``); otherwise the registry is ``docker.io``;
- on ``docker.io`` a single-segment repository gets the ``library/`` prefix;
- the whole normalized name is at most 255 characters;
- the digest algorithm must be one the runtime knows (sha256, sha384, sha512)
  with the matching number of lowercase hex digits.

``parse_reference`` never raises: it returns a ``Reference`` or a
``ReferenceError`` that says which part is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_REGISTRY = "docker.io"
LEGACY_REGISTRY = "index.docker.io"
OFFICIAL_PREFIX = "library/"
NAME_MAX = 255
TAG_MAX = 128

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|-+)"
_COMPONENT_RE = re.compile(rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*\Z")
_HOST_LABEL_RE = re.compile(r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\Z")
_IPV6_RE = re.compile(r"\[[0-9A-Fa-f:.]+\]\Z")
_PORT_RE = re.compile(r"[0-9]+\Z")
# \w in Go's regexp is ASCII only; spell it out so Python's Unicode \w does not widen it.
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
_DIGEST_ALGO_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*\Z")
_DIGEST_HEX_RE = re.compile(r"[0-9a-fA-F]{32,}\Z")
_KNOWN_DIGESTS = {"sha256": 64, "sha384": 96, "sha512": 128}
_BARE_ID_RE = re.compile(r"[a-f0-9]{64}\Z")


@dataclass(frozen=True)
class Reference:
    """A parsed, normalized image reference.

    ``registry`` is the host as written (``docker.io`` when none was written),
    ``repository`` the normalized path (``library/nginx``), ``tag`` and
    ``digest`` are ``None`` when absent, ``familiar`` is the string as the user
    wrote it.
    """

    registry: str
    repository: str
    tag: str | None
    digest: str | None
    familiar: str

    @property
    def name(self) -> str:
        """``registry/repository`` (``docker.io/library/nginx``)."""
        return f"{self.registry}/{self.repository}"

    @property
    def short_name(self) -> str:
        """The repository as people write it (``nginx``, ``blux2/hello-server``, ``ghcr.io/x/y``)."""
        if self.registry == DEFAULT_REGISTRY:
            if self.repository.startswith(OFFICIAL_PREFIX) and self.repository.count("/") == 1:
                return self.repository[len(OFFICIAL_PREFIX) :]
            return self.repository
        return self.name

    @property
    def canonical(self) -> str:
        """Fully qualified: ``docker.io/library/nginx:1.25`` (``:latest`` when untagged)."""
        out = self.name
        if self.tag is not None:
            out += f":{self.tag}"
        elif self.digest is None:
            out += ":latest"
        if self.digest is not None:
            out += f"@{self.digest}"
        return out

    @property
    def effective_tag(self) -> str:
        """The tag the runtime resolves: the written one, or ``latest``."""
        return self.tag if self.tag is not None else "latest"


@dataclass(frozen=True)
class ReferenceError:
    """Why a string is not an image reference.

    ``part`` names the offending part (``repository``, ``tag``, ``digest``,
    ``registry``, ``whitespace``, ``empty``, ``length``); ``reason`` is a
    sentence for people.
    """

    familiar: str
    part: str
    reason: str

    def __bool__(self) -> bool:  # lets callers write ``if not ref``
        return False


def _host_problem(host: str) -> str | None:
    """None when ``host`` (with optional port) is a valid registry host."""
    if host.startswith("["):
        end = host.find("]")
        if end == -1:
            return f"registry host {host!r} opens '[' for an IPv6 address but never closes it"
        literal, rest = host[: end + 1], host[end + 1 :]
        if not _IPV6_RE.match(literal):
            return f"registry host {literal!r} is not an IPv6 address"
        if rest and not (rest.startswith(":") and _PORT_RE.match(rest[1:])):
            return f"registry host {host!r} has a malformed port"
        return None
    name, sep, port = host.partition(":")
    if sep and not _PORT_RE.match(port):
        return f"registry port {port!r} in {host!r} is not a number"
    if not name:
        return f"registry host {host!r} has no name before the port"
    for label in name.split("."):
        if not _HOST_LABEL_RE.match(label):
            return (
                f"registry host {name!r} has an invalid part {label!r} "
                "(letters, digits and inner '-' only, separated by '.')"
            )
    return None


def _component_problem(component: str, repository: str) -> str | None:
    if _COMPONENT_RE.match(component):
        return None
    if not component:
        return f"repository {repository!r} has an empty path segment (a doubled or trailing '/')"
    if component.lower() != component and _COMPONENT_RE.match(component.lower()):
        return f"repository name {repository!r} must be lowercase (segment {component!r})"
    bad = sorted({ch for ch in component if not (ch.islower() or ch.isdigit() or ch in "._-")})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        return f"repository segment {component!r} contains {shown} (only a-z, 0-9 and '.', '_', '__', '-' between them)"
    return (
        f"repository segment {component!r} must start and end with a letter or digit "
        "and may not have '.' or '_' doubled (except '__')"
    )


def _digest_problem(digest: str) -> str | None:
    algo, sep, hexpart = digest.partition(":")
    if not sep:
        return f"digest {digest!r} must be 'algorithm:hex', e.g. sha256:<64 hex digits>"
    if not _DIGEST_ALGO_RE.match(algo):
        return f"digest algorithm {algo!r} is malformed"
    if not _DIGEST_HEX_RE.match(hexpart):
        return f"digest {digest!r} must have at least 32 hex digits after '{algo}:'"
    want = _KNOWN_DIGESTS.get(algo)
    if want is None:
        return f"digest algorithm {algo!r} is not supported (use sha256, sha384 or sha512)"
    if len(hexpart) != want or hexpart.lower() != hexpart:
        return f"a {algo} digest has exactly {want} lowercase hex digits; {digest!r} has {len(hexpart)}" + (
            "" if hexpart.lower() == hexpart else " and uppercase letters"
        )
    return None


def _tag_problem(tag: str) -> str | None:
    """Why a tag (the text after ':') is not one, or None."""
    if not tag:
        return "tag after ':' is empty"
    if len(tag) > TAG_MAX:
        return f"tag is {len(tag)} characters long; the limit is {TAG_MAX}"
    if not _TAG_RE.match(tag):
        bad = sorted({ch for ch in tag if not (ch.isascii() and (ch.isalnum() or ch in "_.-"))})
        if bad:
            shown = ", ".join(repr(ch) for ch in bad)
            return f"tag {tag!r} contains {shown} (only letters, digits, '_', '.', '-')"
        return f"tag {tag!r} must start with a letter, digit or '_'"
    return None


def parse_reference(s: object) -> Reference | ReferenceError:
    """Parse and normalize an image reference; never raises.

    >>> parse_reference("blux2/hello-server:1.3").canonical
    'docker.io/blux2/hello-server:1.3'
    >>> parse_reference("nginx").repository
    'library/nginx'
    >>> parse_reference("Nginx").part
    'repository'
    """
    if not isinstance(s, str):
        return ReferenceError(repr(s), "empty", f"image must be a string, got {type(s).__name__}")
    familiar = s
    if not s:
        return ReferenceError(familiar, "empty", "image is empty")
    if s.strip() != s:
        return ReferenceError(familiar, "whitespace", "image has leading or trailing whitespace")
    if any(ch.isspace() for ch in s):
        return ReferenceError(familiar, "whitespace", "image contains whitespace")

    rest, at, after_at = s.partition("@")
    digest: str | None = None
    if at:
        if "@" in after_at:
            return ReferenceError(familiar, "digest", "image has more than one '@'")
        problem = _digest_problem(after_at)
        if problem:
            return ReferenceError(familiar, "digest", problem)
        digest = after_at

    # A ':' after the last '/' starts the tag; one before it belongs to a host port.
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag: str | None = None
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        problem = _tag_problem(tag)
        if problem:
            return ReferenceError(familiar, "tag", problem)

    if not rest:
        return ReferenceError(familiar, "repository", "image has no repository name")
    if _BARE_ID_RE.match(rest) and tag is None and digest is None:
        return ReferenceError(
            familiar, "repository", "a 64-hex-digit string is an image ID, not a name; write repository@sha256:<id>"
        )

    first, has_slash, remainder = rest.partition("/")
    if has_slash and (
        "." in first or ":" in first or first == "localhost" or first.startswith("[") or first.lower() != first
    ):
        registry = first
        problem = _host_problem(registry)
        if problem:
            return ReferenceError(familiar, "registry", problem)
        repository = remainder
    else:
        registry = DEFAULT_REGISTRY
        repository = rest
    if registry == LEGACY_REGISTRY:
        registry = DEFAULT_REGISTRY

    if not repository:
        return ReferenceError(familiar, "repository", f"registry {registry!r} is followed by no repository path")
    for component in repository.split("/"):
        problem = _component_problem(component, repository)
        if problem:
            return ReferenceError(familiar, "repository", problem)

    if registry == DEFAULT_REGISTRY and "/" not in repository:
        repository = OFFICIAL_PREFIX + repository
    if len(registry) + 1 + len(repository) > NAME_MAX:
        return ReferenceError(
            familiar, "length", f"repository name is longer than {NAME_MAX} characters once normalized"
        )
    return Reference(registry=registry, repository=repository, tag=tag, digest=digest, familiar=familiar)


def is_digest_pinned(ref: Reference) -> bool:
    return ref.digest is not None
