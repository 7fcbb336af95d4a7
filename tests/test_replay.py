"""Replay records: a repeated `lint` run is answered from its record only while nothing it read changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from support import count_calls

from k8scheck import engine, replay, runcache

GOOD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  PORT: "8080"\n'
BAD = GOOD.replace('"8080"', "8080")
OTHER_BAD = BAD.replace("settings", "other")
QUIET = "ignore: [implicit-type, schema-type]\n"  # a configuration under which BAD has no finding


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("K8SCHECK_CACHE_DIR", str(directory))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return directory


@pytest.fixture
def repo(tmp_path, monkeypatch):
    directory = tmp_path / "repo"
    (directory / "k8s").mkdir(parents=True)
    monkeypatch.chdir(directory)
    return directory


@pytest.fixture
def later(monkeypatch):
    """Every run starts ten seconds from now: what the test just wrote is old enough to be recorded."""
    real = time.time_ns
    monkeypatch.setattr(replay.time, "time_ns", lambda: real() + 10_000_000_000)


@pytest.fixture
def analyses(monkeypatch):
    """Counts runs that reached the pipeline (not replayed)."""
    return count_calls(monkeypatch, engine, "_lint")


@pytest.fixture
def k8scheck(monkeypatch, capsys, cache):
    """Runs the `k8scheck` command in-process: (exit code, stdout, stderr)."""

    def invoke(*args):
        monkeypatch.setattr(sys, "argv", ["k8scheck", *map(str, args)])
        with pytest.raises(SystemExit) as exited:
            replay.main()
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return invoke


def edit(path, text):
    """Write ``text`` a moment later than the last write (a file system's clock ticks in milliseconds)."""
    time.sleep(0.02)
    path.write_text(text)


def lint(k8scheck, *args):
    return k8scheck("lint", *args, "--format", "json")


def test_an_unchanged_run_is_replayed_with_the_same_output_and_exit_code(repo, later, analyses, k8scheck):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    first = lint(k8scheck, "k8s")
    second = lint(k8scheck, "k8s")
    assert first == second
    assert first[0] == 1 and json.loads(first[1])["findings"]
    assert len(analyses) == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda repo: edit(repo / "k8s" / "cm.yaml", OTHER_BAD), id="input edited"),
        pytest.param(lambda repo: edit(repo / "k8s" / "new.yaml", OTHER_BAD), id="file added to a named directory"),
        pytest.param(lambda repo: edit(repo / "k8s" / "apps" / "new.yaml", OTHER_BAD), id="file added below it"),
        pytest.param(lambda repo: edit(repo / "k8s" / "apps" / "app.yaml", OTHER_BAD), id="file edited below it"),
        pytest.param(lambda repo: (repo / "k8s" / "cm.yaml").unlink(), id="input removed"),
        pytest.param(lambda repo: edit(repo / ".k8scheck.yaml", QUIET), id="config added"),
        pytest.param(lambda repo: (repo / "k8s" / "sub").mkdir(), id="directory added"),
        pytest.param(lambda repo: os.chmod(repo / "k8s" / "cm.yaml", 0o600), id="mode changed"),
    ],
)
def test_any_change_to_what_the_run_read_runs_it_again(repo, later, analyses, k8scheck, change):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    (repo / "k8s" / "apps").mkdir()
    (repo / "k8s" / "apps" / "app.yaml").write_text(GOOD)
    before = lint(k8scheck, "k8s")
    change(repo)
    after = lint(k8scheck, "k8s")
    assert len(analyses) == 2
    assert after == lint(k8scheck, "k8s")  # and the new run is recorded in its turn
    assert len(analyses) == 2
    if before[1] != after[1]:
        return
    # A change that does not change the findings (a mode, an empty directory) still ran the pipeline.
    assert before[0] == after[0]


def test_an_edited_configuration_runs_again(repo, later, analyses, k8scheck):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    (repo / ".k8scheck.yaml").write_text("ignore: []\n")
    assert lint(k8scheck, "k8s")[0] == 1
    edit(repo / ".k8scheck.yaml", QUIET)
    assert lint(k8scheck, "k8s")[0] == 0
    assert len(analyses) == 2


def test_a_configuration_in_a_parent_directory_is_watched(repo, later, analyses, k8scheck, tmp_path):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    assert lint(k8scheck, "k8s")[0] == 1
    edit(tmp_path / "pyproject.toml", "[tool.k8scheck]\nignore = ['implicit-type', 'schema-type']\n")
    assert lint(k8scheck, "k8s")[0] == 0
    assert len(analyses) == 2


def test_an_edited_baseline_runs_again(repo, later, analyses, k8scheck):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    (repo / "baseline.json").write_text('{"findings": []}')
    assert lint(k8scheck, "k8s", "--baseline", "baseline.json")[0] == 1
    code, out, _ = lint(k8scheck, "k8s", "--write-baseline", "recorded.json")
    edit(repo / "baseline.json", (repo / "recorded.json").read_text())
    assert lint(k8scheck, "k8s", "--baseline", "baseline.json")[0] == 0
    assert len(analyses) == 3


def test_a_change_to_k8scheck_itself_runs_again(repo, later, analyses, k8scheck, tmp_path, monkeypatch):
    build = tmp_path / "module.py"
    build.write_text("# one build\n")
    monkeypatch.setattr(runcache, "code_paths", lambda: (str(build),))
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    lint(k8scheck, "k8s")
    lint(k8scheck, "k8s")
    assert len(analyses) == 1
    edit(build, "# another build\n")
    lint(k8scheck, "k8s")
    assert len(analyses) == 2


def test_k8scheck_watches_its_code_rules_and_schemas():
    paths = runcache.code_paths()
    assert replay.__file__ in paths
    assert any(path.endswith(os.path.join("rules", "implicit-type.yaml")) for path in paths)
    assert not any("__pycache__" in path for path in paths)
    import ruamel.yaml

    assert os.path.dirname(ruamel.yaml.__file__) in paths  # a reinstalled parser is another build


def test_other_arguments_or_colour_are_another_run(repo, later, analyses, k8scheck, monkeypatch):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    k8scheck("lint", "k8s", "--color")
    k8scheck("lint", "k8s", "--no-color")
    k8scheck("lint", "k8s", "--color")
    monkeypatch.setenv("NO_COLOR", "1")
    k8scheck("lint", "k8s")
    assert len(analyses) == 3


def test_files_changed_just_before_the_run_leave_no_record(repo, analyses, k8scheck, cache):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    lint(k8scheck, "k8s")
    lint(k8scheck, "k8s")
    assert len(analyses) == 2
    assert not (cache / "replay").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--no-cache"],
        ["--output", "out.json"],
        ["--write-baseline", "recorded.json"],
        ["--ignore", "implicit-type", "--format", "text", "--output=out.txt"],
    ],
)
def test_runs_that_write_files_or_skip_the_cache_are_never_replayed(repo, later, analyses, k8scheck, args):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    k8scheck("lint", "k8s", *args)
    k8scheck("lint", "k8s", *args)
    assert len(analyses) == 2


def test_standard_input_is_never_replayed(repo, later, k8scheck, monkeypatch, cache):
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    k8scheck("lint", "-")
    assert not (cache / "replay").exists()


def test_a_file_below_a_kustomization_is_not_replayed(repo, later, analyses, k8scheck, cache):
    """Whether a kustomization consumes a named file depends on the whole repository."""
    (repo / "kustomization.yaml").write_text("resources: []\n")
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    lint(k8scheck, "k8s/cm.yaml")
    lint(k8scheck, "k8s/cm.yaml")
    assert len(analyses) == 2


def test_stderr_and_stdout_are_replayed_in_their_order(repo, later, analyses, k8scheck):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    (repo / ".k8scheck.yaml").write_text("kube-version: 1.30\n")  # a number: accepted with a warning
    first = k8scheck("lint", "k8s")
    assert "k8scheck: " in first[2]
    assert k8scheck("lint", "k8s") == first
    assert len(analyses) == 1


def test_a_damaged_record_is_a_miss(repo, later, analyses, k8scheck, cache):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    first = lint(k8scheck, "k8s")
    for record in (cache / "replay").iterdir():
        record.write_bytes(b"\x00garbage")
    assert lint(k8scheck, "k8s") == first
    assert len(analyses) == 2


def test_the_installed_command_replays_a_run(tmp_path):
    """End to end, as users run it: the second run prints what the first did, without the pipeline."""
    (tmp_path / "k8s").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "k8s" / "cm.yaml").write_text(BAD)
    time.sleep(2.1)  # the file must be older than the racy window when the run starts
    env = dict(os.environ, K8SCHECK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "k8scheck", "lint", "k8s"]
    records = tmp_path / "cache" / "replay"
    for _attempt in range(3):
        first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
        if records.is_dir() and list(records.iterdir()):
            break
        # Another process changed a watched directory (an ancestor such as /tmp) just before the run,
        # so it left no record, as it must: once that is old enough, the next run records.
        time.sleep(2.1)
    assert list(records.iterdir())
    second = subprocess.run(
        [*command[:1], "-X", "importtime", *command[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout) and first.returncode == 1
    assert "implicit-type" in first.stdout
    assert "click" not in second.stderr  # replayed before the CLI was imported
    reader, writer = os.pipe()
    os.close(reader)  # a reader that went away, as `k8scheck lint k8s | head -0`
    closed = subprocess.run(command, cwd=tmp_path, env=env, stdout=writer, stderr=subprocess.PIPE, text=True)
    os.close(writer)
    assert (closed.returncode, closed.stderr) == (1, "")


def test_the_command_exits_with_the_cli_status_and_its_message(tmp_path):
    """The entry point leaves the process at once: the status and every message are still there."""
    env = dict(os.environ, K8SCHECK_CACHE_DIR=str(tmp_path / "cache"))
    usage = subprocess.run(
        [sys.executable, "-m", "k8scheck", "lint", "--select", "no-such-rule", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert usage.returncode == 2 and "no-such-rule" in usage.stderr
    (tmp_path / "cm.yaml").write_text(GOOD)
    clean = subprocess.run(
        [sys.executable, "-m", "k8scheck", "lint", str(tmp_path / "cm.yaml")], env=env, capture_output=True, text=True
    )
    assert (clean.returncode, clean.stdout) == (0, "No problems found in 1 file (1 object).\n")


@pytest.mark.parametrize("code, status", [(None, 0), (0, 0), (1, 1), (2, 2), (256 + 3, 3), (True, 1), ("bye", 1)])
def test_exit_statuses_are_those_python_gives(code, status, capsys):
    assert replay._exit_status(code) == status
    assert capsys.readouterr().err == ("bye\n" if code == "bye" else "")


@pytest.mark.parametrize("args", [["lint", "--no-cache"], ["lint"], ["simulate"]])
def test_the_entry_point_keeps_what_a_command_parsed_until_the_process_ends(repo, k8scheck, monkeypatch, args):
    """run() ends the process at once, so a command leaves its parsed objects to it instead of freeing them."""
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    kept: list = []
    monkeypatch.setattr(replay, "main", lambda real=replay.main: real(kept))
    k8scheck(*args, "k8s")
    parsed = [
        value
        for entry in kept
        for value in (entry if isinstance(entry, tuple) else (entry,))
        if getattr(value, "manifests", None)
    ]
    assert [m.name for m in parsed[0].manifests] == ["settings"]


def test_a_command_run_in_a_longer_lived_process_keeps_nothing(repo, k8scheck, monkeypatch):
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    seen = []
    real = engine._lint

    def spy(paths, *, settings=None, **kwargs):
        seen.append(settings.retain)
        return real(paths, settings=settings, **kwargs)

    monkeypatch.setattr(engine, "_lint", spy)
    k8scheck("lint", "--no-cache", "k8s")
    assert seen == [None]
