"""Offline parts of the registry check: suggestions, catalog, cache, credentials, challenges."""

from __future__ import annotations

import base64
import json

import pytest

from k8scheck.images import CatalogError, ImageVerdict, check_images, load_catalog, parse_reference, suggest_tags
from k8scheck.images.cache import ImageCache
from k8scheck.images.registry import _load_credentials, _target, parse_challenge
from k8scheck.images.verdict import not_found_verdict, tags_sample

HELLO = ["1.0", "1.1", "1.2", "1.4", "1.5"]


@pytest.mark.parametrize(
    "wanted, tags, best",
    [
        ("1.3", HELLO, ["1.2", "1.4"]),
        ("v10", ["v1", "v2"], ["v2"]),
        ("1.6", HELLO, ["1.5"]),
        ("0.9", HELLO, ["1.0"]),
        ("1.25.3", ["1.25.2", "1.25.4", "1.24", "1.26.0-alpine"], ["1.25.2", "1.25.4"]),
        ("1.25-alpine", ["1.24-alpine", "1.25", "1.26-alpine"], ["1.24-alpine", "1.26-alpine"]),
        ("1.25", ["1.24.9", "2"], ["1.24.9", "2"]),  # no same-shape tag: any length
        ("lates", ["latest", "stable"], ["latest"]),
        ("stabel", ["latest", "stable"], ["stable"]),
        ("main", ["1.0", "2.0"], []),
        ("1.3", [], []),
    ],
)
def test_suggestions(wanted, tags, best):
    assert suggest_tags(wanted, tags) == best


def test_many_tags_are_sampled_around_the_wanted_one():
    tags = [f"1.{n}" for n in range(40) if n != 20]
    sample = tags_sample("1.20", tags, suggest_tags("1.20", tags))
    assert len(sample) == 10
    assert "1.19" in sample and "1.21" in sample and "1.0" not in sample
    ref = parse_reference("team/app:1.20")
    v = not_found_verdict(ref, "docker.io", tags)
    assert "39 tags in all" in v.detail and "did you mean 1.19 or 1.21?" in v.detail


def test_seed_message_shape():
    v = not_found_verdict(parse_reference("blux2/hello-server:1.3"), "docker.io", HELLO)
    assert v.detail == (
        "blux2/hello-server:1.3 does not exist in docker.io (tags there: 1.0, 1.1, 1.2, 1.4, 1.5 — did you mean 1.2 or "
        "1.4?)"
    )


# --------------------------------------------------------------------------- catalog


def test_catalog_as_mapping_in_yaml(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text('blux2/hello-server: ["1.0", "1.2"]\nnginx: ["1.25", "sha256:' + "a" * 64 + '"]\n')
    refs = [
        "blux2/hello-server:1.2",
        "blux2/hello-server:1.3",
        "nginx@sha256:" + "a" * 64,
        "docker.io/library/nginx:1.25",
        "nginx",
        "ghcr.io/x/y:1",
    ]
    v = check_images(refs, cache_path=None, catalog=path)
    assert [v[r].status for r in refs] == ["found", "not-found", "found", "found", "not-found", "error"]
    assert v["blux2/hello-server:1.3"].suggestions == ["1.2"]
    assert "according to the image catalog catalog.yaml" in v["blux2/hello-server:1.3"].detail
    assert v["ghcr.io/x/y:1"].detail == "the image catalog catalog.yaml does not list the repository ghcr.io/x/y"
    assert {x.requests for x in v.values()} == {0}


def test_catalog_as_list_in_json(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(["blux2/hello-server:1.2", "busybox", "quay.io/o/a@sha256:" + "b" * 64]))
    refs = [
        "blux2/hello-server:1.2",
        "busybox:latest",
        "busybox:1.36",
        "quay.io/o/a@sha256:" + "b" * 64,
        "quay.io/o/a@sha256:" + "c" * 64,
    ]
    v = check_images(refs, cache_path=None, catalog=path)
    assert [v[r].status for r in refs] == ["found", "found", "not-found", "found", "not-found"]


@pytest.mark.parametrize(
    "content, says",
    [
        ("blux2/hello: [1.10]", "quoted"),
        ("blux2/hello: 1.0", "list of tags"),
        ("blux2/hello:1.0: [a]", "without tag"),
        ("- Bad/Name:1", "not an image reference"),
        ("just text", "list of references or a mapping"),
        ("a: [b\n", "neither JSON nor YAML"),
        ('blux2/hello: ["bad tag"]', "contains"),
    ],
)
def test_bad_catalogs_raise_a_clear_error(tmp_path, content, says):
    path = tmp_path / "catalog.yaml"
    path.write_text(content)
    with pytest.raises(CatalogError, match=says):
        load_catalog(path)


def test_missing_catalog_file_raises(tmp_path):
    with pytest.raises(CatalogError, match="cannot read"):
        check_images(["nginx:1"], cache_path=None, catalog=tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- cache


def test_cache_keeps_definite_answers_with_ttl(tmp_path):
    now = [1000.0]
    cache = ImageCache(tmp_path / "c.sqlite", ttl_seconds=60, clock=lambda: now[0])
    cache.put("tag", ImageVerdict("not-found", "gone", None, ["1.2"], 2, ["1.2"]))
    cache.put("digest", ImageVerdict("found", "here", "sha256:x", [], 1), forever=True)
    cache.put("down", ImageVerdict("unreachable", "refused", requests=1))
    hit = cache.get("tag")
    assert (hit.status, hit.suggestions, hit.tags, hit.requests) == ("not-found", ["1.2"], ["1.2"], 0)
    assert cache.get("down") is None
    now[0] += 61
    assert cache.get("tag") is None
    assert cache.get("digest").digest == "sha256:x"


def test_unusable_cache_is_a_no_op(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ImageCache(blocker / "sub" / "c.sqlite")  # parent is a file: cannot be created
    assert not cache.usable
    cache.put("k", ImageVerdict("found", "x"))
    assert cache.get("k") is None
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"not a database at all" * 100)
    cache = ImageCache(corrupt)
    cache.put("k", ImageVerdict("found", "x"))
    assert cache.get("k") is None


# --------------------------------------------------------------------------- credentials, challenges, endpoints


def test_credentials_from_docker_config(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": base64.b64encode(b"hub:pw:with:colons").decode()},
                    "registry.example.com:5000": {"username": "u", "password": "p"},
                    "http://other.example/v2/": {"auth": "!!!not base64"},
                    "broken": "x",
                },
                "credsStore": "desktop",
            }
        )
    )
    creds = _load_credentials(path)
    assert creds["registry-1.docker.io"] == ("hub", "pw:with:colons") == creds["docker.io"]
    assert creds["registry.example.com:5000"] == ("u", "p")
    assert "other.example" not in creds
    assert _load_credentials(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{")
    assert _load_credentials(tmp_path / "bad.json") == {}


def test_challenge_parsing():
    scheme, params = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'
    )
    assert scheme == "bearer"
    assert params == {
        "realm": "https://auth.docker.io/token",
        "service": "registry.docker.io",
        "scope": "repository:library/nginx:pull",
    }
    assert parse_challenge('Basic realm="Registry Realm"') == ("basic", {"realm": "Registry Realm"})


def test_docker_hub_endpoint_mirrors_and_insecure_hosts():
    t = _target(parse_reference("nginx:1"), {}, set())
    assert (t.scheme, t.endpoint, t.where) == ("https", "registry-1.docker.io", "docker.io")
    assert t.key == "https://registry-1.docker.io/library/nginx:1"
    t = _target(parse_reference("nginx:1"), {"docker.io": "mirror.local:5000"}, {"mirror.local:5000"})
    assert (t.scheme, t.endpoint, t.where) == ("http", "mirror.local:5000", "docker.io (via mirror mirror.local:5000)")
    t = _target(parse_reference("registry.example.com/a/b@sha256:" + "a" * 64), {}, {"registry.example.com"})
    assert t.scheme == "http" and t.key.endswith("/a/b@sha256:" + "a" * 64)
