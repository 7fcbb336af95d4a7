"""Small functions, enforced: at most ALLOWANCE functions in k8scheck/ are longer than the limit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "long_functions.py"
ALLOWANCE = 1  # issue 19: at most one function over 80 lines


def _script():
    spec = importlib.util.spec_from_file_location("long_functions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_at_most_one_function_is_longer_than_80_lines():
    script = _script()
    offenders = script.long_functions(script.LIMIT)
    listing = "\n".join(f"{length:5d}  {where}" for length, where in offenders)
    assert len(offenders) <= ALLOWANCE, f"functions over {script.LIMIT} lines (split by hop, pass or phase):\n{listing}"


def test_the_script_measures_from_def_to_last_line(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "def short():\n    return 1\n\n\ndef longer(x):\n    y = x\n    z = y\n    return z\n", encoding="utf-8"
    )
    lengths = dict((where.split()[-1], length) for length, where in _script().function_lengths([source]))
    assert lengths == {"short": 2, "longer": 4}
