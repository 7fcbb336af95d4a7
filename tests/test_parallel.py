"""The process helpers give the same answers as doing the work here."""

from __future__ import annotations

import os

from k8scheck import parallel


def test_background_returns_what_the_function_returns_from_another_process():
    pending = parallel.in_background(lambda: (os.getpid(), [n * n for n in range(5)]))
    pid, squares = pending.get()
    assert squares == [0, 1, 4, 9, 16]
    assert pid != os.getpid() or parallel.default_jobs() == 1


def test_parse_all_claims_every_file_once_whatever_the_processes(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    texts = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n" + "x: y\n" * (i % 7) for i in range(60)]
    one = parallel.parse_all(texts, jobs=1)
    two = parallel.parse_all(texts, jobs=2)
    assert [parallel.encode(r) for r in one] == [parallel.encode(r) for r in two]
    assert [r[0][0].value["metadata"]["name"] for r in two] == [f"c{i}" for i in range(60)]


def test_without_processes_everything_is_parsed_here(monkeypatch):
    import multiprocessing

    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")  # a sandbox without semaphores or fork

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(multiprocessing.context.ForkContext, "Value", no_processes)
    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", no_processes)
    texts = [f"kind: ConfigMap\nmetadata:\n  name: c{i}\n" for i in range(5)]
    parsed = parallel.parse_all(texts, jobs=2)
    assert [r[0][0].value["metadata"]["name"] for r in parsed] == [f"c{i}" for i in range(5)]
    assert parallel.in_background(lambda: "here").get() == "here"


def test_each_claim_goes_to_exactly_one_process():
    claims = parallel.Claims(list(range(200)))
    pending = parallel.in_background(lambda: (os.getpid(), list(claims.claimed())))
    here = list(claims.claimed())
    pid, there = pending.get()
    assert sorted(here + there) == list(range(200))
    assert pid != os.getpid() or parallel.default_jobs() == 1


def test_claims_without_shared_memory_all_go_to_the_first_to_ask(monkeypatch):
    import multiprocessing

    def no_shared_memory(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Value", no_shared_memory)
    claims = parallel.Claims(["a", "b", "c"])
    assert list(claims.claimed()) == ["a", "b", "c"]
    assert list(claims.claimed()) == []
