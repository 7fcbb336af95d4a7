"""Run CI steps the way their runners do, offline: action.yml's composite steps and shell scripts.

GitHub runs a composite step `shell: bash` as `bash --noprofile --norc -eo pipefail
FILE`, with `${{ }}` expressions replaced before the script runs and the step's
`env:` in the environment; a step that exits non-zero ends the job. Only the
expressions action.yml and the README's workflow use are known here (inputs.*,
github.action_path, steps.*.outputs.*); any other one fails the test.

pip reaches no index: installs resolve from the wheelhouse `.ci/run` builds
(`python3 -m pip wheel -w .ci/wheelhouse . hatchling`).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from conftest import ROOT
from ruamel.yaml import YAML

WHEELHOUSE = ROOT / ".ci" / "wheelhouse"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_yaml(text: str):
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def wheelhouse_ready() -> bool:
    return any(WHEELHOUSE.glob("k8scheck_lint-*.whl")) and any(WHEELHOUSE.glob("hatchling-*.whl"))


def offline_pip_env() -> dict:
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def substitute(text: str, context: dict) -> str:
    def value(match):
        name = match.group(1)
        if name not in context:
            raise AssertionError(f"expression ${{{{ {name} }}}} is not known to the test runner")
        return str(context[name])

    return EXPRESSION.sub(value, text)


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: dict = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list
    outputs: dict

    @property
    def returncode(self) -> int:
        return self.steps[-1].returncode

    @property
    def stdout(self) -> str:
        return "".join(step.stdout for step in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(step.stderr for step in self.steps)


def run_bash(script: str, *, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    script_file = Path(env["RUNNER_TEMP"]) / "step.sh"
    script_file.write_text(script, encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def runner_env(runner_temp: Path, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    env.update(offline_pip_env())
    env.update(RUNNER_TEMP=str(runner_temp), GITHUB_ACTIONS="true")
    env.update(extra or {})
    return env


def run_action(
    action: dict, with_inputs: dict, *, workspace: Path, runner_temp: Path, skip_steps=(), env=None
) -> ActionRun:
    """Run the composite action's steps in order (stopping at the first failure) and resolve its outputs."""
    declared = action.get("inputs", {})
    unknown = set(with_inputs) - set(declared)
    assert not unknown, f"inputs not declared in action.yml: {sorted(unknown)}"
    inputs = {name: spec.get("default", "") for name, spec in declared.items()}
    inputs.update({k: "" if v is None else str(v) for k, v in with_inputs.items()})
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    context["github.action_path"] = str(ROOT)
    runs = []
    step_outputs: dict = {}
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("id", "?"))
        if name in skip_steps:
            continue
        assert step.get("shell") == "bash", f"step {name!r}: only bash steps are run here"
        output_file = runner_temp / "github_output"
        output_file.write_text("")
        step_env = runner_env(
            runner_temp, {"GITHUB_OUTPUT": str(output_file), "GITHUB_WORKSPACE": str(workspace), **(env or {})}
        )
        step_env.update({k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()})
        done = run_bash(substitute(step["run"], context), cwd=workspace, env=step_env)
        outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        runs.append(StepRun(name, done.returncode, done.stdout, done.stderr, outputs))
        if "id" in step:
            for key, value in outputs.items():
                step_outputs[f"steps.{step['id']}.outputs.{key}"] = value
        if done.returncode != 0:
            break
    context.update(step_outputs)
    resolved = {}
    for key, spec in (action.get("outputs") or {}).items():
        try:
            resolved[key] = substitute(spec["value"], context)
        except AssertionError:
            resolved[key] = None
    return ActionRun(runs, resolved)


def load_action() -> dict:
    return load_yaml((ROOT / "action.yml").read_text(encoding="utf-8"))


_INSTALLED: dict = {}


def installed_action_runner_temp() -> Path:
    """RUNNER_TEMP after action.yml's install step ran once per session (shared by the action and README tests)."""
    if "temp" not in _INSTALLED:
        import atexit
        import shutil
        import tempfile

        temp = Path(tempfile.mkdtemp(prefix="k8scheck-runner-temp-"))
        atexit.register(shutil.rmtree, temp, True)
        workspace = temp / "install-workspace"
        workspace.mkdir()
        # The `python` input, with one change for speed: its virtualenv sees this
        # interpreter's packages, so pip installs k8scheck itself (built from the
        # checkout) and no dependency. A clean install of every dependency from the
        # wheelhouse is what the pre-commit tests do.
        python = temp / "python-with-system-site-packages"
        python.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = -m ] && [ "$2" = venv ]; then shift 2; exec "{sys.executable}" -m venv '
            '--system-site-packages "$@"; fi\n'
            f'exec "{sys.executable}" "$@"\n'
        )
        python.chmod(0o755)
        done = run_action(
            load_action(), {"python": str(python)}, workspace=workspace, runner_temp=temp, skip_steps=("k8scheck lint",)
        )
        (install,) = done.steps
        assert install.returncode == 0, install.stdout + install.stderr
        assert install.stdout.strip().startswith("k8scheck, version "), install.stdout
        _INSTALLED["temp"] = temp
    return _INSTALLED["temp"]
