"""The run cache: a warm run answers from the cache, and a stale cache can never hide a finding."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support import count_calls

from k8scheck import engine, runcache
from k8scheck.cli import main

GOOD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  PORT: "8080"\n'
BAD = GOOD.replace('"8080"', "8080")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("K8SCHECK_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        result = CliRunner().invoke(main, ["lint", *map(str, args), "--format", "json"], catch_exceptions=False)
        return result.exit_code, json.loads(result.output)

    return invoke


@pytest.fixture
def parses(monkeypatch):
    """Counts real analyses (cache misses)."""
    return count_calls(monkeypatch, engine, "parse_inputs")


def test_warm_run_is_answered_from_the_cache_with_identical_output(cache, run, parses, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD)
    first = run("cm.yaml")
    second = run("cm.yaml")
    assert first == second and first[0] == 1
    assert len(parses) == 1
    assert list((cache / "runs").glob("*.pickle"))


def test_a_changed_file_is_analysed_again(cache, run, parses, tmp_path):
    (tmp_path / "cm.yaml").write_text(GOOD)
    assert run("cm.yaml")[1]["findings"] == []
    (tmp_path / "cm.yaml").write_text(BAD)
    code, data = run("cm.yaml")
    assert code == 1 and [f["rule"] for f in data["findings"]] == ["implicit-type"]
    assert len(parses) == 2


def test_a_new_file_in_a_directory_is_seen(cache, run, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "a.yaml").write_text(GOOD)
    assert run("k8s")[1]["findings"] == []
    (tmp_path / "k8s" / "b.yaml").write_text(BAD.replace("settings", "other"))
    assert [f["file"] for f in run("k8s")[1]["findings"]] == ["k8s/b.yaml"]


@pytest.mark.parametrize(
    "first,second",
    [
        (["--select", "duplicate-key"], ["--select", "implicit-type"]),
        (["--ignore", "implicit-type"], []),
        (["--kube-version", "1.37"], ["--kube-version", "1.25"]),
        (["--namespace", "a"], ["--namespace", "b"]),
    ],
)
def test_options_are_part_of_the_key(cache, run, parses, tmp_path, first, second):
    (tmp_path / "cm.yaml").write_text(BAD)
    run("cm.yaml", *first)
    run("cm.yaml", *second)
    assert len(parses) == 2


def test_config_file_changes_invalidate(cache, run, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD)
    (tmp_path / ".k8scheck.yaml").write_text("ignore: [implicit-type, schema-type]\n")
    assert run("cm.yaml")[1]["findings"] == []
    (tmp_path / ".k8scheck.yaml").write_text("ignore: [duplicate-key]\n")
    assert [f["rule"] for f in run("cm.yaml")[1]["findings"]] == ["implicit-type"]


def test_a_different_k8scheck_invalidates(cache, run, parses, tmp_path, monkeypatch):
    (tmp_path / "cm.yaml").write_text(BAD)
    run("cm.yaml")
    monkeypatch.setattr(runcache, "code_fingerprint", lambda: b"another build of k8scheck")
    run("cm.yaml")
    assert len(parses) == 2


def test_no_cache_neither_reads_nor_writes(cache, run, parses, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD)
    run("cm.yaml", "--no-cache")
    run("cm.yaml", "--no-cache")
    assert len(parses) == 2
    assert not (cache / "runs").exists() or not list((cache / "runs").glob("*.pickle"))
    assert not (cache / "files").exists()


def test_a_corrupt_entry_is_a_miss(cache, run, parses, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD)
    run("cm.yaml")
    for entry in (cache / "runs").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    code, data = run("cm.yaml")
    assert code == 1 and data["findings"] and len(parses) == 2


@pytest.fixture
def parsed_texts(monkeypatch):
    """The manifest texts really parsed (not taken from the per-file cache)."""
    from k8scheck import yamlsource

    texts = []
    real = yamlsource._read

    def counting(text, *args):
        if text.startswith("apiVersion: v1"):
            texts.append(text)
        return real(text, *args)

    monkeypatch.setattr(yamlsource, "_read", counting)
    return texts


def test_one_changed_file_is_the_only_file_parsed_again(cache, run, parsed_texts, tmp_path):
    for i in range(4):
        (tmp_path / f"cm{i}.yaml").write_text(BAD.replace("settings", f"settings{i}") + "unknownField: 1\n")
    first = run(".")
    assert len(parsed_texts) == 4 and list((cache / "files").rglob("*"))
    (tmp_path / "cm2.yaml").write_text(GOOD.replace("settings", "settings2"))
    second = run(".")
    assert len(parsed_texts) == 5
    assert second == run(".", "--no-cache")  # schema findings of the unchanged files come from the cache, unchanged
    assert len(first[1]["findings"]) == 8 and len(second[1]["findings"]) == 6


def test_a_corrupt_file_entry_is_parsed_again(cache, run, parsed_texts, tmp_path):
    (tmp_path / "cm.yaml").write_text(BAD)
    first = run("cm.yaml")
    for entry in (cache / "files").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"\x00garbage")
    for entry in (cache / "runs").glob("*.pickle"):
        entry.unlink()
    assert run("cm.yaml") == first and len(parsed_texts) == 2


def test_findings_in_context_files_are_never_located(tmp_path, monkeypatch):
    from k8scheck.model import Manifest

    (tmp_path / "context").mkdir()
    (tmp_path / "context" / "cm.yaml").write_text(BAD)
    (tmp_path / "mine.yaml").write_text(BAD.replace("settings", "mine"))
    located = []
    real = Manifest.locate

    def spy(self, *args, **kwargs):
        located.append(self.file)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Manifest, "locate", spy)
    report = engine.lint([str(tmp_path / "mine.yaml")], settings=engine.Settings(context=(str(tmp_path / "context"),)))
    assert [f.location.file for f in report.findings] == [str(tmp_path / "mine.yaml")]
    assert str(tmp_path / "context" / "cm.yaml") not in located


def _age(path, seconds=60):
    """Make ``path`` look written ``seconds`` ago (only its modification time; its change time stays now)."""
    import os
    import time

    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def reads(monkeypatch):
    """The input paths whose bytes were read."""
    from k8scheck import loader

    paths = []
    real = loader.read_text

    def counting(path, *args):
        paths.append(path)
        return real(path, *args)

    monkeypatch.setattr(loader, "read_text", counting)
    return paths


def _settle(monkeypatch):
    """Pretend the files were written long ago: the stat index trusts only settled files."""
    monkeypatch.setattr(runcache.StatIndex, "RACY_SECONDS", 0.0)


def test_an_unchanged_file_is_not_read_again(cache, run, reads, tmp_path, monkeypatch):
    _settle(monkeypatch)
    (tmp_path / "a.yaml").write_text(GOOD.replace("settings", "a"))
    (tmp_path / "b.yaml").write_text(BAD.replace("settings", "b"))
    first = run(".")
    assert sorted(reads) == ["./a.yaml", "./b.yaml"]
    (tmp_path / "b.yaml").write_text(BAD.replace("settings", "b") + "  OTHER: 1\n")
    second = run(".")
    # a.yaml: known by its stat, neither read nor hashed (a finding quoting its text would read it)
    assert reads[2:] == ["./b.yaml"]
    assert [f["file"] for f in first[1]["findings"]] == ["./b.yaml"]
    assert [f["file"] for f in second[1]["findings"]] == ["./b.yaml", "./b.yaml"]
    assert second == run(".", "--no-cache")


def test_same_size_and_mtime_but_new_content_is_still_seen(cache, run, tmp_path, monkeypatch):
    # An editor or checkout that restores the old modification time cannot restore the change time.
    _settle(monkeypatch)
    path = tmp_path / "cm.yaml"
    path.write_text(GOOD)
    _age(path)
    old = path.stat()
    assert run("cm.yaml")[1]["findings"] == []
    path.write_text(GOOD.replace('"8080"', '"9090"').replace("PORT", "PORX").replace('"9090"', " 9090 "))
    assert path.stat().st_size == old.st_size
    import os

    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert [f["rule"] for f in run("cm.yaml")[1]["findings"]] == ["implicit-type"]


def test_a_file_changed_just_now_is_not_trusted_by_its_stat(cache, run, reads, tmp_path):
    (tmp_path / "cm.yaml").write_text(GOOD)  # written now: racy, so never recorded
    run("cm.yaml")
    run("cm.yaml")
    assert reads == ["cm.yaml", "cm.yaml"]


def test_a_damaged_stat_index_reads_every_file(cache, run, reads, tmp_path, monkeypatch):
    _settle(monkeypatch)
    (tmp_path / "cm.yaml").write_text(BAD)
    first = run("cm.yaml")
    (cache / "stat-index").write_bytes(b"\x00not marshal")
    for entry in (cache / "runs").glob("*.pickle"):
        entry.unlink()
    assert run("cm.yaml") == first and reads == ["cm.yaml", "cm.yaml"]


def test_a_file_known_by_its_stat_still_shows_its_code_frame(cache, tmp_path, monkeypatch):
    _settle(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cm.yaml").write_text(BAD)
    first = CliRunner().invoke(main, ["lint", "cm.yaml"])
    for entry in (cache / "runs").glob("*.pickle"):
        entry.unlink()
    second = CliRunner().invoke(main, ["lint", "cm.yaml"])
    assert "PORT: 8080" in second.output and second.output == first.output


def test_context_files_are_read_for_references_but_never_checked_on_their_own(tmp_path, monkeypatch):
    from k8scheck.schema import SchemaValidator

    (tmp_path / "context").mkdir()
    (tmp_path / "context" / "cm.yaml").write_text(BAD.replace("settings", "theirs"))
    (tmp_path / "mine.yaml").write_text(BAD.replace("settings", "mine"))
    validated = []
    real = SchemaValidator.validate

    def spy(self, obj):
        validated.append(obj["metadata"]["name"])
        return real(self, obj)

    monkeypatch.setattr(SchemaValidator, "validate", spy)
    report = engine.lint([str(tmp_path / "mine.yaml")], settings=engine.Settings(context=(str(tmp_path / "context"),)))
    assert validated == ["mine"]
    assert {f.rule for f in report.findings} == {"implicit-type"}


def test_a_warm_run_prints_what_the_cold_run_printed_in_every_format(cache, tmp_path, monkeypatch):
    from k8scheck.report import FORMATS

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cm.yaml").write_bytes(BAD.replace("\n", "\r\n").encode())  # CRLF survives the round trip
    for output_format in FORMATS:
        first = CliRunner().invoke(main, ["lint", "cm.yaml", "--format", output_format])
        second = CliRunner().invoke(main, ["lint", "cm.yaml", "--format", output_format])
        assert second.output == first.output and first.output
    assert len(list((cache / "runs").glob("*.out"))) == len(FORMATS)
