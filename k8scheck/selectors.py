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
