"""Helpers shared by the tests: run the pipeline the way the CLI does."""

from __future__ import annotations

from pathlib import Path

from k8scheck.context import Options
from k8scheck.engine import lint


def lint_paths(paths, select=(), **option_values):
    return lint([str(p) for p in paths], options=Options(**option_values), select=select)


def lint_text(tmp_path: Path, text: str, select=(), name="manifest.yaml", **option_values):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_paths([path], select=select, **option_values)


def custom_resource_definition(kind: str, plural: str, spec_schema: dict, *, group="example.com", more_versions=()):
    """A namespaced CustomResourceDefinition whose served, stored v1 checks ``spec`` against ``spec_schema``."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"kind": kind, "plural": plural},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": spec_schema}}},
                },
                *more_versions,
            ],
        },
    }


def count_calls(monkeypatch, owner, name: str) -> list:
    """Patch ``owner.name`` to record each call (one entry per call) and go on to the real function."""
    calls: list = []
    real = getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls
