"""Label selectors, as the API server and the controllers evaluate them."""

from __future__ import annotations


def _str_map(value) -> dict:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def label_selector_matches(selector, labels: dict) -> bool | None:
    """Does a LabelSelector (matchLabels + matchExpressions) select these labels?

    None when the selector is malformed (another rule reports that).
    """
    if not isinstance(selector, dict):
        return None
    labels = labels if isinstance(labels, dict) else {}
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return None
    for key, value in match_labels.items():
        if labels.get(key) != value:
            return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return None
    for expression in expressions:
        if not isinstance(expression, dict):
            return None
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        if not isinstance(values, list):
            return None
        present = key in labels
        if operator == "In":
            if not present or labels[key] not in values:
                return False
        elif operator == "NotIn":
            if present and labels[key] in values:
                return False
        elif operator == "Exists":
            if not present:
                return False
        elif operator == "DoesNotExist":
            if present:
                return False
        else:
            return None
    return True


def is_empty_selector(selector) -> bool:
    return not isinstance(selector, dict) or (not selector.get("matchLabels") and not selector.get("matchExpressions"))


def map_selector_matches(selector, labels) -> bool:
    """A Service-style selector (a plain map): every key must be present and equal."""
    labels = labels if isinstance(labels, dict) else {}
    return all(labels.get(key) == value for key, value in _str_map(selector).items())


def format_labels(labels: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items())


class SelectorIndex:
    """Find which of many selectors can match a label set without trying them all.

    Each selector is filed under one of its required key=value pairs (matchLabels or a
    single-value In); selectors with none (only Exists/NotIn...) are always candidates.
    Candidates are then evaluated exactly, so the index only prunes.
    """

    def __init__(self):
        self._by_pair: dict = {}
        self._always: dict = {}

    def add(self, namespace, selector, item, map_style: bool = False) -> None:
        pair = _anchor_pair(selector, map_style)
        if pair is None:
            self._always.setdefault(namespace, []).append((selector, item, map_style))
        else:
            self._by_pair.setdefault((namespace, *pair), []).append((selector, item, map_style))

    def matching(self, namespace, labels: dict) -> list:
        """Items whose selector selects ``labels`` in ``namespace``, in insertion order per bucket."""
        labels = labels if isinstance(labels, dict) else {}
        candidates = list(self._always.get(namespace, ()))
        for key, value in labels.items():
            if isinstance(value, str):
                candidates += self._by_pair.get((namespace, key, value), ())
        out = []
        for selector, item, map_style in candidates:
            ok = map_selector_matches(selector, labels) if map_style else label_selector_matches(selector, labels) is True
            if ok:
                out.append(item)
        return out


def _anchor_pair(selector, map_style):
    if not isinstance(selector, dict):
        return None
    pairs = selector if map_style else (selector.get("matchLabels") if isinstance(selector.get("matchLabels"), dict) else {})
    for key, value in pairs.items():
        if isinstance(value, str):
            return key, value
    if not map_style:
        for expression in selector.get("matchExpressions") or []:
            if isinstance(expression, dict) and expression.get("operator") == "In" and isinstance(expression.get("values"), list) and len(expression["values"]) == 1 and isinstance(expression["values"][0], str):
                return expression.get("key"), expression["values"][0]
    return None
