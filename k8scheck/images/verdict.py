"""What a registry (or the image catalog) said about one image, and tag suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..similarity import edit_distance
from .reference import Reference

Status = Literal["found", "not-found", "unauthorized", "unreachable", "error"]


@dataclass(frozen=True)
class ImageVerdict:
    """The answer for one image reference.

    status       found | not-found | unauthorized | unreachable | error
    detail       a sentence for people (never contains credentials)
    digest       the manifest digest the registry reported (found only, when known)
    suggestions  nearest existing tags (not-found with a readable tag list), best first
    requests     network requests made for it (0 when answered by the cache or the catalog)
    tags         a sorted sample of the repository's tags shown in ``detail`` (not-found only)
    """

    status: Status
    detail: str
    digest: str | None = None
    suggestions: list[str] = field(default_factory=list)
    requests: int = 0
    tags: list[str] = field(default_factory=list)


_VERSION_RE = re.compile(r"^([A-Za-z_-]*?)(\d+(?:\.\d+)*)(.*)$")
MAX_SUGGESTIONS = 3
MAX_TAGS_SHOWN = 10


def _version(tag: str) -> tuple[str, tuple[int, ...], str] | None:
    m = _VERSION_RE.match(tag)
    if not m:
        return None
    return m.group(1), tuple(int(p) for p in m.group(2).split(".")), m.group(3)


def tag_sort_key(tag: str) -> tuple:
    v = _version(tag)
    if v is None:
        return (1, tag, (), "")
    prefix, numbers, suffix = v
    return (0, prefix, numbers, suffix)


def suggest_tags(wanted: str, tags: list[str]) -> list[str]:
    """Nearest existing tags to ``wanted``: version neighbours first, then near spellings.

    ``1.3`` among ``1.0 1.1 1.2 1.4 1.5`` -> ``['1.2', '1.4']``;
    ``v10`` among ``v1 v2`` -> ``['v2']``; ``lates`` among ``latest`` -> ``['latest']``.
    """
    tags = [t for t in dict.fromkeys(tags) if isinstance(t, str) and t != wanted]
    out: list[str] = []
    want = _version(wanted)
    if want is not None:
        prefix, numbers, suffix = want
        for same_length in (True, False):
            shaped = []
            for t in tags:
                v = _version(t)
                if v and v[0] == prefix and v[2] == suffix and (len(v[1]) == len(numbers)) == same_length:
                    shaped.append((v[1], t))
            lower = [x for x in shaped if x[0] < numbers]
            higher = [x for x in shaped if x[0] > numbers]
            if lower:
                out.append(max(lower)[1])
            if higher:
                out.append(min(higher)[1])
            if out:
                return out
    limit = max(2, len(wanted) // 3)
    spelled = sorted((edit_distance(wanted, t), t) for t in tags)
    for distance, t in spelled:
        if distance > limit or len(out) >= MAX_SUGGESTIONS:
            break
        if t not in out:
            out.append(t)
    return out[:MAX_SUGGESTIONS]


def tags_sample(wanted: str, tags: list[str], suggestions: list[str]) -> list[str]:
    """At most MAX_TAGS_SHOWN tags, sorted, centred on where ``wanted`` would sit."""
    ordered = sorted(dict.fromkeys(tags), key=tag_sort_key)
    if len(ordered) <= MAX_TAGS_SHOWN:
        return ordered
    keyed = [tag_sort_key(t) for t in ordered]
    position = sum(1 for k in keyed if k < tag_sort_key(wanted))
    start = max(0, min(position - MAX_TAGS_SHOWN // 2, len(ordered) - MAX_TAGS_SHOWN))
    sample = ordered[start : start + MAX_TAGS_SHOWN]
    for s in suggestions:
        if s not in sample:
            sample.append(s)
    return sorted(sample, key=tag_sort_key)


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def not_found_verdict(
    ref: Reference, where: str, tags: list[str] | None, *, requests: int = 0, note: str = ""
) -> ImageVerdict:
    """A not-found verdict whose detail reads like
    ``blux2/hello-server:1.3 does not exist in docker.io (tags there: 1.0, 1.1 — did you mean 1.2 or 1.4?)``.

    ``tags`` is None when the tag list could not be read, [] when the repository has none.
    """
    what = ref.familiar
    if ref.digest is not None:
        suggestions: list[str] = []
        sample: list[str] = []
        extra = ""
    elif tags is None:
        suggestions, sample, extra = [], [], ""
    elif not tags:
        suggestions, sample = [], []
        extra = f" (the repository {ref.short_name} has no tags there)"
    else:
        suggestions = suggest_tags(ref.effective_tag, tags)
        sample = tags_sample(ref.effective_tag, tags, suggestions)
        more = f", … {len(set(tags))} tags in all" if len(set(tags)) > len(sample) else ""
        hint = f" — did you mean {_or_list(suggestions)}?" if suggestions else ""
        extra = f" (tags there: {', '.join(sample)}{more}{hint})"
    detail = f"{what} does not exist in {where}{extra}{note}"
    return ImageVerdict("not-found", detail, None, suggestions, requests, sample)
