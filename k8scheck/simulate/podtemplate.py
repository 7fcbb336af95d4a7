"""Pod-template identity: the hash that names a Deployment's ReplicaSets.

The deployment controller names each ReplicaSet ``<deployment>-<pod-template-hash>``.
Kubernetes hashes the (internal, defaulted) pod template with 32-bit FNV-1a and
turns the decimal form of the hash into a short string with ``SafeEncodeString``
(alphabet ``bcdfghjklmnpqrstvwxz2456789``, one output character per decimal digit),
which is why real hashes look like ``595dff4799``: at most 10 characters, drawn from
``456789bcdf``.

We cannot reproduce the exact value (it depends on Go's in-memory representation of
the defaulted template), so we hash a canonical JSON form of the template instead:
its SHA-256 digest goes through the same FNV-1a/32 function and the same encoding
(FNV over the kilobytes of the text itself, byte by byte in Python, was most of what
``simulate`` spent on 35,000 objects).  Properties:

* deterministic: no use of Python's ``hash()``; independent of PYTHONHASHSEED;
* key order does not matter (canonical JSON sorts keys);
* ``null`` values and empty maps/lists are dropped, the way Kubernetes decoding and
  ``apiequality.Semantic.DeepEqual`` treat them as absent;
* the ``pod-template-hash`` label is ignored (``EqualIgnoreHash`` in deployment_util.go);
* only the template is hashed, so a replicas-only change keeps the name.

Limitation: Kubernetes compares *defaulted* templates; a field written out with its
default value in one manifest and omitted in the other counts as a change here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
POD_TEMPLATE_HASH_LABEL = "pod-template-hash"

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv1a_32(data: bytes) -> int:
    """32-bit FNV-1a of ``data``."""
    h = _FNV32_OFFSET
    for byte in data:
        h ^= byte
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """Map every character to ``SAFE_ALPHABET[ord(c) % 27]`` (k8s rand.SafeEncodeString)."""
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in text)


_SCALARS = frozenset((str, int, float, bool))


def _prune(value: Any) -> Any:
    """Drop None and empty containers; leave scalars as they are."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item.__class__ in _SCALARS:  # most of a template, and nothing to prune (rollouts identify often)
                out[key if key.__class__ is str else str(key)] = item
                continue
            pruned = _prune(item)
            if pruned is None or pruned == {} or pruned == []:
                continue
            out[str(key)] = pruned
        return out
    if isinstance(value, (list, tuple)):
        return [item if item.__class__ in _SCALARS else _prune(item) for item in value]
    return value


def _has_prune_marker(text: str) -> bool:
    # In the JSON of a template that has nothing to prune (no null, no empty mapping or list) and no boolean
    # key, none of these appears; seeing one (even inside a string) means taking the slow path. Keys are
    # strings as the loader decodes them (sigs.k8s.io/yaml's rules); a caller's integer keys would sort as
    # numbers here, deterministically all the same.
    return "null" in text or "{}" in text or "[]" in text or '"true":' in text or '"false":' in text


# No circular-reference bookkeeping (a fifth of the encoding time): a loaded template is a tree (the
# loader refuses an alias inside its own anchor), and a caller's cyclic value still stops with an error.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False)


def canonical_template(template: Any) -> str:
    """The canonical text a template is hashed and compared by."""
    if not isinstance(template, dict):
        template = {} if template is None else {"<invalid>": repr(template)}
    # Most templates have nothing to prune: their JSON (written by json's C encoder) is the canonical text.
    try:
        text = _CANONICAL_JSON.encode(_without_hash_label(template))
    except (TypeError, ValueError):  # a key or value JSON cannot write as it is
        text = None
    if text is not None and not _has_prune_marker(text):
        return text
    return _pruned_text(template)


def _pruned_text(template: dict) -> str:
    """The canonical text, pruned the long way: what the fast path of ``canonical_template`` must agree with."""
    pruned = _prune(template)
    metadata = pruned.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
        labels = {k: v for k, v in metadata["labels"].items() if k != POD_TEMPLATE_HASH_LABEL}
        metadata = dict(metadata)
        if labels:
            metadata["labels"] = labels
        else:
            metadata.pop("labels")
        pruned = dict(pruned)
        if metadata:
            pruned["metadata"] = metadata
        else:
            pruned.pop("metadata")
    return json.dumps(pruned, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)


def _without_hash_label(template: dict) -> dict:
    """``template`` (shallow copies where needed) without the ``pod-template-hash`` label."""
    metadata = template.get("metadata")
    if not isinstance(metadata, dict):
        return template
    labels = metadata.get("labels")
    if not isinstance(labels, dict) or POD_TEMPLATE_HASH_LABEL not in labels:
        return template
    labels = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}
    return {**template, "metadata": {**metadata, "labels": labels}}


def templates_equal(a: Any, b: Any) -> bool:
    """Whether two pod templates are the same for the controller (ignoring the hash label)."""
    return canonical_template(a) == canonical_template(b)


class TemplateIdentity(NamedTuple):
    """A pod template's canonical text (what templates are compared by) and its hash."""

    text: str
    hash: str


def identify(template: Any) -> TemplateIdentity:
    """Canonical text and hash at once: a rollout compares and names the same templates several times."""
    text = canonical_template(template)
    return TemplateIdentity(text, _hash_of(text))


# safe_encode of decimal digits, as one table.
_SAFE_DIGITS = str.maketrans({digit: SAFE_ALPHABET[ord(digit) % len(SAFE_ALPHABET)] for digit in "0123456789"})


def _hash_of(text: str) -> str:
    return str(fnv1a_32(hashlib.sha256(text.encode("utf-8")).digest())).translate(_SAFE_DIGITS)


def template_hash(template: Any, collision_count: int = 0) -> str:
    """A short, stable, k8s-styled hash of a pod template (e.g. ``7c5ddbdf54``).

    ``collision_count`` plays the role of ``status.collisionCount`` (mixed into the hash
    only when non-zero, as Kubernetes does).
    """
    text = canonical_template(template)
    if collision_count:
        text += "#" + str(int(collision_count))
    return _hash_of(text)


def replicaset_name(deployment_name: Any, template: Any) -> str:
    """``<deployment>-<hash>``, the name the controller gives the ReplicaSet of ``template``."""
    return replicaset_name_of(deployment_name, template_hash(template))


def replicaset_name_of(deployment_name: Any, template_hash_text: str) -> str:
    """``<deployment>-<hash>`` for a template whose hash is known."""
    name = deployment_name if isinstance(deployment_name, str) and deployment_name else "deployment"
    return f"{name}-{template_hash_text}"
