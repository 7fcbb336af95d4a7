"""Installed data (k8scheck.cachedir.installed_data): values computed from what is
installed, kept in the cache directory. A kept value equals a fresh one, and a
damaged or unreachable cache costs time, never a wrong answer."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from k8scheck import cachedir
from k8scheck.schema import bundle


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("K8SCHECK_CACHE_DIR", str(directory))
    return directory


def _api_history():
    bundle.kubernetes_api_history.cache_clear()
    return bundle.kubernetes_api_history()


def test_the_kept_api_history_equals_the_computed_one(cache):
    computed = bundle._decode_api_history(bundle._compute_api_history())
    assert _api_history() == computed  # computed and written
    assert (cache / "installed" / "api-history.pickle").is_file()
    assert _api_history() == computed  # read back


def test_the_api_history_is_read_from_the_cache_on_a_hit(cache, monkeypatch):
    _api_history()
    monkeypatch.setattr(bundle, "_gvks_of_version", lambda version: pytest.fail("computed again"))
    assert ("apps/v1", "Deployment") in _api_history()


def _read(entry):
    return pickle.loads(entry.read_bytes())


def _write(entry, kept):
    entry.write_bytes(pickle.dumps(kept))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: b"",
        lambda data: b"\xff\xfe not a pickle",
        lambda data: pickle.dumps({"key": pickle.loads(data)["key"], "value": [["v1", "Pod"]]}),
        lambda data: pickle.dumps({"key": pickle.loads(data)["key"], "value": [["v1", "Pod", "1.30"]]}),
        lambda data: pickle.dumps({"key": pickle.loads(data)["key"], "value": {"v1": 1}}),
        lambda data: pickle.dumps({"key": pickle.loads(data)["key"]}),
        lambda data: pickle.dumps([1, 2]),
        # names a function: refused without calling anything
        lambda data: pickle.dumps({"key": pickle.loads(data)["key"], "value": os.getcwd}),
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(cache, damage):
    expected = _api_history()
    entry = cache / "installed" / "api-history.pickle"
    entry.write_bytes(damage(entry.read_bytes()))
    assert _api_history() == expected
    key = bundle._installed_key("api-history", bundle.bundled_versions())
    assert _read(entry)["key"] == key


def test_an_entry_under_another_key_is_a_miss(cache):
    expected = _api_history()
    entry = cache / "installed" / "api-history.pickle"
    _write(entry, {"key": "other", "value": [["v1", "Pod", []]]})
    assert _api_history() == expected


def test_an_unusable_cache_directory_costs_only_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("K8SCHECK_CACHE_DIR", str(blocker / "cache"))
    assert ("apps/v1", "Deployment") in _api_history()


def test_the_key_changes_with_what_the_value_depends_on():
    assert cachedir.digest(["ab", "c"]) != cachedir.digest(["a", "bc"])
    assert cachedir.digest([b"x"]) == cachedir.digest(["x"])


def _catalogue():
    from k8scheck import catalogue

    catalogue.load_catalogue.cache_clear()
    return catalogue.load_catalogue()


def _parsed_catalogue(monkeypatch):
    """The catalogue as parsed from the rule files, never through the cache."""
    from k8scheck import catalogue

    with monkeypatch.context() as patch:
        patch.setattr(cachedir, "installed_data", lambda name, key, compute, decode: decode(compute()))
        catalogue.load_catalogue.cache_clear()
        parsed = catalogue.load_catalogue()
    catalogue.load_catalogue.cache_clear()
    return parsed


def test_the_kept_rule_catalogue_equals_the_parsed_one(cache, monkeypatch):
    parsed = _parsed_catalogue(monkeypatch)
    assert _catalogue() == parsed  # parsed and written
    assert (cache / "installed" / "rule-catalogue.pickle").is_file()
    assert _catalogue() == parsed  # read back
    assert list(_catalogue()) == list(parsed)


def test_a_damaged_catalogue_entry_is_a_miss(cache, monkeypatch):
    parsed = _parsed_catalogue(monkeypatch)
    _catalogue()
    entry = cache / "installed" / "rule-catalogue.pickle"
    kept = _read(entry)
    kept["value"][0][1] = {"slug": "not-this-file"}
    _write(entry, kept)
    assert _catalogue() == parsed


@pytest.mark.parametrize(
    "path", sorted((Path(cachedir.__file__).parent / "data").glob("*.yaml")), ids=lambda path: path.name
)
def test_a_kept_data_file_equals_the_parsed_one(cache, path):
    from k8scheck.yamlsource import load_data_file, load_single

    parsed = load_single(path.read_text(encoding="utf-8"))
    assert load_data_file(path) == parsed  # parsed and written
    assert (cache / "installed" / f"data-{path.stem}.pickle").is_file()
    assert load_data_file(path) == parsed  # read back


def _prepared(version):
    bundle._prepared.cache_clear()
    return bundle._prepared(version)


def test_the_kept_definitions_equal_the_prepared_document(cache):
    version = bundle.newest_version()
    document = bundle.load_definitions(version)
    for prepared in (_prepared(version), _prepared(version)):  # computed and written, then read back
        assert prepared.gvks == bundle._gvk_index_of(document)
        for name, schema in document["$defs"].items():
            assert prepared.definitions.get(name) == schema
        assert prepared.definitions.get("io.k8s.api.core.v1.NoSuchThing") is None
    assert (cache / "installed" / f"definitions-{version}.pickle").is_file()


def test_a_damaged_definitions_entry_is_a_miss(cache):
    version = bundle.newest_version()
    expected = _prepared(version).gvks
    entry = cache / "installed" / f"definitions-{version}.pickle"
    kept = _read(entry)
    kept["value"]["definitions"] = {}
    _write(entry, kept)
    prepared = _prepared(version)
    assert prepared.gvks == expected
    assert prepared.definitions.get(expected[("apps/v1", "Deployment")]) is not None


def test_an_entry_naming_code_is_refused_before_anything_runs(cache):
    import io

    with pytest.raises(pickle.UnpicklingError):
        cachedir._PlainData(io.BytesIO(pickle.dumps({"key": "k", "value": os.getcwd}))).load()
    assert cachedir._PlainData(io.BytesIO(pickle.dumps({"key": "k", "value": [("a", 1.5, None)]}))).load()


@pytest.mark.parametrize(
    "api_version,kind",
    [
        ("apps/v1", "Deployment"),
        ("v1", "ConfigMap"),
        ("batch/v1", "CronJob"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),  # JSONSchemaProps refers to itself
    ],
)
def test_jsonschema_given_the_reachable_definitions_reports_what_the_whole_document_would(api_version, kind):
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    version = bundle.newest_version()
    definitions = bundle.definitions(version)
    schema = {"$ref": f"{bundle.DEFINITIONS_URI}#/$defs/{bundle.gvk_index(version)[(api_version, kind)]}"}
    obj = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": 5, "labels": {"a": 1}},
        "spec": {"x": 1, "replicas": "3", "versions": [{"schema": {"openAPIV3Schema": {"type": 1}}}]},
        "data": {"k": 1},
    }

    def errors(document):
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        registry = Registry().with_resource(bundle.DEFINITIONS_URI, resource)
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        return sorted((list(error.absolute_path), error.message) for error in validator.iter_errors(obj))

    reachable = definitions.document_for(schema)
    assert len(reachable["$defs"]) < len(definitions.document()["$defs"])
    assert errors(reachable) == errors(definitions.document()) != []
