"""A rule's documentation, one list of sections rendered three ways.

``k8scheck rule X`` prints ``text(rule)``, the README's rule table is ``table(catalogue)``
(``k8scheck rules --format markdown``) and SARIF rule descriptors take
``sarif_texts(rule)``: ruff's *What it does / Why is this bad / Example / Use instead*,
with the one-sentence remediation, the status and the version the rule appeared in.
"""

from __future__ import annotations

from typing import NamedTuple

from .catalogue import GROUPS, Rule


class Section(NamedTuple):
    """One heading of a rule's documentation; ``code`` is YAML shown verbatim."""

    heading: str
    body: str
    code: bool = False


def title(rule: Rule) -> str:
    return f"{rule.slug} ({rule.severity}; {rule.status} since {rule.since})"


def sections(rule: Rule) -> list[Section]:
    docs = rule.docs
    out = [
        Section("What it does", docs["what"].strip()),
        Section("Why is this bad", docs["why"].strip()),
        Section("How to fix", rule.remediation),
    ]
    if rule.params:
        lines = [f"{name} (default {spec['default']!r}): {spec['description']}" for name, spec in rule.params.items()]
        out.append(Section("Parameters", "\n".join(lines)))
    out.append(Section("Example", docs["example"].rstrip(), code=True))
    out.append(Section("Use instead", docs["fix"].rstrip(), code=True))
    return out


def text(rule: Rule) -> str:
    """``k8scheck rule X``: the title, the summary, then each section indented under its heading."""
    out = [title(rule), "", rule.summary, ""]
    for section in sections(rule):
        out += [section.heading, *("  " + line for line in section.body.splitlines()), ""]
    return "\n".join(out)


def markdown(rule: Rule) -> str:
    """The same sections as Markdown (SARIF ``help.markdown``)."""
    out = [f"**{rule.summary}**", f"_{rule.severity}; {rule.status} since {rule.since}_"]
    for section in sections(rule):
        body = f"```yaml\n{section.body}\n```" if section.code else section.body
        out.append(f"**{section.heading}**\n\n{body}")
    return "\n\n".join(out) + "\n"


def sarif_texts(rule: Rule) -> dict:
    """shortDescription, fullDescription and help of a SARIF reportingDescriptor."""
    docs = rule.docs
    return {
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs["what"].strip()},
        "help": {
            "text": f"{docs['what'].strip()} {docs['why'].strip()} {rule.remediation}",
            "markdown": markdown(rule),
        },
    }


def table(catalogue: dict[str, Rule]) -> str:
    """The README's rule table: one row per rule (groups off by default are marked)."""
    rows = ["| rule | group | severity | status | finds |", "|---|---|---|---|---|"]
    for slug, rule in catalogue.items():
        group = rule.group if GROUPS[rule.group].on_by_default else f"{rule.group} (off by default)"
        rows.append(f"| `{slug}` | {group} | {rule.severity} | {rule.status} | {rule.summary} |")
    return "\n".join(rows) + "\n"
