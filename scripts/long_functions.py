"""List the functions of k8scheck/ longer than a limit (lines from ``def`` to the last line).

    python scripts/long_functions.py [--limit 80] [paths...]

A function that needs a scroll has several jobs: split it by hop, by pass, by phase.
tests/test_long_functions.py holds the package to an allowance.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 80


def function_lengths(paths=None):
    """(lines, "file:line name") for every function and method, longest first."""
    files = sorted(Path(p) for p in paths) if paths else sorted((ROOT / "k8scheck").rglob("*.py"))
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append((node.end_lineno - node.lineno + 1, f"{where}:{node.lineno} {node.name}"))
    return sorted(found, key=lambda item: (-item[0], item[1]))


def long_functions(limit: int = LIMIT, paths=None):
    return [(length, where) for length, where in function_lengths(paths) if length > limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    for length, where in long_functions(args.limit, args.paths or None):
        print(f"{length:5d}  {where}")


if __name__ == "__main__":
    main()
