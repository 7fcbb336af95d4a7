"""The benchmark corpus is deterministic and its seeded faults are found (correctness only, no timing)."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from k8scheck.engine import lint  # noqa: E402


def test_corpus_is_deterministic_and_faults_are_found(tmp_path):
    first = generate(200, tmp_path / "a", shape="uniform")
    second = generate(200, tmp_path / "b", shape="uniform")
    assert first == second
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert len(files_a) == 200
    assert (tmp_path / "a" / files_a[0]).read_text() == (tmp_path / "b" / files_a[0]).read_text()
    report = lint([str(tmp_path / "a")])
    assert report.objects == 200 * 7
    assert report.errors == []
    implicit = [f for f in report.findings if f.rule == "implicit-type"]
    assert len(implicit) == first.get("unquoted-number", 0)


def test_realistic_corpus_has_findings_in_about_half_the_files(tmp_path):
    counts = generate(200, tmp_path / "a")
    assert counts == generate(200, tmp_path / "b")
    report = lint([str(tmp_path / "a")])
    assert report.objects == 200 * 7 and report.errors == []
    with_findings = {f.location.file for f in report.findings}
    assert len(with_findings) == 200 - counts["none"]
    assert 0.35 < len(with_findings) / 200 < 0.65
    kinds = {m.split("/")[-1] for m in (f.object.kind for f in report.findings if f.object)}
    assert len(kinds) >= 4
    assert len({p.parent.parent.name for p in (tmp_path / "a").rglob("*.yaml")}) >= 10  # namespaces
